//! Presentational components shared by several features (banners, the sync indicator): props and
//! callbacks in, markup out. No storage, no network. Each feature keeps its own in its folder.

mod digest_banner;
mod error_banner;
mod sync_indicator;
mod update_banner;

pub use digest_banner::{named_digest, DigestBanner, NamedChange};
pub use error_banner::ErrorBanner;
pub use sync_indicator::{SyncIndicator, SyncTone, UnsyncedWarning};
pub use update_banner::UpdateBanner;
