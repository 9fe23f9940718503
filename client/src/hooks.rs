//! Custom hooks: the only way pages reach storage and browser state, through intent-named handles.

mod contact_points;
mod use_account;
mod use_account_filter;
mod use_accounts;
mod use_contact;
mod use_data_transfer;
mod use_deal;
mod use_device_storage;
mod use_document;
mod use_history;
mod use_i18n;
mod use_import;
mod use_pipeline;
mod use_position;
mod use_related;
mod use_search;
mod use_storage;
mod use_sync;
mod use_today;
mod use_update_ready;
mod use_viewport;

pub use contact_points::Reachable;
pub use use_account::{use_account, AccountHandle, AddressPart};
pub use use_account_filter::{use_account_filter, AccountFilterHandle};
pub use use_accounts::{mark, use_accounts, AccountsHandle};
pub use use_contact::{use_contact, ContactHandle, ContactText};
pub use use_data_transfer::{use_data_transfer, DataTransfer, DataTransferHandle, TransferOutcome};
pub use use_deal::{use_deal, DealHandle};
pub use use_device_storage::{use_device_storage, DeviceStorage, DeviceStorageHandle};
pub use use_document::{use_document, DocumentHandle};
pub use use_history::{use_history, HistoryHandle};
pub use use_i18n::{use_i18n, I18n, I18nProvider};
pub use use_import::{use_import, ImportHandle};
pub use use_pipeline::{use_pipeline, PipelineHandle, PipelineView};
pub use use_position::{use_position, Position, PositionHandle};
pub use use_related::{
    use_account_names, use_account_relations, use_workspace_settings, AccountName, AccountRelations,
};
pub use use_search::{use_search, SearchHandle, SearchView};
pub use use_storage::{use_storage, StorageProvider, StorageState};
pub use use_sync::{use_sync, Digest, SessionState, SignOutRefusal, SyncHandle, SyncProvider};
pub use use_today::{use_today, TodayHandle, TodayView};
pub use use_update_ready::{use_update_ready, UpdateHandle};
pub use use_viewport::{use_viewport, Viewport};
