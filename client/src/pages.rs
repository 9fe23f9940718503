//! Pages: one per screen. A page owns its data through hooks and hands it to components.

mod accounts;

pub use accounts::AccountsPage;
