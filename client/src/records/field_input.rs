//! What the rep types into a validated field (e-mail, phone, SIREN/SIRET, VAT, amount, date),
//! parsed once through the `shared::values` newtypes: a value to write, or the reason in the
//! catalogue's words. Invalid text is never written to the record.

use shared::values::{
    CurrencyCode, Date, DateError, EmailAddress, EmailError, Money, MoneyError, PhoneError,
    PhoneNumber, RegistrationError, Siren, Siret, VatError, VatNumber,
};

/// Why typed text is not a valid value: the validator's own typed error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputProblem {
    /// Not an e-mail address.
    Email(EmailError),
    /// Not a phone number.
    Phone(PhoneError),
    /// Not a SIREN or SIRET.
    Registration(RegistrationError),
    /// Not a VAT number.
    Vat(VatError),
    /// Not an amount.
    Money(MoneyError),
    /// Not a date.
    Date(DateError),
    /// A required field left blank.
    Required,
}

impl InputProblem {
    /// The catalogue message saying what is wrong, in plain words.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Email(EmailError::NotOneAt) => "record-input-email-at",
            Self::Email(EmailError::BadLocalPart | EmailError::BadLocalCharacter(_)) => {
                "record-input-email-local"
            }
            Self::Email(EmailError::BadDomain) => "record-input-email-domain",
            Self::Email(_) => "record-input-email-long",
            Self::Phone(PhoneError::BadCharacter) => "record-input-phone-character",
            Self::Phone(PhoneError::BadFrenchNumber) => "record-input-phone-french",
            Self::Phone(PhoneError::BadInternationalNumber) => "record-input-phone-international",
            Self::Phone(_) => "record-input-phone-country",
            Self::Registration(RegistrationError::BadCharacter) => {
                "record-input-registration-character"
            }
            Self::Registration(RegistrationError::WrongLength { .. }) => {
                "record-input-registration-length"
            }
            Self::Registration(_) => "record-input-registration-check",
            Self::Vat(VatError::UnknownCountry) => "record-input-vat-country",
            Self::Vat(VatError::BadShape) => "record-input-vat-shape",
            Self::Vat(_) => "record-input-vat-key",
            Self::Money(MoneyError::BadNumber) => "record-input-money-number",
            Self::Money(MoneyError::TooPrecise { .. }) => "record-input-money-decimals",
            Self::Money(_) => "record-input-money-large",
            Self::Date(DateError::BadShape) => "record-input-date-format",
            Self::Date(_) => "record-input-date-day",
            Self::Required => "record-input-required",
        }
    }
}

/// `Ok(None)` for blank text (the field is cleared), else what `parse` makes of it.
pub fn optional<T, E>(
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
    problem: impl FnOnce(E) -> InputProblem,
) -> Result<Option<T>, InputProblem> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        parse(text.trim()).map(Some).map_err(problem)
    }
}

/// An e-mail address (required).
pub fn email(text: &str) -> Result<EmailAddress, InputProblem> {
    required(text, EmailAddress::parse, InputProblem::Email)
}

/// A phone number (required).
pub fn phone(text: &str) -> Result<PhoneNumber, InputProblem> {
    required(text, PhoneNumber::parse, InputProblem::Phone)
}

/// A SIREN, or nothing.
pub fn siren(text: &str) -> Result<Option<Siren>, InputProblem> {
    optional(text, Siren::parse, InputProblem::Registration)
}

/// A SIRET, or nothing.
pub fn siret(text: &str) -> Result<Option<Siret>, InputProblem> {
    optional(text, Siret::parse, InputProblem::Registration)
}

/// A VAT number, or nothing.
pub fn vat(text: &str) -> Result<Option<VatNumber>, InputProblem> {
    optional(text, VatNumber::parse, InputProblem::Vat)
}

/// An amount in `currency`, or nothing.
pub fn money(text: &str, currency: CurrencyCode) -> Result<Option<Money>, InputProblem> {
    optional(
        text,
        |text| Money::parse(text, currency),
        InputProblem::Money,
    )
}

/// A date, or nothing.
pub fn date(text: &str) -> Result<Option<Date>, InputProblem> {
    optional(text, Date::parse, InputProblem::Date)
}

/// Text that must not be blank (a name, a title).
pub fn required_text(text: &str) -> Result<String, InputProblem> {
    if text.trim().is_empty() {
        Err(InputProblem::Required)
    } else {
        Ok(text.to_owned())
    }
}

/// An amount as the rep edits it: `1234.5` for 1 234,50 € (no currency, no grouping, so typing
/// it back parses to the same amount).
pub fn amount_text(money: &Money) -> String {
    let digits = money.currency.minor_digits();
    if digits == 0 {
        return money.minor_units.to_string();
    }
    let scale = 10_i64.pow(digits);
    let sign = if money.minor_units < 0 { "-" } else { "" };
    let magnitude = money.minor_units.unsigned_abs();
    let scale = scale.unsigned_abs();
    let fraction = magnitude % scale;
    if fraction == 0 {
        format!("{sign}{}", magnitude / scale)
    } else {
        let fraction = format!("{fraction:0width$}", width = digits as usize);
        format!(
            "{sign}{}.{}",
            magnitude / scale,
            fraction.trim_end_matches('0')
        )
    }
}

fn required<T, E>(
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
    problem: impl FnOnce(E) -> InputProblem,
) -> Result<T, InputProblem> {
    optional(text, parse, problem)?.ok_or(InputProblem::Required)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_e_mail_says_what_is_wrong() {
        assert_eq!(
            email("jean.dupont").map_err(|p| p.message_id()),
            Err("record-input-email-at")
        );
        assert_eq!(
            email("jean@").map_err(|p| p.message_id()),
            Err("record-input-email-domain")
        );
        assert_eq!(
            email("  ").map_err(|p| p.message_id()),
            Err("record-input-required")
        );
        assert!(email("jean@boulangerie.fr").is_ok());
    }

    #[test]
    fn registration_numbers_and_vat_are_checked_and_blank_clears_them() {
        assert_eq!(siret(""), Ok(None));
        assert!(matches!(siren("732 829 320"), Ok(Some(_))));
        assert_eq!(
            siret("732 829 320 00075").map_err(|p| p.message_id()),
            Err("record-input-registration-check")
        );
        assert_eq!(
            siren("12345").map_err(|p| p.message_id()),
            Err("record-input-registration-length")
        );
        assert_eq!(
            vat("XX123").map_err(|p| p.message_id()),
            Err("record-input-vat-country")
        );
        assert_eq!(
            phone("06 12 34").map_err(|p| p.message_id()),
            Err("record-input-phone-french")
        );
    }

    #[test]
    fn amounts_read_back_as_they_are_edited() {
        let euro = CurrencyCode::EUR;
        for typed in ["1234.5", "12", "-3.07", "0.5"] {
            let amount = money(typed, euro)
                .ok()
                .flatten()
                .map(|amount| amount_text(&amount));
            assert_eq!(amount.as_deref(), Some(typed));
        }
        assert_eq!(
            money("12,345", euro).map_err(|p| p.message_id()),
            Err("record-input-money-decimals")
        );
        assert_eq!(
            date("31/02/2025").map_err(|p| p.message_id()),
            Err("record-input-date-day")
        );
    }
}
