//! Pages: one per screen. A page owns its data through hooks and hands it to components.

mod account;
mod accounts;
mod settings;
mod sign_in;

pub use account::AccountPage;
pub use accounts::AccountsPage;
pub use settings::SettingsPage;
pub use sign_in::SignInPage;
