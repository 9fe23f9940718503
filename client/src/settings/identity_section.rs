//! The settings page's company identity, for admins: who sells, as printed on every quote and
//! order (legal name and form, SIRET, trade register, VAT number, address, further legal
//! mentions) and its logo. Each field is written when the admin presses Enter or leaves it,
//! after the identity's own checks (a SIRET must be one); the logo when a file is chosen, read
//! as a `data:` URL only once its size is known to fit.

use shared::settings::{CompanyIdentity, IdentityError, Settings, MAX_LOGO_BYTES};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::{use_i18n, use_sync, SessionState, SyncHandle};
use crate::records::{use_workspace_settings, EditableField};
use crate::state::problem::Problem;
use crate::team::use_people;

/// The fields, in order: element id, label, and where the value lives.
type Field = (
    &'static str,
    &'static str,
    fn(&mut CompanyIdentity) -> &mut String,
);

const FIELDS: [Field; 9] = [
    ("identity-legal-name", "identity-legal-name", |identity| {
        &mut identity.legal_name
    }),
    ("identity-legal-form", "identity-legal-form", |identity| {
        &mut identity.legal_form
    }),
    ("identity-siret", "identity-siret", |identity| {
        &mut identity.siret
    }),
    ("identity-registry", "identity-registry", |identity| {
        &mut identity.registry
    }),
    ("identity-vat-number", "identity-vat-number", |identity| {
        &mut identity.vat_number
    }),
    ("identity-street", "identity-street", |identity| {
        &mut identity.street
    }),
    ("identity-postcode", "identity-postcode", |identity| {
        &mut identity.postcode
    }),
    ("identity-city", "identity-city", |identity| {
        &mut identity.city
    }),
    ("identity-mentions", "identity-mentions", |identity| {
        &mut identity.mentions
    }),
];

/// The message for an identity refused.
fn identity_problem(error: &IdentityError) -> &'static str {
    match error {
        IdentityError::Siret(_) => "identity-problem-siret",
        IdentityError::TooLong(_) => "identity-problem-too-long",
        IdentityError::BadLogo => "identity-problem-logo",
    }
}

/// The company identity section (admins only: the relay lets no one else change settings).
#[component]
pub fn IdentitySection() -> Html {
    let i18n = use_i18n();
    let settings = use_workspace_settings();
    let people = use_people();
    let sync = use_sync();
    let problem = use_state(|| None::<Problem>);
    if !super::signed_in_admin(sync.as_ref(), &people) {
        return html! {};
    }
    let identity = settings
        .as_ref()
        .map(|settings| settings.identity.clone())
        .unwrap_or_default();
    let field = |(id, label, place): Field| {
        let mut shown = identity.clone();
        let value = place(&mut shown).clone();
        let (sync, problem, i18n2, base) = (
            sync.clone(),
            problem.clone(),
            i18n.clone(),
            identity.clone(),
        );
        let on_input = Callback::from(move |text: String| {
            let mut edited = base.clone();
            *place(&mut edited) = text.trim().to_owned();
            if let Err(error) = edited.check() {
                return Some(AttrValue::from(i18n2.t(identity_problem(&error))));
            }
            let (Some(sync), problem) = (sync.clone(), problem.clone()) else {
                return None;
            };
            let (Some(service), SessionState::SignedIn(session)) =
                (sync.workspace(), sync.session())
            else {
                return None;
            };
            let (workspace, stamp) = (session.workspace.id, sync.stamp());
            wasm_bindgen_futures::spawn_local(async move {
                let saved = service
                    .update_record::<Settings>(
                        workspace,
                        stamp,
                        "change company identity",
                        move |settings| {
                            *place(&mut settings.identity) = text.trim().to_owned();
                        },
                    )
                    .await;
                problem.set(saved.err());
            });
            None
        });
        html! {
            <EditableField id={AttrValue::Static(id)} label={AttrValue::from(i18n.t(label))}
                value={AttrValue::from(value)} multiline={id == "identity-mentions"} on_commit_only=true {on_input} />
        }
    };
    html! {
        <section id="identity" class="card" aria-labelledby="identity-section">
            <h2 id="identity-section">{ i18n.t("identity-title") }</h2>
            <p class="muted">{ i18n.t("identity-rule") }</p>
            { for FIELDS.into_iter().map(field) }
            <LogoInput logo={identity.logo.clone().map(AttrValue::from)} on_problem={
                let problem = problem.clone();
                Callback::from(move |refused: Option<Problem>| problem.set(refused))
            } />
            if let Some(problem) = (*problem).clone() {
                <p id="identity-error" class="form-error" role="alert">{ i18n.t(&problem.id) }</p>
            }
        </section>
    }
}

/// The largest image file read for a logo: its `data:` URL grows by a third in base64 and must
/// stay within [`MAX_LOGO_BYTES`] with its prefix.
const MAX_LOGO_FILE_BYTES: f64 = (MAX_LOGO_BYTES / 4 * 3 - 64) as f64;

#[derive(Properties, PartialEq)]
struct LogoInputProps {
    /// The logo set now.
    logo: Option<AttrValue>,
    /// Told of a logo refused (or of the refusal lifted by a logo saved).
    on_problem: Callback<Option<Problem>>,
}

/// The logo: a preview, a file picker (PNG, JPEG or WebP) and a button that removes it.
#[component]
fn LogoInput(props: &LogoInputProps) -> Html {
    let i18n = use_i18n();
    let sync = use_sync();
    let on_change = {
        let (sync, on_problem) = (sync.clone(), props.on_problem.clone());
        Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            // Refused before anything is read: a photo of several megabytes is never loaded.
            if file.size() > MAX_LOGO_FILE_BYTES {
                on_problem.emit(Some(Problem::new("identity-problem-logo")));
                return;
            }
            let (sync, on_problem) = (sync.clone(), on_problem.clone());
            let file = gloo::file::File::from(file);
            wasm_bindgen_futures::spawn_local(async move {
                let Ok(url) = gloo::file::futures::read_as_data_url(&file).await else {
                    on_problem.emit(Some(Problem::new("identity-problem-logo")));
                    return;
                };
                let checked = CompanyIdentity {
                    logo: Some(url.clone()),
                    ..CompanyIdentity::default()
                };
                if checked.check().is_err() {
                    on_problem.emit(Some(Problem::new("identity-problem-logo")));
                    return;
                }
                on_problem.emit(save_logo(sync, Some(url)).await.err());
            });
        })
    };
    let on_remove = {
        let (sync, on_problem) = (sync, props.on_problem.clone());
        Callback::from(move |_: MouseEvent| {
            let (sync, on_problem) = (sync.clone(), on_problem.clone());
            wasm_bindgen_futures::spawn_local(async move {
                on_problem.emit(save_logo(sync, None).await.err());
            });
        })
    };
    html! {
        <div class="field identity-logo">
            <label for="identity-logo">{ i18n.t("identity-logo") }</label>
            if let Some(logo) = props.logo.clone() {
                <img id="identity-logo-preview" class="identity-logo-preview" src={logo}
                    alt={i18n.t("identity-logo-preview")} />
                <button type="button" id="identity-logo-remove" class="button ghost small"
                    onclick={on_remove}>{ i18n.t("identity-logo-remove") }</button>
            }
            <input id="identity-logo" type="file" accept="image/png,image/jpeg,image/webp"
                onchange={on_change} />
        </div>
    }
}

/// Writes `logo` into the settings' identity through the one write path.
async fn save_logo(sync: Option<SyncHandle>, logo: Option<String>) -> Result<(), Problem> {
    let Some(sync) = sync else {
        return Ok(());
    };
    let (Some(service), SessionState::SignedIn(session)) = (sync.workspace(), sync.session())
    else {
        return Ok(());
    };
    let message = if logo.is_some() {
        "set company logo"
    } else {
        "remove company logo"
    };
    service
        .update_record::<Settings>(
            session.workspace.id,
            sync.stamp(),
            message,
            move |settings| {
                settings.identity.logo = logo;
            },
        )
        .await
}
