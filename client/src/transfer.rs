//! Data in and out: the CSV import wizard (`wizard` is its pure state machine, held and run by the
//! workspace worker; `review` what the page is shown of it; both tested natively), exports and
//! backups. The page, hooks and components exist on wasm32 only.

#[cfg(target_arch = "wasm32")]
mod import_page;
#[cfg(target_arch = "wasm32")]
mod import_wizard;
pub mod review;
#[cfg(target_arch = "wasm32")]
mod transfer_panel;
#[cfg(target_arch = "wasm32")]
mod use_data_transfer;
#[cfg(target_arch = "wasm32")]
mod use_import;
pub mod wizard;

#[cfg(target_arch = "wasm32")]
pub use import_page::ImportPage;
#[cfg(target_arch = "wasm32")]
pub use import_wizard::{
    field_label, ImportDuplicates, ImportMapping, ImportProblems, ImportProgress, ImportSummaryView,
};
#[cfg(target_arch = "wasm32")]
pub use transfer_panel::{CsvExport, TransferPanel};
#[cfg(target_arch = "wasm32")]
pub use use_data_transfer::{use_data_transfer, DataTransfer, DataTransferHandle, TransferOutcome};
#[cfg(target_arch = "wasm32")]
pub use use_import::{use_import, ImportHandle};
