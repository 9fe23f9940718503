//! Settings: language, devices, territories, the company identity printed on quotes and the
//! thresholds of the suggested lifecycle stage (admins), device storage (persistence, estimate,
//! index rebuild) and the import/export/backup section. The pages and hooks are wasm32 only;
//! `territory_input` (what an admin types about a territory) builds on every target.

#[cfg(target_arch = "wasm32")]
mod device_list;
#[cfg(target_arch = "wasm32")]
mod devices_section;
#[cfg(target_arch = "wasm32")]
mod identity_section;
#[cfg(target_arch = "wasm32")]
mod lifecycle_section;
#[cfg(target_arch = "wasm32")]
mod page;
#[cfg(target_arch = "wasm32")]
mod territories_section;
pub mod territory_input;
#[cfg(target_arch = "wasm32")]
mod transfer_section;
#[cfg(target_arch = "wasm32")]
mod use_device_storage;
#[cfg(target_arch = "wasm32")]
mod use_territories;

#[cfg(target_arch = "wasm32")]
pub use device_list::DeviceList;
#[cfg(target_arch = "wasm32")]
pub use page::SettingsPage;
#[cfg(target_arch = "wasm32")]
pub use use_device_storage::{use_device_storage, DeviceStorage, DeviceStorageHandle};
#[cfg(target_arch = "wasm32")]
pub use use_territories::{use_territories, TerritoriesHandle};

/// Whether the signed-in person is an admin by the people directory (the sections only admins
/// may change are shown to them alone; the relay refuses anyone else's change anyway).
#[cfg(target_arch = "wasm32")]
fn signed_in_admin(
    sync: Option<&crate::hooks::SyncHandle>,
    people: &crate::team::people::People,
) -> bool {
    sync.is_some_and(|sync| match sync.session() {
        crate::hooks::SessionState::SignedIn(session) => {
            people.role_of(session.user.id) == Some("admin")
        }
        _ => false,
    })
}
