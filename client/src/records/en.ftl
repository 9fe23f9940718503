# Account, contact and deal pages: details, links, timeline, tasks, history and conflicts.
contact-title = Contact
deal-title = Deal
record-details = Details
record-reach = Phones and e-mails
record-phone = Phone number
record-email = E-mail address
record-add-phone = Add a phone number (press Enter)
record-add-email = Add an e-mail address (press Enter)
record-remove-phone = Remove phone number
record-remove-email = Remove e-mail address
record-map = Map
record-no-owner = Nobody
record-tags-hint = Comma-separated, saved when you leave the field
record-tab-details = Details
record-tab-history = History
record-conflict = Two people changed “{ $field }” at the same time on different devices. Keep one:
record-conflict-label = Concurrent values of { $field }
record-conflicts = Fields changed at the same time by two people
record-field-name = Name
record-field-siren = SIREN
record-field-siret = SIRET
record-field-vat = VAT number
record-field-industry = Industry
record-field-tags = Tags
record-field-stage = Stage
record-field-addresses = Addresses
record-field-phones = Phones
record-field-emails = E-mails
record-field-website = Website
record-field-owner = Owner
record-field-territory = Territory
record-territory-none = No territory
record-field-notes = Notes
record-field-activities = Activities
record-field-tasks = Tasks
record-field-first-name = First name
record-field-last-name = Last name
record-field-job-title = Job title
record-field-accounts = Accounts
record-field-title = Title
record-field-account = Account
record-field-amount = Amount
record-field-status = Status
record-field-expected-close = Expected close date
record-field-probability = Probability
record-stage-prospect = Prospect
record-stage-new-customer = New customer
record-stage-active = Active customer
record-stage-to-reactivate = To win back
record-stage-lost = Lost
record-suggested = Suggested: { $stage } — { $reasons }
record-suggested-no-order = no order yet
record-suggested-last-order = last order { $days ->
    [0] today
    [1] yesterday
   *[other] { $days } days ago
}
record-suggested-usually = usually every { $days ->
    [1] day
   *[other] { $days } days
}
record-suggested-last-visit = last visit { $days ->
    [0] today
    [1] yesterday
   *[other] { $days } days ago
}
record-suggested-use = Use the suggestion
record-activity-visit = Visit
record-activity-call = Call
record-activity-meeting = Meeting
record-activity-email = E-mail
record-activity-note = Note
record-activity-other = Activity
record-input-email-at = An e-mail address has exactly one @, like jean@example.fr.
record-input-email-local = The part before the @ is empty or holds a character e-mail addresses cannot.
record-input-email-domain = The part after the @ is not a valid domain, like example.fr.
record-input-email-long = This e-mail address is too long.
record-input-phone-character = A phone number holds only digits, spaces, dots and dashes.
record-input-phone-french = A French number has ten digits, like 06 12 34 56 78.
record-input-phone-international = An international number starts with + and has 8 to 15 digits.
record-input-phone-country = Start with 0 for a French number, or + and the country code.
record-input-registration-character = Only digits and spaces, please.
record-input-registration-length = A SIREN has 9 digits and a SIRET 14.
record-input-registration-check = The check digit does not match: a digit is probably mistyped.
record-input-vat-country = A VAT number starts with its country code, like FR.
record-input-vat-shape = This VAT number has the wrong length or characters for its country.
record-input-vat-key = The VAT key does not match the company's SIREN.
record-input-money-number = An amount is a number like 1 234,56.
record-input-money-decimals = Too many decimals for this currency.
record-input-money-large = This amount is too large.
record-input-date-format = Write a date like 31/03/2025.
record-input-date-day = This day does not exist.
record-input-required = This cannot be left empty.
account-street = Street
account-postcode = Postcode
account-contacts = Contacts
account-contacts-empty = No contacts at this account yet.
account-deals = Deals
account-deals-empty = No deals with this account yet.
account-tasks = Tasks
account-tasks-empty = Nothing to do for this account.
account-task-due = due { $date }
account-task-overdue = overdue since { $date }
account-new-task = New task
account-new-task-due = Due on
account-add-task = Add task
account-timeline = Activity
account-timeline-empty = No visits, calls or notes yet.
account-add-call = Log a call
account-add-note = Add a note
account-activity-report = { $kind } · { $when }
contact-missing = This contact is not on this device (yet). It appears once sync brings it.
contact-accounts = Accounts
contact-accounts-empty = Not linked to an account.
contact-account-elsewhere = An account not on this device yet
contact-channel = Preferred channel
contact-channel-phone = Phone
contact-channel-email = E-mail
contact-channel-visit = In person
contact-channel-sms = Text message
contact-consent-email = Agrees to e-mails
contact-consent-phone = Agrees to calls
deal-back = ← Pipeline
deal-missing = This deal is not on this device (yet). It appears once sync brings it.
deal-amount-in = Amount ({ $currency })
deal-status-open = Open
deal-status-won = Won
deal-status-lost = Lost
history-created = Created
history-changed = Changed { $fields }
history-changes = { $count ->
    [one] one change
   *[other] { $count } changes
}
history-by-me-here = { $name }, on this device
history-by-me-elsewhere = { $name }, on another device
history-by-colleague = Colleague { $user } (device { $device })
history-by-colleague-named = { $name } (device { $device })
history-by-unknown = Carnet
history-pick = Pick a change to see what it changed and the record as it was.
history-detail-title = What this change did
history-field = Field
history-before = Before
history-after = After
history-restore = Restore this value
history-restore-label = Restore { $field } to “{ $value }”
history-empty = (empty)
history-as-it-was = The record as it was after this change
