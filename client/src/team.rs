//! The team: the people directory every device keeps, so colleagues appear by name (history
//! today; owners, conflicts and the digest as the team issue lands), the admin's screens for
//! people (role, territories, a password reset link, disabling with a handover) and teams, and
//! the changes set aside when records leave the person's reach (`quarantine`, shown in
//! Settings).

#[cfg(target_arch = "wasm32")]
mod access_form;
#[cfg(target_arch = "wasm32")]
mod password_reset_action;
pub mod people;
#[cfg(target_arch = "wasm32")]
mod people_section;
pub mod quarantine;
#[cfg(target_arch = "wasm32")]
mod quarantine_section;
#[cfg(target_arch = "wasm32")]
mod teams_section;
#[cfg(target_arch = "wasm32")]
mod use_people;
#[cfg(target_arch = "wasm32")]
mod use_quarantine;

#[cfg(target_arch = "wasm32")]
pub use people_section::PeopleSection;
#[cfg(target_arch = "wasm32")]
pub use quarantine_section::QuarantineSection;
#[cfg(target_arch = "wasm32")]
pub use use_people::use_people;
