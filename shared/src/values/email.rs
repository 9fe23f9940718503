//! E-mail addresses.
//!
//! Hand-written rather than a crate: the CRM needs the pragmatic subset people type into a
//! contact card (dot-atom local part, DNS domain), not RFC 5322's quoted strings, comments or
//! IP literals, and a typed error per reason so the form can say what is wrong.

use std::fmt;
use std::str::FromStr;

/// A syntactically valid e-mail address, trimmed, with its domain lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

/// Why some text is not an e-mail address.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// There is no `@`, or more than one.
    #[error("an e-mail address has exactly one @")]
    NotOneAt,
    /// Nothing before the `@`, or a local part over 64 characters.
    #[error("the part before @ is empty or too long")]
    BadLocalPart,
    /// The local part holds a character outside the unquoted set, or misplaced dots.
    #[error("the part before @ contains {0:?}, which is not allowed")]
    BadLocalCharacter(char),
    /// The domain is not a dotted DNS name with a top-level domain of two letters or more.
    #[error("the domain after @ is not valid")]
    BadDomain,
    /// Longer than the 254 characters a mail server accepts.
    #[error("an e-mail address has at most 254 characters")]
    TooLong,
}

impl EmailAddress {
    /// Validates `input` (surrounding spaces ignored).
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let input = input.trim();
        if input.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let mut parts = input.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailError::NotOneAt);
        };
        if local.is_empty() || local.len() > 64 {
            return Err(EmailError::BadLocalPart);
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(EmailError::BadLocalCharacter('.'));
        }
        if let Some(bad) = local
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(*c)))
        {
            return Err(EmailError::BadLocalCharacter(bad));
        }
        let domain = domain.to_ascii_lowercase();
        if !valid_domain(&domain) {
            return Err(EmailError::BadDomain);
        }
        Ok(Self(format!("{local}@{domain}")))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A DNS name of at least two labels, each 1–63 letters, digits or inner hyphens, ending in an
/// alphabetic top-level domain.
fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl FromStr for EmailAddress {
    type Err = EmailError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

super::stored_as_text!(EmailAddress, "an e-mail address");
super::serialized_as_text!(EmailAddress, "an e-mail address");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_french_addresses_are_accepted_and_their_domain_lower_cased(
    ) -> Result<(), EmailError> {
        for (input, stored) in [
            ("jean.dupont@orange.fr", "jean.dupont@orange.fr"),
            (
                "  contact@boulangerie-eleve.FR ",
                "contact@boulangerie-eleve.fr",
            ),
            ("marie+crm@mairie.lyon.fr", "marie+crm@mairie.lyon.fr"),
            ("o'neil@laposte.net", "o'neil@laposte.net"),
        ] {
            assert_eq!(EmailAddress::parse(input)?.as_str(), stored);
        }
        Ok(())
    }

    #[test]
    fn malformed_addresses_are_refused_with_their_reason() {
        assert_eq!(
            EmailAddress::parse("jean.dupont"),
            Err(EmailError::NotOneAt)
        );
        assert_eq!(EmailAddress::parse("a@b@c.fr"), Err(EmailError::NotOneAt));
        assert_eq!(
            EmailAddress::parse("@orange.fr"),
            Err(EmailError::BadLocalPart)
        );
        assert_eq!(
            EmailAddress::parse("jean..dupont@orange.fr"),
            Err(EmailError::BadLocalCharacter('.'))
        );
        assert_eq!(
            EmailAddress::parse("jean dupont@orange.fr"),
            Err(EmailError::BadLocalCharacter(' '))
        );
        assert_eq!(
            EmailAddress::parse("jérôme@orange.fr"),
            Err(EmailError::BadLocalCharacter('é'))
        );
        assert_eq!(
            EmailAddress::parse("jean@orange"),
            Err(EmailError::BadDomain)
        );
        assert_eq!(
            EmailAddress::parse("jean@-orange.fr"),
            Err(EmailError::BadDomain)
        );
        assert_eq!(
            EmailAddress::parse("jean@orange.f"),
            Err(EmailError::BadDomain)
        );
        let long = format!("{}@orange.fr", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::TooLong));
    }
}
