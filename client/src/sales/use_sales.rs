//! What the sales screens read and create: the catalogue's rows, an account's quotes and
//! orders (index rows, never documents), and the new quotes, versions, orders and products,
//! numbered on this device and created through the workspace service's one write path.

use std::rc::Rc;

use shared::deal::Deal;
use shared::ids::{AccountId, DealId, OrderId, ProductId, QuoteId};
use shared::sales::{
    Order, OrderIndexRow, Product, ProductDraft, ProductIndexRow, Quote, QuoteIndexRow, Series,
};
use shared::values::{CurrencyCode, Date, Money};
use yew::prelude::*;

use super::catalogue_view::product_problem;
use crate::hooks::{use_storage, use_sync, StorageState, SyncHandle};
use crate::records::today;
use crate::state::problem::Problem;
use crate::workspace::{use_topic, ListKind, Topic};

/// The catalogue as this device holds it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Catalogue {
    /// Whether the rows were read.
    pub(super) loaded: bool,
    /// Every product's row, by reference.
    pub(super) products: Rc<Vec<ProductIndexRow>>,
}

/// The catalogue, read again whenever a product changes.
#[hook]
pub(super) fn use_catalogue() -> Catalogue {
    let catalogue = use_state(Catalogue::default);
    let storage = match use_storage() {
        StorageState::Ready(storage) => Some(storage),
        _ => None,
    };
    let revision = use_topic(Topic::List(ListKind::Products));
    {
        let catalogue = catalogue.clone();
        use_effect_with((storage, revision), move |(storage, _)| {
            if let Some(storage) = storage.clone() {
                wasm_bindgen_futures::spawn_local(async move {
                    match storage.product_rows().await {
                        Ok(products) => catalogue.set(Catalogue {
                            loaded: true,
                            products: Rc::new(products),
                        }),
                        Err(error) => gloo::console::warn!(format!("catalogue not read: {error}")),
                    }
                });
            }
        });
    }
    (*catalogue).clone()
}

/// An account's quotes and orders.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct AccountSalesRows {
    /// Whether the rows were read.
    pub(crate) loaded: bool,
    /// Its quote versions, newest number and version first.
    pub(crate) quotes: Rc<Vec<QuoteIndexRow>>,
    /// Its orders, newest first.
    pub(crate) orders: Rc<Vec<OrderIndexRow>>,
}

/// The quotes and orders of `account`, read again when one of them changes.
#[hook]
pub(crate) fn use_account_sales(account: AccountId) -> AccountSalesRows {
    let rows = use_state(AccountSalesRows::default);
    let storage = match use_storage() {
        StorageState::Ready(storage) => Some(storage),
        _ => None,
    };
    let revision = use_topic(Topic::Related(account));
    {
        let rows = rows.clone();
        use_effect_with(
            (account, storage, revision),
            move |(account, storage, _)| {
                if let Some(storage) = storage.clone() {
                    let account = *account;
                    wasm_bindgen_futures::spawn_local(async move {
                        let mut quotes = storage.quote_rows_of(account).await.unwrap_or_default();
                        quotes.sort_by(|a, b| {
                            (&b.issued_on, &b.number, b.version).cmp(&(
                                &a.issued_on,
                                &a.number,
                                a.version,
                            ))
                        });
                        let mut orders = storage.order_rows_of(account).await.unwrap_or_default();
                        orders.sort_by(|a, b| {
                            (&b.ordered_on, &b.number).cmp(&(&a.ordered_on, &a.number))
                        });
                        rows.set(AccountSalesRows {
                            loaded: true,
                            quotes: Rc::new(quotes),
                            orders: Rc::new(orders),
                        });
                    });
                }
            },
        );
    }
    (*rows).clone()
}

/// The index row of `account` (its name and place, for a quote's customer block).
#[hook]
pub(super) fn use_account_row(
    account: Option<AccountId>,
) -> Option<shared::index::AccountIndexRow> {
    let row = use_state(|| None);
    let storage = match use_storage() {
        StorageState::Ready(storage) => Some(storage),
        _ => None,
    };
    let revision = use_topic(Topic::List(ListKind::Accounts));
    {
        let row = row.clone();
        use_effect_with(
            (account, storage, revision),
            move |(account, storage, _)| {
                if let (Some(account), Some(storage)) = (*account, storage.clone()) {
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(found) = storage.account_row(account).await {
                            row.set(found);
                        }
                    });
                }
            },
        );
    }
    (*row).clone()
}

/// Creates sales records on this device.
#[derive(Clone, PartialEq)]
pub(super) struct SalesActions {
    sync: Option<SyncHandle>,
}

/// The sales record creations the screens offer.
#[hook]
pub(super) fn use_sales_actions() -> SalesActions {
    SalesActions { sync: use_sync() }
}

impl SalesActions {
    /// A new draft quote for `account` (and `deal`), in `currency`, numbered on this device;
    /// resolves with its id once stored.
    pub(super) async fn new_quote(
        &self,
        account: AccountId,
        deal: Option<DealId>,
        currency: CurrencyCode,
    ) -> Result<QuoteId, Problem> {
        let (sync, today) = self.ready()?;
        let number = sync.issue_number(Series::Quote, today.year()).await?;
        let mut quote = Quote::new(number, account, today, currency)
            .map_err(|_| Problem::new("problem-sales-invalid"))?;
        quote.deal = deal;
        quote.valid_until = shared::cockpit::add_days(today, 30).ok();
        let id = QuoteId::generate();
        self.create(sync, id, quote).await?;
        Ok(id)
    }

    /// The next version of the quote `id` (sent, refused or expired), as a new draft.
    pub(super) async fn new_version(&self, id: QuoteId, quote: &Quote) -> Result<QuoteId, Problem> {
        let (sync, today) = self.ready()?;
        let next = quote
            .new_version(id, today)
            .map_err(|_| Problem::new("problem-sale-frozen"))?;
        let next_id = QuoteId::generate();
        self.create(sync, next_id, next).await?;
        Ok(next_id)
    }

    /// The order made from the accepted quote `id`, numbered on this device.
    pub(super) async fn order_from_quote(
        &self,
        id: QuoteId,
        quote: &Quote,
    ) -> Result<OrderId, Problem> {
        let (sync, today) = self.ready()?;
        let number = sync.issue_number(Series::Order, today.year()).await?;
        let order = Order::from_quote(id, quote, number, today)
            .map_err(|_| Problem::new("problem-sales-not-accepted"))?;
        let order_id = OrderId::generate();
        self.create(sync, order_id, order).await?;
        Ok(order_id)
    }

    /// A new catalogue product from `draft`; a draft that is not valid is refused with the
    /// catalogue message saying why.
    pub(super) async fn new_product(&self, draft: &ProductDraft) -> Result<ProductId, Problem> {
        let product =
            Product::from_draft(draft).map_err(|error| Problem::new(product_problem(&error)))?;
        let (sync, _) = self.ready()?;
        let id = ProductId::generate();
        self.create(sync, id, product).await?;
        Ok(id)
    }

    /// The deal `deal` now holds `amount` (its accepted quote's total before VAT).
    pub(super) async fn follow_quote(&self, deal: DealId, amount: Money) -> Result<(), Problem> {
        let (sync, _) = self.ready()?;
        let workspace = sync
            .workspace()
            .ok_or_else(|| Problem::new("problem-storage-not-ready"))?;
        workspace
            .update_record::<Deal>(
                deal,
                sync.stamp(),
                "follow the accepted quote",
                move |deal| {
                    deal.amount = Some(amount);
                },
            )
            .await
    }

    fn ready(&self) -> Result<(&SyncHandle, Date), Problem> {
        let sync = self
            .sync
            .as_ref()
            .ok_or_else(|| Problem::new("problem-storage-not-ready"))?;
        let today = today().ok_or_else(|| Problem::new("problem-sales-invalid"))?;
        Ok((sync, today))
    }

    async fn create<R: crate::workspace::record::OpenableRecord>(
        &self,
        sync: &SyncHandle,
        id: R::Id,
        record: R,
    ) -> Result<(), Problem> {
        let workspace = sync
            .workspace()
            .ok_or_else(|| Problem::new("problem-storage-not-ready"))?;
        workspace.create_record::<R>(id, sync.stamp(), record).await
    }
}
