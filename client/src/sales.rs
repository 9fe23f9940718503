//! Selling at the customer's: the product catalogue, quotes (devis) built offline from it, the
//! customer's signature on the tablet, orders, and their printed pages.
//!
//! `quote_view`, `order_view`, `catalogue_view` and `signature_pad_path` are pure and tested
//! natively; the pages, hooks and components exist on wasm32 only. Quotes and orders are edited
//! through the workspace service like every record; the device refuses an edit a sent quote or
//! an order forbids (`shared::sales`, checked in the worker), so the page only offers what is
//! allowed and shows the refusal otherwise.

pub mod catalogue_view;
pub mod order_view;
pub mod quote_view;
pub mod signature_path;

#[cfg(target_arch = "wasm32")]
mod account_sales;
#[cfg(target_arch = "wasm32")]
mod catalogue_page;
#[cfg(target_arch = "wasm32")]
mod order_page;
#[cfg(target_arch = "wasm32")]
mod printed_document;
#[cfg(target_arch = "wasm32")]
mod quote_page;
#[cfg(target_arch = "wasm32")]
mod signature_pad;
#[cfg(target_arch = "wasm32")]
mod use_order;
#[cfg(target_arch = "wasm32")]
mod use_quote;
#[cfg(target_arch = "wasm32")]
mod use_sales;

#[cfg(target_arch = "wasm32")]
pub use account_sales::AccountSales;
#[cfg(target_arch = "wasm32")]
pub use catalogue_page::CataloguePage;
#[cfg(target_arch = "wasm32")]
pub use order_page::OrderPage;
#[cfg(target_arch = "wasm32")]
pub use quote_page::QuotePage;
#[cfg(target_arch = "wasm32")]
pub(crate) use use_sales::use_account_sales;
