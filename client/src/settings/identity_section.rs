//! The settings page's company identity, for admins: who sells, as printed on every quote and
//! order (legal name and form, SIRET, trade register, VAT number, address, further legal
//! mentions). Each field is written when the admin presses Enter or leaves it, after the
//! identity's own checks (a SIRET must be one).

use shared::settings::{CompanyIdentity, IdentityError, Settings};
use yew::prelude::*;

use crate::hooks::{use_i18n, use_sync, SessionState};
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
    let admin = sync.as_ref().is_some_and(|sync| match sync.session() {
        SessionState::SignedIn(session) => people.role_of(session.user.id) == Some("admin"),
        _ => false,
    });
    if !admin {
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
            if let Some(problem) = (*problem).clone() {
                <p id="identity-error" class="form-error" role="alert">{ i18n.t(&problem.id) }</p>
            }
        </section>
    }
}
