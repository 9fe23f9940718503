//! Platform hooks shared by every feature: the database connection, the sync session, the
//! language, the viewport and the update prompt. Each feature keeps its own hooks in its folder.

mod use_i18n;
mod use_storage;
mod use_sync;
mod use_update_ready;
mod use_viewport;

pub use use_i18n::{use_i18n, I18n, I18nProvider};
pub use use_storage::{use_storage, StorageProvider, StorageState};
pub use use_sync::{use_sync, Digest, SessionState, SignOutRefusal, SyncHandle, SyncProvider};
pub use use_update_ready::{use_update_ready, UpdateHandle};
pub use use_viewport::{use_viewport, Viewport};
