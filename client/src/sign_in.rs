//! Signing in: the sign-in page and its form, and the page an invitation link opens. wasm32
//! only.

#[cfg(target_arch = "wasm32")]
mod join_page;
#[cfg(target_arch = "wasm32")]
mod page;
#[cfg(target_arch = "wasm32")]
mod sign_in_form;

#[cfg(target_arch = "wasm32")]
pub use join_page::{invitation_code, invitation_link, JoinPage};
#[cfg(target_arch = "wasm32")]
pub use page::SignInPage;
#[cfg(target_arch = "wasm32")]
pub use sign_in_form::{Credentials, SignInForm};
