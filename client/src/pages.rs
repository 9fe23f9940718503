//! Pages: one per screen. A page owns its data through hooks and hands it to components.

mod account;
mod accounts;
mod contact;
mod deal;
mod devices_section;
mod import;
mod pipeline;
mod search;
mod settings;
mod sign_in;
mod today;

pub use account::AccountPage;
pub use accounts::AccountsPage;
pub use contact::ContactPage;
pub use deal::DealPage;
pub use import::ImportPage;
pub use pipeline::PipelinePage;
pub use search::SearchPage;
pub use settings::SettingsPage;
pub use sign_in::SignInPage;
pub use today::TodayPage;
