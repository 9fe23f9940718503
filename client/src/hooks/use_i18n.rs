//! The rep's language, provided to the whole app: chosen in settings (kept in the browser's
//! `localStorage`, a preference rather than CRM data), else the browser's own language.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::{Argument, Language, Translations};

const LANGUAGE_KEY: &str = "carnet.language";

/// The current language's messages and the way to change language.
#[derive(Clone, Debug, PartialEq)]
pub struct I18n {
    translations: Rc<Translations>,
    choose: Callback<Language>,
}

impl I18n {
    /// The message `id`.
    pub fn t(&self, id: &str) -> String {
        self.translations.text(id)
    }

    /// The message `id` with named arguments.
    pub fn t_with(&self, id: &str, arguments: &[(&str, Argument<'_>)]) -> String {
        self.translations.text_with(id, arguments)
    }

    /// The current language.
    pub fn language(&self) -> Language {
        self.translations.language()
    }

    /// Switches the app to `language` and remembers it on this device.
    pub fn choose(&self, language: Language) {
        self.choose.emit(language);
    }
}

/// Props of [`I18nProvider`].
#[derive(Properties, PartialEq)]
pub struct I18nProviderProps {
    /// The app below the provider.
    pub children: Children,
}

/// Provides [`I18n`] to everything below.
#[component]
pub fn I18nProvider(props: &I18nProviderProps) -> Html {
    let translations = use_state(|| Rc::new(Translations::new(initial_language())));
    let choose = {
        let translations = translations.clone();
        Callback::from(move |language: Language| {
            if let Some(storage) = local_storage() {
                // A preference that cannot be kept only lasts until the next start.
                let _not_kept = storage.set_item(LANGUAGE_KEY, language.code());
            }
            set_document_language(language);
            translations.set(Rc::new(Translations::new(language)));
        })
    };
    set_document_language(translations.language());
    let context = I18n {
        translations: (*translations).clone(),
        choose,
    };
    html! {
        <ContextProvider<I18n> context={context}>
            { props.children.clone() }
        </ContextProvider<I18n>>
    }
}

/// The app's messages; English outside of an [`I18nProvider`].
#[hook]
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n {
        translations: Rc::new(Translations::new(Language::English)),
        choose: Callback::noop(),
    })
}

fn initial_language() -> Language {
    let chosen = local_storage().and_then(|storage| storage.get_item(LANGUAGE_KEY).ok().flatten());
    let tag = chosen.or_else(|| web_sys::window().and_then(|window| window.navigator().language()));
    tag.map_or(Language::French, |tag| Language::from_tag(&tag))
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// `<html lang>` follows the language, for screen readers and hyphenation.
fn set_document_language(language: Language) {
    if let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    {
        let _unchanged = root.set_attribute("lang", language.code());
    }
}
