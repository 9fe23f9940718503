# Settings: language, session, sync, storage, sign-out.
settings-title = Settings
settings-language = Language
settings-signed-in = Signed in
settings-sync = Sync
settings-pending = { $count ->
    [one] One change waiting to be synced
   *[other] { $count } changes waiting to be synced
}
settings-storage = Storage on this device
settings-usage = { $used } used of { $quota } available to Carnet ({ $percent } %)
settings-usage-unknown = The browser does not say how much space is used.
settings-persistent = Protected: the browser will not erase Carnet's data to free space.
settings-not-persistent = Not protected: the browser may erase Carnet's data when space runs low. Install the app and sync often.
settings-persistence-unasked = Not asked yet.
settings-rebuild = Rebuild lists
settings-rebuilt = The lists were rebuilt from { $count } records.
settings-sign-out = Sign out
settings-sign-out-text = Signing out erases Carnet's data from this device.
settings-unsynced = { $count ->
    [one] One change on this device is not synced yet and would be lost:
   *[other] { $count } changes on this device are not synced yet and would be lost:
}
settings-sign-out-anyway = Sign out and lose these changes
devices-title = Devices
devices-loading = Reading your devices…
devices-never-synced = never synced
devices-last-seen = last synced { $when }
devices-this-one = this device
devices-remove = Remove
# Territories (admins).
territories-title = Territories
territories-rule = A new account (created or imported) goes to the territory of its postcode: a postcode prefix beats a département. Changing a territory here moves no existing account until you move the accounts to their territories; an account's territory can also be chosen on its page.
territories-empty = No territories yet.
territories-name = Name
territories-departements = Départements
territories-departements-hint = 69, 2A, 971
territories-prefixes = Postcode prefixes
territories-prefixes-hint = 690, 75011
territories-remove = Remove
territories-remove-confirm = Remove this territory? Its accounts keep its key until someone chooses another.
territories-keep = Keep
territories-new = New territory
territories-new-hint = Île-de-France
territories-add = Add territory
territories-realign = Move the accounts to their territories
territories-realign-waiting = Waiting for your changes to reach the server…
territories-realigned = { $count ->
    [one] One account moved to the territory of its postcode.
   *[other] { $count } accounts moved to the territory of their postcode.
}
territories-departement-invalid = “{ $code }” is not a département (01 to 95, 2A, 2B, 971 to 976).
territories-prefix-invalid = “{ $code }” is not a postcode prefix (one to five digits).
territories-name-missing = A territory needs a name.
identity-title = Company identity
identity-rule = Printed on every quote and order, with the legal mentions a French quote carries.
identity-legal-name = Legal name
identity-legal-form = Legal form and capital (SAS au capital de 10 000 €)
identity-siret = SIRET
identity-registry = Trade register (RCS Lyon 123 456 789)
identity-vat-number = VAT number
identity-street = Street
identity-postcode = Postcode
identity-city = City
identity-mentions = Further legal mentions
identity-problem-siret = This is not a SIRET: 14 digits, with a valid check digit.
identity-problem-too-long = This is too long.
identity-problem-logo = The logo must be a small PNG, JPEG or WebP image.
identity-logo = Logo (PNG, JPEG or WebP, up to 70 KB)
identity-logo-preview = The company's logo
identity-logo-remove = Remove the logo

lifecycle-title = Customer lifecycle
lifecycle-rule = Each account shows the stage its orders suggest beside the one set by hand. A customer who never ordered is a prospect; silent longer than the lost threshold, lost; with a first order recent enough, new; with a recent enough last order, active; silent past the larger of the win-back floor and their own usual interval stretched by the percentage, to win back.
lifecycle-new-customer-days = New customer: first order at most this many days ago
lifecycle-active-days = Active: last order at most this many days ago
lifecycle-win-back-floor-days = To win back: silent for more than this many days at least
lifecycle-win-back-rhythm-percent = To win back: silent for more than this percentage of their usual interval
lifecycle-lost-days = Lost: silent for more than this many days
lifecycle-problem-number = Type a whole number.
lifecycle-problem-days = A number of days is between 1 and 3650.
lifecycle-problem-percent = The percentage is between 100 and 1000.
lifecycle-problem-longer-than-lost = A customer must not stay new or active longer than it takes to be lost.
