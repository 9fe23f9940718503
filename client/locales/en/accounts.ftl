# The accounts list and the account page.
accounts-title = Accounts
accounts-opening = Opening your accounts…
accounts-empty-title = No accounts yet
accounts-empty-text = Add your first customer above. It is kept on this device, even offline.
account-new = New account
account-name = Company name
account-city = City
account-add = Add account
account-back = ← Accounts
account-opening = Opening…
account-missing = This account is not on this device (yet). It appears once sync brings it.
account-notes = Notes
account-visits = Visits
account-add-visit = Add a visit
account-visit-report = Visit report · { $when }
account-name-conflict = Two names were set at the same time on different devices. Keep one:
account-name-conflict-label = Two names were set at the same time
