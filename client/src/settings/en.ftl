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
