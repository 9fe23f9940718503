//! Deals as a kanban by stage: the board from `use_pipeline`, moves saved as ordinary changes,
//! and each move said aloud to screen readers through a polite live region.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::ErrorBanner;
use crate::hooks::use_i18n;
use crate::pipeline::use_pipeline;
use crate::pipeline::{DealMove, PipelineBoard};

/// The page.
#[component]
pub fn PipelinePage() -> Html {
    let i18n = use_i18n();
    let pipeline = use_pipeline();
    let announcement = use_state(String::new);
    let view = pipeline.view().clone();
    let board = {
        let inputs = view.inputs.clone();
        use_memo(inputs, |inputs| inputs.board())
    };
    let on_move = {
        let announcement = announcement.clone();
        let board = Rc::clone(&board);
        let i18n = i18n.clone();
        Callback::from(move |DealMove { deal, stage }: DealMove| {
            let title = board
                .columns
                .iter()
                .flat_map(|column| column.cards.iter())
                .find(|card| card.id == deal)
                .map(|card| card.title.clone())
                .unwrap_or_default();
            let stage_name = board
                .stage(&stage)
                .map_or_else(|| stage.clone(), |stage| stage.name.clone());
            announcement.set(i18n.t_with(
                "pipeline-moved",
                &[
                    ("deal", title.as_str().into()),
                    ("stage", stage_name.as_str().into()),
                ],
            ));
            pipeline.move_deal(deal, stage);
        })
    };
    let on_dismiss = Callback::noop();
    let open_deals: usize = board.columns.iter().map(|column| column.cards.len()).sum();
    html! {
        <section class="page pipeline" aria-labelledby="pipeline-title">
            <header class="page-header">
                <h1 id="pipeline-title">{ i18n.t("pipeline-title") }</h1>
                <span class="count" id="pipeline-count">{ open_deals }</span>
            </header>
            <p id="pipeline-help" class="muted pipeline-help">{ i18n.t("pipeline-help") }</p>
            if let Some(message) = &view.error {
                <ErrorBanner problem={message.clone()} {on_dismiss} />
            }
            <p id="pipeline-announcement" class="visually-hidden" aria-live="polite" role="status">
                { (*announcement).clone() }
            </p>
            if view.loaded {
                <PipelineBoard board={board.clone()} {on_move} />
            } else {
                <p class="list-placeholder" aria-busy="true">{ i18n.t("pipeline-loading") }</p>
            }
        </section>
    }
}
