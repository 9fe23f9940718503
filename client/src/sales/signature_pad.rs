//! The signature pad: the customer draws with a finger, a pen or a mouse (pointer events on a
//! canvas, the pointer captured while drawing so a stroke leaving the pad is not cut), types
//! their name, and signs. The strokes are recorded as points scaled into the signature's box
//! (`signature_path`); the canvas only shows them.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, PointerEvent};
use yew::prelude::*;

use super::signature_path::Strokes;
use crate::hooks::use_i18n;
use crate::records::event_value;

/// Props of [`SignaturePad`].
#[derive(Properties, PartialEq)]
pub(super) struct SignaturePadProps {
    /// Called with the signer's name and the strokes' path when the customer signs.
    pub(super) on_sign: Callback<(String, String)>,
    /// Why the last signature was refused (a catalogue id).
    #[prop_or_default]
    pub(super) problem: Option<AttrValue>,
}

/// A canvas to sign on, the signer's name, and the buttons to clear and to sign.
#[component]
pub(super) fn SignaturePad(props: &SignaturePadProps) -> Html {
    let i18n = use_i18n();
    let canvas = use_node_ref();
    let strokes = use_mut_ref(Strokes::default);
    let drawing = use_mut_ref(|| false);
    let signer = use_state(String::new);
    let drawn = use_state(|| false);

    let context = {
        let canvas = canvas.clone();
        move || -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
            let element = canvas.cast::<HtmlCanvasElement>()?;
            let context = element
                .get_context("2d")
                .ok()??
                .dyn_into::<CanvasRenderingContext2d>()
                .ok()?;
            Some((element, context))
        }
    };
    let position = |element: &HtmlCanvasElement, event: &PointerEvent| {
        let rect = element.get_bounding_client_rect();
        (
            f64::from(event.client_x()) - rect.left(),
            f64::from(event.client_y()) - rect.top(),
            rect.width(),
            rect.height(),
        )
    };
    let on_down = {
        let (context, strokes, drawing) =
            (context.clone(), Rc::clone(&strokes), Rc::clone(&drawing));
        Callback::from(move |event: PointerEvent| {
            event.prevent_default();
            let Some((element, context)) = context() else {
                return;
            };
            let _released_anyway = element.set_pointer_capture(event.pointer_id());
            let (x, y, width, height) = position(&element, &event);
            strokes.borrow_mut().begin(x, y, width, height);
            *drawing.borrow_mut() = true;
            scale_to_pixels(&element, &context);
            context.begin_path();
            context.move_to(x, y);
        })
    };
    let on_move = {
        let (context, strokes, drawing, drawn) = (
            context.clone(),
            Rc::clone(&strokes),
            Rc::clone(&drawing),
            drawn.clone(),
        );
        Callback::from(move |event: PointerEvent| {
            if !*drawing.borrow() {
                return;
            }
            event.prevent_default();
            let Some((element, context)) = context() else {
                return;
            };
            let (x, y, width, height) = position(&element, &event);
            if strokes.borrow_mut().extend(x, y, width, height) {
                context.line_to(x, y);
                context.stroke();
                if !*drawn {
                    drawn.set(strokes.borrow().drawn());
                }
            }
        })
    };
    let on_up = {
        let drawing = Rc::clone(&drawing);
        Callback::from(move |_: PointerEvent| *drawing.borrow_mut() = false)
    };
    let on_clear = {
        let (context, strokes, drawn) = (context, Rc::clone(&strokes), drawn.clone());
        Callback::from(move |_: MouseEvent| {
            strokes.borrow_mut().clear();
            drawn.set(false);
            if let Some((element, context)) = context() {
                context.clear_rect(
                    0.0,
                    0.0,
                    f64::from(element.width()),
                    f64::from(element.height()),
                );
            }
        })
    };
    let on_name = {
        let signer = signer.clone();
        Callback::from(move |event: InputEvent| signer.set(event_value(&event)))
    };
    let on_sign = {
        let (strokes, signer, on_sign) =
            (Rc::clone(&strokes), signer.clone(), props.on_sign.clone());
        Callback::from(move |_: MouseEvent| {
            on_sign.emit(((*signer).clone(), strokes.borrow().path()));
        })
    };
    html! {
        <section class="signature-pad" aria-labelledby="signature-title">
            <h2 id="signature-title">{ i18n.t("quote-signature-title") }</h2>
            <p class="signature-hint">{ i18n.t("quote-signature-hint") }</p>
            <canvas
                id="signature-pad"
                ref={canvas}
                width="1000"
                height="400"
                role="img"
                aria-label={i18n.t("quote-signature-pad")}
                onpointerdown={on_down}
                onpointermove={on_move}
                onpointerup={on_up.clone()}
                onpointercancel={on_up}
            />
            <label for="signer-name">{ i18n.t("quote-signer-name") }</label>
            <input id="signer-name" type="text" autocomplete="name" value={(*signer).clone()} oninput={on_name} />
            if let Some(problem) = &props.problem {
                <p class="form-error" role="alert" id="signature-problem">{ i18n.t(problem) }</p>
            }
            <div class="signature-actions">
                <button type="button" id="clear-signature" onclick={on_clear}>{ i18n.t("quote-signature-clear") }</button>
                <button type="button" id="sign-quote" class="primary" disabled={!*drawn} onclick={on_sign}>{ i18n.t("quote-sign") }</button>
            </div>
        </section>
    }
}

/// Draws in CSS pixels on a canvas whose backing store is 1000 × 400: the transform maps one
/// onto the other, whatever size the pad is shown at.
fn scale_to_pixels(element: &HtmlCanvasElement, context: &CanvasRenderingContext2d) {
    let rect = element.get_bounding_client_rect();
    if rect.width() > 0.0 && rect.height() > 0.0 {
        let _ = context.set_transform(
            f64::from(element.width()) / rect.width(),
            0.0,
            0.0,
            f64::from(element.height()) / rect.height(),
            0.0,
            0.0,
        );
    }
    context.set_line_width(2.5);
    context.set_line_cap("round");
    context.set_line_join("round");
}
