//! Settings: language, devices, device storage (persistence, estimate, index rebuild) and the
//! import/export/backup section. wasm32 only.

#[cfg(target_arch = "wasm32")]
mod device_list;
#[cfg(target_arch = "wasm32")]
mod devices_section;
#[cfg(target_arch = "wasm32")]
mod page;
#[cfg(target_arch = "wasm32")]
mod transfer_section;
#[cfg(target_arch = "wasm32")]
mod use_device_storage;

#[cfg(target_arch = "wasm32")]
pub use device_list::DeviceList;
#[cfg(target_arch = "wasm32")]
pub use page::SettingsPage;
#[cfg(target_arch = "wasm32")]
pub use use_device_storage::{use_device_storage, DeviceStorage, DeviceStorageHandle};
