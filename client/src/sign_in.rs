//! Signing in: the sign-in page and its form, and the pages one-time links open (an invitation,
//! a password reset). wasm32 only.

#[cfg(target_arch = "wasm32")]
mod join_page;
#[cfg(target_arch = "wasm32")]
mod link;
#[cfg(target_arch = "wasm32")]
mod page;
#[cfg(target_arch = "wasm32")]
mod reset_page;
#[cfg(target_arch = "wasm32")]
mod sign_in_form;

#[cfg(target_arch = "wasm32")]
pub use join_page::JoinPage;
#[cfg(target_arch = "wasm32")]
pub use link::{invitation_code, invitation_link, password_reset_link, password_reset_token};
#[cfg(target_arch = "wasm32")]
pub use page::SignInPage;
#[cfg(target_arch = "wasm32")]
pub use reset_page::ResetPasswordPage;
#[cfg(target_arch = "wasm32")]
pub use sign_in_form::{Credentials, SignInForm};
