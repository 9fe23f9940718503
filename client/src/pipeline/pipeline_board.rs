//! The pipeline board: one column per stage with its count and totals, one card per open deal.
//! A card moves by dragging it onto another column (pointer events: mouse, pen and touch alike),
//! by the arrow keys once focused (left: previous stage, right: next), or with its "move to…"
//! menu. Presentational: every move is handed to the page as a [`DealMove`].

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;
use crate::hooks::use_i18n;
use crate::i18n::format;
use crate::pipeline::board::{Board, Card, Column, Direction};

/// A deal to put at another stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DealMove {
    /// The deal's id.
    pub deal: String,
    /// The stage key it goes to.
    pub stage: String,
}

/// Props of [`PipelineBoard`].
#[derive(Properties, PartialEq)]
pub struct PipelineBoardProps {
    /// The board to show.
    pub board: Rc<Board>,
    /// Called for every move the rep makes.
    pub on_move: Callback<DealMove>,
}

/// How far (CSS pixels) a pointer travels before a press becomes a drag.
const DRAG_THRESHOLD: f64 = 6.0;

/// A card being pressed or dragged.
#[derive(Clone, Debug, PartialEq)]
struct Drag {
    deal: String,
    from: String,
    pointer: i32,
    start: (f64, f64),
    active: bool,
    over: Option<String>,
}

/// The stage of the column under the point `(x, y)`, if any.
fn stage_at(x: f64, y: f64) -> Option<String> {
    let document = web_sys::window()?.document()?;
    document
        .element_from_point(x as f32, y as f32)?
        .closest(".pipeline-column")
        .ok()??
        .get_attribute("data-stage")
}

/// The board.
#[component]
pub fn PipelineBoard(props: &PipelineBoardProps) -> Html {
    let i18n = use_i18n();
    let drag = use_state(|| None::<Drag>);
    // The card to focus once the board re-renders (a keyboard move re-parents it).
    let refocus = use_mut_ref(|| None::<String>);
    {
        let refocus = refocus.clone();
        use_effect_with(props.board.clone(), move |_| {
            if let Some(deal) = refocus.borrow_mut().take() {
                let card = web_sys::window()
                    .and_then(|window| window.document())
                    .and_then(|document| {
                        document
                            .query_selector(&format!(".deal-card[data-deal-id='{deal}']"))
                            .ok()
                            .flatten()
                    })
                    .and_then(|card| card.dyn_into::<HtmlElement>().ok());
                if let Some(card) = card {
                    let _focus_failed = card.focus();
                }
            }
        });
    }
    let language = i18n.language();
    let board = props.board.clone();
    let columns = board.columns.iter().map(|column| {
        let dragging_over = drag
            .as_ref()
            .is_some_and(|d| d.active && d.over.as_deref() == Some(column.stage.key.as_str()));
        let cards = column
            .cards
            .iter()
            .map(|card| render_card(card, column, &board, &drag, &refocus, &props.on_move, &i18n));
        let title_id = format!("stage-{}", column.stage.key);
        let others = column.other_totals.iter().map(|(currency, total)| {
            html! {
                <li class="stage-other-total" data-currency={currency.clone()}>
                    { format::money(language, *total, currency) }
                </li>
            }
        });
        html! {
            <section class={classes!("pipeline-column", dragging_over.then_some("drop-target"))}
                data-stage={column.stage.key.clone()} aria-labelledby={title_id.clone()}>
                <header class="pipeline-column-header">
                    <h2 id={title_id}>{ &column.stage.name }</h2>
                    <span class="stage-count count">{ column.cards.len() }</span>
                    <p class="stage-total" data-currency={board.currency.clone()}>
                        { format::money(language, column.total, &board.currency) }
                    </p>
                    if !column.other_totals.is_empty() {
                        <div class="stage-other-totals">
                            <span class="muted">{ i18n.t("pipeline-other-currencies") }</span>
                            <ul>{ for others }</ul>
                        </div>
                    }
                </header>
                <ul class="pipeline-cards" role="list">
                    { for cards }
                    if column.cards.is_empty() {
                        <li class="pipeline-empty muted">{ i18n.t("pipeline-stage-empty") }</li>
                    }
                </ul>
            </section>
        }
    });
    html! {
        <div class={classes!("pipeline-board", drag.as_ref().is_some_and(|d| d.active).then_some("dragging"))}>
            { for columns }
        </div>
    }
}

fn render_card(
    card: &Card,
    column: &Column,
    board: &Rc<Board>,
    drag: &UseStateHandle<Option<Drag>>,
    refocus: &Rc<std::cell::RefCell<Option<String>>>,
    on_move: &Callback<DealMove>,
    i18n: &crate::hooks::I18n,
) -> Html {
    let language = i18n.language();
    let stage = column.stage.key.clone();
    let deal = card.id.clone();
    let onkeydown = {
        let board = board.clone();
        let (deal, stage) = (deal.clone(), stage.clone());
        let on_move = on_move.clone();
        let refocus = refocus.clone();
        Callback::from(move |event: KeyboardEvent| {
            // Only the card itself: arrows inside its menu choose an option. (Yew delegates
            // events from the root, so `current_target` is not the card.)
            let on_card = event
                .target()
                .and_then(|target| target.dyn_into::<Element>().ok())
                .is_some_and(|target| target.matches(".deal-card").unwrap_or(false));
            if !on_card {
                return;
            }
            let direction = match event.key().as_str() {
                "ArrowLeft" => Direction::Previous,
                "ArrowRight" => Direction::Next,
                _ => return,
            };
            event.prevent_default();
            if let Some(target) = board.neighbour(&stage, direction) {
                *refocus.borrow_mut() = Some(deal.clone());
                on_move.emit(DealMove {
                    deal: deal.clone(),
                    stage: target.key.clone(),
                });
            }
        })
    };
    let onpointerdown = {
        let drag = drag.clone();
        let (deal, stage) = (deal.clone(), stage.clone());
        Callback::from(move |event: PointerEvent| {
            // The primary button or a touch; the menu keeps its own behaviour. A press on the
            // title that does not move still follows its link.
            let inside_control = event
                .target()
                .and_then(|target| target.dyn_into::<Element>().ok())
                .is_some_and(|target| target.closest("select").ok().flatten().is_some());
            if event.button() != 0 || inside_control {
                return;
            }
            drag.set(Some(Drag {
                deal: deal.clone(),
                from: stage.clone(),
                pointer: event.pointer_id(),
                start: (f64::from(event.client_x()), f64::from(event.client_y())),
                active: false,
                over: None,
            }));
        })
    };
    let onpointermove = {
        let drag = drag.clone();
        Callback::from(move |event: PointerEvent| {
            let Some(current) = drag.as_ref().filter(|d| d.pointer == event.pointer_id()) else {
                return;
            };
            let (x, y) = (f64::from(event.client_x()), f64::from(event.client_y()));
            let moved = (x - current.start.0).hypot(y - current.start.1);
            if !current.active && moved < DRAG_THRESHOLD {
                return;
            }
            event.prevent_default();
            if !current.active {
                // Captured only once it is a drag, so a plain press on the title stays a click
                // on its link.
                if let Some(card) = event
                    .target()
                    .and_then(|target| target.dyn_into::<Element>().ok())
                    .and_then(|target| target.closest(".deal-card").ok().flatten())
                {
                    let _capture_failed = card.set_pointer_capture(event.pointer_id());
                }
            }
            let over = stage_at(x, y);
            if current.active && current.over == over {
                return;
            }
            drag.set(Some(Drag {
                active: true,
                over,
                ..current.clone()
            }));
        })
    };
    let onpointerup = {
        let drag = drag.clone();
        let on_move = on_move.clone();
        Callback::from(move |event: PointerEvent| {
            let Some(current) = drag.as_ref().filter(|d| d.pointer == event.pointer_id()) else {
                return;
            };
            let over = stage_at(f64::from(event.client_x()), f64::from(event.client_y()))
                .or_else(|| current.over.clone());
            if current.active {
                if let Some(target) = over.filter(|target| *target != current.from) {
                    on_move.emit(DealMove {
                        deal: current.deal.clone(),
                        stage: target,
                    });
                }
            }
            drag.set(None);
        })
    };
    let onpointercancel = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| drag.set(None))
    };
    let onchange = {
        let on_move = on_move.clone();
        Callback::from(move |event: Event| {
            let Some(select) = event
                .target()
                .and_then(|target| target.dyn_into::<HtmlSelectElement>().ok())
            else {
                return;
            };
            let stage = select.value();
            if !stage.is_empty() {
                on_move.emit(DealMove {
                    deal: deal.clone(),
                    stage,
                });
            }
        })
    };
    let dragged = drag.as_ref().is_some_and(|d| d.active && d.deal == card.id);
    let title_id = format!("deal-title-{}", card.id);
    let options = board
        .columns
        .iter()
        .filter(|other| other.stage.key != column.stage.key)
        .map(|other| {
            html! { <option value={other.stage.key.clone()}>{ &other.stage.name }</option> }
        });
    html! {
        <li key={card.id.clone()} class={classes!("deal-card", dragged.then_some("dragged"))}
            tabindex="0" data-deal-id={card.id.clone()} data-stage={stage.clone()}
            aria-labelledby={title_id.clone()} aria-describedby="pipeline-help"
            {onkeydown} {onpointerdown} {onpointermove} {onpointerup} {onpointercancel}>
            <Link<Route> to={Route::Deal { id: card.id.clone() }} classes="deal-title">
                <span id={title_id}>{ &card.title }</span>
            </Link<Route>>
            if let Some(account) = &card.account {
                <span class="deal-account">{ account }</span>
            }
            <span class="deal-facts">
                if let Some((amount, currency)) = &card.amount {
                    <span class="deal-amount">{ format::money(language, *amount, currency) }</span>
                }
                if let Some(close) = &card.expected_close {
                    <span class="deal-close">
                        { i18n.t_with("pipeline-expected-close", &[("date", format::date(language, close).as_str().into())]) }
                    </span>
                }
            </span>
            <label class="deal-move">
                <span class="visually-hidden">{ i18n.t_with("pipeline-move-deal", &[("deal", card.title.as_str().into())]) }</span>
                <select class="deal-move-select" {onchange}>
                    <option value="" selected=true>{ i18n.t("pipeline-move-to") }</option>
                    { for options }
                </select>
            </label>
        </li>
    }
}
