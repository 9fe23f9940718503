//! The settings page's "import, export and backup" section: the data transfer hook wired to
//! its panel. Kept apart from `settings.rs` so the page only renders it.

use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;
use crate::hooks::use_i18n;
use crate::transfer::use_data_transfer;
use crate::transfer::{CsvExport, TransferPanel};

/// Exports, backup and restore.
#[component]
pub fn TransferSection() -> Html {
    let transfer = use_data_transfer();
    let i18n = use_i18n();
    let on_export = {
        let transfer = transfer.clone();
        Callback::from(move |export: CsvExport| {
            transfer.export_csv(export.entity, export.delimiter)
        })
    };
    let on_export_vcards = {
        let transfer = transfer.clone();
        Callback::from(move |()| transfer.export_vcards())
    };
    let on_backup = {
        let transfer = transfer.clone();
        Callback::from(move |()| transfer.backup())
    };
    let on_restore = {
        let transfer = transfer.clone();
        Callback::from(move |file| transfer.restore(file))
    };
    let import_link = html! {
        <span id="settings-import-link"><Link<Route> to={Route::Import} classes="button">{ i18n.t("import-link") }</Link<Route>></span>
    };
    html! {
        <TransferPanel state={transfer.state().clone()} {on_export} {on_export_vcards} {on_backup}
            {on_restore} {import_link} />
    }
}
