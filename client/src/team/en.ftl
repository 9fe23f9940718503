people-title = People
people-loading = Reading the people of the workspace…
people-role-admin = admin
people-role-rep = rep
people-role-manager = manager
people-role-other = { $role }
people-you = you
people-disabled = disabled
people-disable = Disable
people-disable-confirm = Disable { $name }? Every device of theirs is signed out at once and they can no longer sign in.
people-cancel = Cancel
people-invite = Invite someone
people-invite-email = Their e-mail address
people-invite-role = Role
people-invite-submit = Make an invitation link
people-invite-made = Send this link to { $email }: it works once, for { $days } days.
people-pending = Invitations waiting
people-pending-until = link works until { $when }
people-pending-teams = joins { $teams }
people-pending-territories = covers { $territories }
people-pending-cancel = Cancel the invitation
quarantine-title = Changes set aside
quarantine-summary = { $count ->
    [one] change to a record you no longer have access to
   *[other] changes to records you no longer have access to
}
quarantine-explanation = These records were reassigned or left your territory. Your changes to them are kept on this device and sent again if you get the records back. Download them to hand them to a colleague, or discard them.
quarantine-record-changes = { $count ->
    [one] 1 change
   *[other] { $count } changes
}
quarantine-kind-account = An account
quarantine-kind-contact = A contact
quarantine-kind-deal = A deal
quarantine-kind-settings = The workspace settings
quarantine-kind-product = A catalogue product
quarantine-kind-quote = A quote
quarantine-kind-order = An order
quarantine-kind-unknown = A record
quarantine-export-json = Export (JSON)
quarantine-export-csv = Export (CSV)
quarantine-discard = Discard
quarantine-discard-confirm = { $count ->
    [one] Discard this change for good? It cannot be recovered.
   *[other] Discard these { $count } changes for good? They cannot be recovered.
}
quarantine-cancel = Cancel
people-handover-label = Hand their accounts and deals to
people-handover-nobody = Nobody (they keep naming them)
people-handed-over = { $count ->
    [one] Disabled; 1 record handed to { $name }.
   *[other] Disabled; { $count } records handed to { $name }.
}
people-disabled-done = Disabled.
people-access-edit = Role & territories
people-access-role = Role
people-access-territories = Territories
people-access-no-territories = The workspace defines no territories yet.
people-access-save = Save
teams-title = Teams
teams-empty = No teams yet.
teams-leads = Managers: { $names }
teams-members = Members: { $names }
teams-territories = Territories: { $names }
teams-edit = Edit
teams-new = New team
teams-name = Team name
teams-form-leads = Managers
teams-form-members = Members
teams-form-territories = Territories
teams-save = Save team
people-reset-password = Reset password
people-reset-made = Send this link to { $name }: it sets a new password once, until { $when }. Their devices already signed in stay signed in.
people-reset-copy = Copy the link
people-reset-copied = Copied
people-invite-teams = Teams they join
people-invite-territories = Territories they cover
people-hand-over = Hand over their records
people-hand-over-confirm = Give { $name }'s accounts and deals to a colleague.
