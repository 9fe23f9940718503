# Import, export, backup and restore.
import-title = Import
import-intro = Bring your customers from a spreadsheet (CSV) or an address book (vCard). The file is read on this device, even offline; nothing is stored until you confirm.
import-choose-file = File to import (.csv or .vcf)
import-link = Import a file
import-file = File: { $name }
import-kind = The rows are
import-kind-account = Accounts
import-kind-contact = Contacts
import-kind-deal = Deals
import-kind-product = Products
import-detected = Detected: { $encoding }, fields separated by { $delimiter }
import-encoding = Encoding
import-delimiter = Separator
import-guess = Detected ({ $value })
import-encoding-utf8 = UTF-8
import-encoding-utf8-bom = UTF-8 with BOM
import-encoding-windows-1252 = Windows-1252 (Excel, French Windows)
import-delimiter-semicolon = semicolon (;)
import-delimiter-comma = comma (,)
import-delimiter-tab = tab
import-preview = First rows
import-mapping = Columns
import-column = Column
import-field = Becomes
import-field-none = Ignore this column
import-missing = No column gives: { $fields }. Choose one below.
import-loading-existing = Looking for duplicates among the records on this device…
import-vcard = { $count ->
    [one] One card read from the vCard file.
   *[other] { $count } cards read from the vCard file.
}
import-problems-title = { $count ->
    [one] One row will not be imported
   *[other] { $count } rows will not be imported
}
import-no-problems = Every row is valid.
import-line = Line { $line }
import-problem-wrong_field_count = the line has { $found } fields where the header has { $expected }
import-problem-missing_value = { $field } is empty
import-problem-bad_siret = invalid SIRET “{ $value }”
import-problem-bad_siren = invalid SIREN “{ $value }”
import-problem-siret_not_of_siren = the SIRET does not belong to the SIREN
import-problem-bad_vat = invalid VAT number “{ $value }”
import-problem-bad_email = invalid e-mail address “{ $value }”
import-problem-bad_phone = invalid phone number “{ $value }”
import-problem-unknown_stage = unknown stage “{ $value }”
import-problem-unknown_territory = unknown territory “{ $value }”
import-problem-unknown_status = unknown status “{ $value }” (expected open, won or lost)
import-problem-bad_amount = invalid amount “{ $value }”
import-problem-bad_currency = unknown currency “{ $value }”
import-problem-bad_date = { $field }: invalid date “{ $value }”
import-problem-bad_probability = probability “{ $value }” is not a whole percentage from 0 to 100
import-problem-reference_too_long = reference “{ $value }” is longer than 40 characters
import-problem-bad_price = invalid unit price “{ $value }”
import-problem-negative_price = unit price “{ $value }” is negative (a discount belongs on the quote)
import-problem-bad_vat_rate = VAT rate “{ $value }” is not a French rate (20, 10, 5.5, 2.1 or 0)
import-problem-invalid_product = the product is not valid
import-duplicates-title = { $count ->
    [one] One possible duplicate
   *[other] { $count } possible duplicates
}
import-duplicate-of-row = same { $key } as line { $other }
import-duplicate-of-existing = same { $key } as “{ $name }”, already on this device
import-key-siret = SIRET
import-key-name = name and postcode
import-key-email = e-mail address
import-key-reference = reference
import-decision-skip = Skip
import-decision-merge = Merge
import-decision-import-anyway = Import anyway
import-decide-all = For all duplicates:
import-show-more = Show more ({ $shown } of { $total } shown)
import-review = Continue
import-summary-title = Before importing
import-summary-rows = { $count ->
    [one] One row in the file
   *[other] { $count } rows in the file
}
import-summary-invalid = { $count ->
    [one] 1 refused (see the reasons above)
   *[other] { $count } refused (see the reasons above)
}
import-summary-duplicates = { $count ->
    [one] One possible duplicate
   *[other] { $count } possible duplicates
}
import-summary-create = { $count ->
    [one] 1 new record
   *[other] { $count } new records
}
import-summary-merge-existing = { $count ->
    [one] 1 record on this device completed (nothing overwritten)
   *[other] { $count } records on this device completed (nothing overwritten)
}
import-summary-merge-in-file = { $count ->
    [one] 1 row merged into an earlier row
   *[other] { $count } rows merged into an earlier row
}
import-summary-skip = { $count ->
    [one] 1 duplicate skipped
   *[other] { $count } duplicates skipped
}
import-all-or-nothing = Either every chosen row is imported or none is.
import-back = Back
import-start = Import
import-progress = { $done } of { $total } written…
import-cancel = Cancel
import-done = Imported: { $created } new, { $merged } completed. They will sync with your colleagues.
import-cancelled = Import cancelled: nothing was imported.
import-failed = Nothing was imported: { $reason }
import-again = Import another file
import-to-accounts = See the accounts
import-to-catalogue = See the catalogue
import-error-empty_file = The file is empty.
import-error-not_text = This file is not text: it is not a CSV export. Was another file renamed .csv?
import-error-workbook_not_csv = This is an Excel workbook, not a CSV file. Save it as CSV first.
import-error-header_only = The file has a header line but no rows under it.
import-error-malformed_csv = Line { $line }: the file cannot be read as CSV.
import-error-not_vcard = The file holds no vCard.
import-error-unterminated_card = Line { $line }: the card that starts here has no END:VCARD.
import-error-read = The file could not be read: { $reason }
import-field-account_name = Company name
import-field-siret = SIRET
import-field-siren = SIREN
import-field-vat = VAT number
import-field-industry = Industry
import-field-lifecycle_stage = Stage
import-field-street = Address
import-field-postcode = Postcode
import-field-city = City
import-field-country = Country
import-field-territory = Territory
import-field-phone = Phone
import-field-mobile = Mobile
import-field-email = E-mail
import-field-website = Website
import-field-tags = Tags
import-field-notes = Notes
import-field-first_name = First name
import-field-last_name = Last name
import-field-job_title = Job title
import-field-birthday = Birthday
import-field-title = Title
import-field-amount = Amount
import-field-currency = Currency
import-field-pipeline_stage = Pipeline stage
import-field-probability = Probability
import-field-expected_close = Expected close
import-field-status = Status
import-field-reference = Reference
import-field-product_name = Product name
import-field-description = Description
import-field-unit = Unit
import-field-unit_price = Unit price excl. VAT
import-field-vat_rate = VAT rate
import-field-category = Category
transfer-title = Import, export and backup
transfer-export = Export to a spreadsheet
transfer-export-note = Exports hold every record: the accounts list has no filter yet. UTF-8 files that Excel and LibreOffice open with their accents.
transfer-separator = Separator
transfer-separator-semicolon = ; (spreadsheets in French)
transfer-separator-comma = , (spreadsheets in English)
transfer-export-accounts = Export accounts (CSV)
transfer-export-contacts = Export contacts (CSV)
transfer-export-deals = Export deals (CSV)
transfer-export-products = Export products (CSV)
transfer-export-vcard = Export all contacts (vCard)
transfer-exported = { $count ->
    [one] One record exported.
   *[other] { $count } records exported.
}
transfer-backup-title = Full backup
transfer-backup-text = A backup file holds every record with its whole history. Restoring it merges it into the data on this device: nothing is overwritten.
transfer-backup = Download a backup
transfer-backed-up = { $count ->
    [one] Backup of one document downloaded.
   *[other] Backup of { $count } documents downloaded.
}
transfer-restore = Restore a backup
transfer-restoring = Restoring…
transfer-restored = Restored: { $added } records added, { $merged } merged. Changes new to this device will sync.
transfer-working = Working…
transfer-failed = Nothing was changed: { $reason }
restore-error-not_a_backup = This file is not a Carnet backup. Nothing was changed.
restore-error-unsupported_version = This backup was written by a newer version of Carnet. Update the app, then try again. Nothing was changed.
restore-error-truncated = This backup file is incomplete (was the download cut short?). Nothing was changed.
restore-error-trailing_bytes = This backup file has unexpected data at its end: it is damaged. Nothing was changed.
restore-error-corrupt_manifest = This backup file is damaged. Nothing was changed.
restore-error-bad_manifest = This backup file is damaged. Nothing was changed.
restore-error-inconsistent_manifest = This backup file is damaged. Nothing was changed.
restore-error-corrupt_document = A record in this backup is damaged. Nothing was changed.
restore-error-too_large = This backup is too large. Nothing was changed.
restore-error-other_workspace = This backup belongs to another workspace. Nothing was changed.
