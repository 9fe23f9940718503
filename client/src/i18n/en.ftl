# The frame of the app: navigation, sync indicator, update prompt, sign-in.
app-name = Carnet
nav-main = Main
nav-accounts = Accounts
nav-today = Today
nav-pipeline = Pipeline
nav-search = Search
nav-settings = Settings
opening-app = Opening Carnet…
opening-page = Opening the page…
problem-pages-unavailable = This page could not be loaded: the device is offline and has not kept it yet. Your data is safe.
try-again = Try again
not-found = Nothing here.
not-found-back = Back to the accounts
not-an-account = This address does not name an account.
update-ready = A new version of Carnet is ready.
update-reload = Reload
dismiss = Dismiss

sync-signed-out = Signed out
sync-offline = Offline
sync-offline-pending = Offline · { $count } to sync
sync-connecting = Connecting…
sync-downloading = Downloading · { $count } records
sync-syncing = Syncing…
sync-syncing-pending = Syncing · { $count } pending
sync-synced = Synced
sync-failed = Sync stopped
sync-now = Sync now
sync-last-synced = Last synced at { $time }
sync-unsynced-warning = { $count ->
    [one] One change made on this device { $days } days ago is not synced yet.
   *[other] { $count } changes made on this device { $days } days ago are not synced yet.
} Connect to a network soon: until then they exist only here.

sign-in-title = Sign in to Carnet
sign-in-lead = Sign in once on this device. Your accounts are then kept here and work without a network.
sign-in-email = E-mail address
sign-in-password = Password
sign-in-submit = Sign in
sign-in-busy = Signing in…
join-title = Join your team on Carnet
join-lead = You were invited. Choose your name and a password: this device is then signed in and downloads your team's accounts.
join-name = Your name
join-password = Password (8 characters or more)
join-submit = Join
reset-title = Choose a new password
reset-lead = Your administrator sent you this link. Choose a new password: this device is then signed in and downloads your team's accounts.
reset-password = New password (8 characters or more)
reset-submit = Set the password and sign in

digest-title = { $count ->
    [one] While you were away, a colleague changed one account:
   *[other] While you were away, colleagues changed { $count } accounts:
}
digest-more = and { $count } more

problem-storage-full = This device's storage is full. Free some space, then try again; nothing was lost.
problem-storage-unavailable = This browser does not let Carnet keep data on the device. Leave private browsing or allow site data.
problem-storage-blocked = Another Carnet tab is still open on an older version. Close it to continue.
problem-storage-upgrade = Carnet could not prepare its storage; the previous data was kept.
problem-storage-aborted = The browser cancelled the save; nothing was written. Try again.
problem-storage-corrupt = A stored record is damaged.
problem-storage-failed = The device's storage failed.
problem-unreachable = The server cannot be reached. Your work is kept on this device.
problem-wrong-credentials = That e-mail address and password do not match. Check them and try again.
problem-session-ended = Your session has ended. Sign in again; nothing on this device was lost.
problem-invitation-invalid = This invitation is unknown, expired or already used. Ask for a new one.
problem-reset-link-unknown = This password reset link is unknown. Check that you opened the whole link, or ask your administrator for a new one.
problem-reset-link-expired = This password reset link has expired. Ask your administrator for a new one.
problem-reset-link-used = This password reset link was already used. Ask your administrator for a new one.
problem-reset-link-replaced = A newer password reset link replaced this one. Open the newest link you received.
problem-person-disabled = This person is disabled.
problem-copy-failed = The browser refused to copy. Select the link and copy it yourself.
problem-email-taken = This address already has an account.
problem-invalid-details = Check the address, the name and the password (8 characters or more).
problem-access-removed = An administrator removed this access (the person was disabled or this device removed). Ask them if you think it is a mistake.
problem-device-erased = An administrator removed this device (or disabled your access): its copy of the workspace was erased.
problem-too-many-attempts = Too many attempts. Wait a minute, then try again.
problem-unexpected = The server answered unexpectedly.
problem-app-too-old = This version of Carnet is too old for the server; reload to update.
problem-server-quota-exceeded = The server has no room left for this device's changes. They are kept safely on this device and will be sent once your manager frees space or raises the limit.
problem-storage-not-ready = The device's storage is not ready yet.
problem-signing-out = This device is being signed out: that change was not kept.
problem-device-sign-in-damaged = This device's sign-in is damaged. Sign in again.
problem-export-failed = The file could not be written.
problem-download-failed = The browser refused the download.
problem-file-unreadable = The browser could not read that file.
problem-record-missing = That record is not on this device.
problem-signed-out = Nobody is signed in on this device.
problem-import-cancelled = The import was cancelled; nothing was imported.
problem-record-unbuildable = A record could not be built from its row; nothing was imported.
problem-record-unmergeable = A record could not be merged; nothing was changed.
problem-edit-refused = That change could not be made; the record is as it was.
problem-record-too-new = This record was written by a newer version of Carnet. Reload to update.
problem-clock-invalid = This device's clock gives no valid date. Set the date, then reload.
digest-by = — by { $names }
digest-by-someone = a colleague
nav-catalogue = Catalogue
problem-sale-frozen = This document was sent, answered or closed and can no longer change: make a new version instead.
problem-sale-protected = That field is set by its own step (sending, signing, numbering), not by an edit.
problem-sale-invalid = That change would leave the document invalid; it is as it was.
problem-sales-invalid = The quote or order could not be made.
problem-sales-no-device-code = This device has no code for numbering quotes yet: sign out and sign in again while online.
problem-sales-numbers-exhausted = This device has used every number of the year for this kind of document.
problem-sales-not-accepted = Only an accepted quote becomes an order.
