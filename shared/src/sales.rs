//! Selling: the product catalogue, quotes (devis) and orders (bons de commande), their totals
//! and their human numbers, all computed on the device.
//!
//! It owns the rules of the sale: integer money, French VAT rates, quantities in thousandths,
//! discounts in basis points, EN 16931 rounding (`totals`), the status machines and freezing of
//! quotes and orders, and numbering without a server (`numbering`). It must not know how
//! documents are stored, synced or shown: no IO, no clock (dates and years are passed in), no
//! strings for people (errors are typed; the client turns them into catalogue messages).

mod device_code;
mod discount;
mod line;
mod numbering;
mod order;
mod product;
mod quantity;
mod quote;
mod rows;
mod signature;
mod status;
mod totals;
mod vat_rate;

pub use device_code::{DeviceCode, DeviceCodeError, MAX_DEVICE_CODE_CHARS, MIN_DEVICE_CODE_CHARS};
pub use discount::{Discount, DiscountError, FULL_DISCOUNT};
pub use line::{
    check_lines, next_position, ordered, CatalogueSnapshot, InvalidLine, Line, LineError, Lines,
};
pub use numbering::{
    DocumentNumber, DocumentNumberError, NumberBook, NumberingError, Series, MIN_COUNTER_DIGITS,
};
pub use order::{Order, OrderDocument, OrderError, QuoteReference, ORDER_SCHEMA_VERSION};
pub use product::{
    Product, ProductDocument, ProductDraft, ProductError, MAX_REFERENCE_CHARS,
    PRODUCT_SCHEMA_VERSION,
};
pub use quantity::{Quantity, QuantityError, THOUSANDTHS_PER_UNIT};
pub use quote::{Quote, QuoteDocument, QuoteError, QUOTE_SCHEMA_VERSION};
pub use rows::{OrderIndexRow, OrderLineRow, ProductIndexRow, QuoteIndexRow, RowTotals};
pub use signature::{
    Signature, SignatureError, MAX_SIGNATURE_PATH_BYTES, MAX_SIGNER_CHARS, SIGNATURE_HEIGHT,
    SIGNATURE_WIDTH,
};
pub use status::{IllegalTransition, OrderStatus, OrderTransition, QuoteStatus, QuoteTransition};
pub use totals::{line_net, vat_of, Totals, VatSubtotal};

pub(crate) use totals::divide_rounding_half_away;
pub use vat_rate::{VatRate, VatRateError};
