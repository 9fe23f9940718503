//! Every string the rep reads, in French and English, through Project Fluent.
//!
//! Messages live in `client/src/<feature>/<language>.ftl`, one file per feature next to its code
//! (the frame's and the problems' in `client/src/i18n/`), compiled
//! into the app (it must start with no network). Code asks for a message by id, with named
//! arguments; a missing message shows its id rather than failing. Plain Rust on every target,
//! so the catalogue is checked natively (every id in both languages, every file parses).
//! Dates, numbers and money are formatted by the browser's `Intl` (see `i18n::format`, wasm).

#[cfg(target_arch = "wasm32")]
pub mod format;

use fluent::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The app's languages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Language {
    /// Français.
    #[default]
    French,
    /// English.
    English,
}

impl Language {
    /// Every language, in the order the settings list them.
    pub const ALL: [Self; 2] = [Self::French, Self::English];

    /// The BCP 47 code (`fr`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Self::French => "fr",
            Self::English => "en",
        }
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            Self::French => "Français",
            Self::English => "English",
        }
    }

    /// The language of a BCP 47 tag such as `fr-FR` or `en-GB`; English for any other.
    pub fn from_tag(tag: &str) -> Self {
        if tag.to_ascii_lowercase().starts_with("fr") {
            Self::French
        } else {
            Self::English
        }
    }

    fn sources(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::French => FRENCH,
            Self::English => ENGLISH,
        }
    }
}

/// Each feature's messages: (file, contents). Add a feature's file to both lists.
const FRENCH: &[(&str, &str)] = &[
    ("app.ftl", include_str!("i18n/fr.ftl")),
    ("accounts.ftl", include_str!("accounts/fr.ftl")),
    ("settings.ftl", include_str!("settings/fr.ftl")),
    ("records.ftl", include_str!("records/fr.ftl")),
    ("pipeline.ftl", include_str!("pipeline/fr.ftl")),
    ("dashboard.ftl", include_str!("dashboard/fr.ftl")),
    ("today.ftl", include_str!("today/fr.ftl")),
    ("search.ftl", include_str!("search/fr.ftl")),
    ("transfer.ftl", include_str!("transfer/fr.ftl")),
    ("team.ftl", include_str!("team/fr.ftl")),
    ("sales.ftl", include_str!("sales/fr.ftl")),
];
const ENGLISH: &[(&str, &str)] = &[
    ("app.ftl", include_str!("i18n/en.ftl")),
    ("accounts.ftl", include_str!("accounts/en.ftl")),
    ("settings.ftl", include_str!("settings/en.ftl")),
    ("records.ftl", include_str!("records/en.ftl")),
    ("pipeline.ftl", include_str!("pipeline/en.ftl")),
    ("dashboard.ftl", include_str!("dashboard/en.ftl")),
    ("today.ftl", include_str!("today/en.ftl")),
    ("search.ftl", include_str!("search/en.ftl")),
    ("transfer.ftl", include_str!("transfer/en.ftl")),
    ("team.ftl", include_str!("team/en.ftl")),
    ("sales.ftl", include_str!("sales/en.ftl")),
];

/// The messages of one language.
pub struct Translations {
    language: Language,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Translations {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Translations")
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Translations {
    fn eq(&self, other: &Self) -> bool {
        self.language == other.language
    }
}

impl Translations {
    /// The catalogue of `language`. A file that does not parse keeps the messages it could
    /// read (the native tests make sure none is broken).
    pub fn new(language: Language) -> Self {
        let tag: LanguageIdentifier = language
            .code()
            .parse()
            .unwrap_or_else(|_| LanguageIdentifier::default());
        let mut bundle = FluentBundle::new(vec![tag]);
        // Unicode isolation marks around arguments confuse screen readers and tests alike.
        bundle.set_use_isolating(false);
        for (_, source) in language.sources() {
            let resource = match FluentResource::try_new((*source).to_owned()) {
                Ok(resource) => resource,
                Err((partial, _errors)) => partial,
            };
            // A duplicate id keeps the first definition.
            let _duplicates = bundle.add_resource(resource);
        }
        Self { language, bundle }
    }

    /// The language.
    pub fn language(&self) -> Language {
        self.language
    }

    /// The message `id`.
    pub fn text(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with named arguments.
    pub fn text_with(&self, id: &str, arguments: &[(&str, Argument<'_>)]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in arguments {
            match value {
                Argument::Text(text) => args.set(*name, FluentValue::from(*text)),
                Argument::Number(number) => args.set(*name, FluentValue::from(*number)),
            }
        }
        self.format(id, Some(&args))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let Some(pattern) = self
            .bundle
            .get_message(id)
            .and_then(|message| message.value())
        else {
            return id.to_owned();
        };
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    /// Whether the catalogue has message `id`.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }
}

/// A message argument.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Argument<'a> {
    /// Text, inserted as is.
    Text(&'a str),
    /// A number (plural rules apply to it).
    Number(f64),
}

impl<'a> From<&'a str> for Argument<'a> {
    fn from(text: &'a str) -> Self {
        Self::Text(text)
    }
}

impl From<usize> for Argument<'_> {
    fn from(number: usize) -> Self {
        Self::Number(number as f64)
    }
}

/// The ids defined in one language's files (for the catalogue's own tests).
pub fn message_ids(language: Language) -> Result<Vec<String>, String> {
    let mut ids = Vec::new();
    for (file, source) in language.sources() {
        let resource = FluentResource::try_new((*source).to_owned())
            .map_err(|(_, errors)| format!("{}/{file}: {errors:?}", language.code()))?;
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(message) = entry {
                ids.push(message.id.name.to_owned());
            }
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_file_parses_and_both_languages_have_the_same_ids() -> Result<(), String> {
        let mut french = message_ids(Language::French)?;
        let mut english = message_ids(Language::English)?;
        french.sort();
        english.sort();
        let missing_in_english: Vec<_> = french.iter().filter(|id| !english.contains(id)).collect();
        let missing_in_french: Vec<_> = english.iter().filter(|id| !french.contains(id)).collect();
        assert!(
            missing_in_english.is_empty(),
            "missing in English: {missing_in_english:?}"
        );
        assert!(
            missing_in_french.is_empty(),
            "missing in French: {missing_in_french:?}"
        );
        let mut unique = french.clone();
        unique.dedup();
        assert_eq!(unique.len(), french.len(), "an id is defined twice");
        Ok(())
    }

    #[test]
    fn messages_take_named_arguments_and_plurals() {
        let french = Translations::new(Language::French);
        assert_eq!(
            french.text_with("sync-offline-pending", &[("count", 1usize.into())]),
            "Hors ligne · 1 modification à synchroniser"
        );
        assert_eq!(
            french.text_with("sync-offline-pending", &[("count", 3usize.into())]),
            "Hors ligne · 3 modifications à synchroniser"
        );
        let english = Translations::new(Language::English);
        assert_eq!(english.text("sync-synced"), "Synced");
    }

    #[test]
    fn an_unknown_id_shows_itself_rather_than_failing() {
        assert_eq!(
            Translations::new(Language::English).text("no-such-message"),
            "no-such-message"
        );
    }

    #[test]
    fn browser_tags_pick_the_language() {
        assert_eq!(Language::from_tag("fr-FR"), Language::French);
        assert_eq!(Language::from_tag("FR"), Language::French);
        assert_eq!(Language::from_tag("en-GB"), Language::English);
        assert_eq!(Language::from_tag("de-DE"), Language::English);
    }
}
