//! The list of accounts, from index rows only.

use std::rc::Rc;

use shared::index::AccountIndexRow;
use yew::prelude::*;
use yew_router::prelude::Link;

use crate::accounts::list_window::visible_rows;
use crate::app::Route;
use crate::hooks::{use_i18n, use_viewport};

/// Every row's height in CSS pixels (the stylesheet gives `.account-row` the same), so the
/// list knows where each row is without measuring 10,000 of them.
const ROW_HEIGHT: f64 = 64.0;

/// Props of [`AccountList`].
#[derive(Properties, PartialEq)]
pub struct AccountListProps {
    /// The rows to show, already sorted.
    pub rows: Rc<Vec<AccountIndexRow>>,
    /// Whether the rows have been read yet (so "empty" is not shown while loading).
    pub loaded: bool,
}

/// Accounts as cards: name, city, and the first letters as an avatar; each opens its page.
/// Only the rows on screen (and a margin) are in the page, however long the list.
#[component]
pub fn AccountList(props: &AccountListProps) -> Html {
    let window = use_node_ref();
    let viewport = use_viewport();
    let i18n = use_i18n();
    if !props.loaded {
        return html! { <p class="list-placeholder" aria-busy="true">{ i18n.t("accounts-opening") }</p> };
    }
    if props.rows.is_empty() {
        return html! {
            <div class="empty-state" id="accounts-empty">
                <p class="empty-title">{ i18n.t("accounts-empty-title") }</p>
                <p>{ i18n.t("accounts-empty-text") }</p>
            </div>
        };
    }
    let list_top = window
        .cast::<web_sys::Element>()
        .map_or(0.0, |element| element.get_bounding_client_rect().top());
    let total = props.rows.len();
    let shown = visible_rows(total, ROW_HEIGHT, -list_top, viewport.height);
    let offset = shown.start as f64 * ROW_HEIGHT;
    html! {
        <div class="account-list-window" ref={window}
            style={format!("height: {}px", total as f64 * ROW_HEIGHT)}>
            <ul class="account-list" id="accounts" aria-label={i18n.t("accounts-title")}
                style={format!("transform: translateY({offset}px)")}>
                { for props.rows[shown].iter().map(|row| html! {
                    <li class="account-row" key={row.id.clone()} data-account-id={row.id.clone()}>
                        <Link<Route> to={Route::Account { id: row.id.clone() }} classes="account-link">
                            <span class="avatar" aria-hidden="true">{ initials(&row.name) }</span>
                            <span class="account-text">
                                <span class="account-name">{ &row.name }</span>
                                <span class="account-city">{ &row.city }</span>
                            </span>
                        </Link<Route>>
                    </li>
                }) }
            </ul>
        </div>
    }
}

/// Up to two initials of a company name, for its avatar.
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}
