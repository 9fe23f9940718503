//! The team: the people directory every device keeps, so colleagues appear by name (history
//! today; owners, conflicts and the digest as the team issue lands).

pub mod people;
#[cfg(target_arch = "wasm32")]
mod people_section;
#[cfg(target_arch = "wasm32")]
mod use_people;

#[cfg(target_arch = "wasm32")]
pub use people_section::PeopleSection;
#[cfg(target_arch = "wasm32")]
pub use use_people::use_people;
