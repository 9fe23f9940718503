//! Dates, times, numbers and money in the rep's language, by the browser's `Intl` (no locale
//! data shipped in the app).

use js_sys::{Array, Date, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

use super::Language;

fn locales(language: Language) -> Array {
    Array::of1(&JsValue::from(language.code()))
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let options = Object::new();
    for (key, value) in pairs {
        // Setting a property on a fresh object cannot fail.
        let _set = Reflect::set(&options, &(*key).into(), &(*value).into());
    }
    options
}

/// A date and time (Unix seconds), e.g. "24 nov. 2026, 14:05".
pub fn date_time(language: Language, seconds: i64) -> String {
    let date = Date::new(&JsValue::from_f64(seconds as f64 * 1000.0));
    let format = Intl::DateTimeFormat::new(
        &locales(language),
        &options(&[("dateStyle", "medium"), ("timeStyle", "short")]),
    );
    format
        .format()
        .call1(&JsValue::UNDEFINED, &date)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// A time of day from milliseconds since the epoch, e.g. "14:05".
pub fn time(language: Language, milliseconds: f64) -> String {
    let date = Date::new(&JsValue::from_f64(milliseconds));
    let format = Intl::DateTimeFormat::new(&locales(language), &options(&[("timeStyle", "short")]));
    format
        .format()
        .call1(&JsValue::UNDEFINED, &date)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// A calendar date (`YYYY-MM-DD`), e.g. "24 novembre 2026"; the input itself if unreadable.
pub fn date(language: Language, iso: &str) -> String {
    let date = Date::new(&JsValue::from(format!("{iso}T12:00:00")));
    if date.get_time().is_nan() {
        return iso.to_owned();
    }
    let format = Intl::DateTimeFormat::new(&locales(language), &options(&[("dateStyle", "long")]));
    format
        .format()
        .call1(&JsValue::UNDEFINED, &date)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// A number, e.g. "12 345,6".
pub fn number(language: Language, value: f64) -> String {
    let format = Intl::NumberFormat::new(&locales(language), &Object::new());
    format
        .format()
        .call1(&JsValue::UNDEFINED, &JsValue::from_f64(value))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| value.to_string())
}

/// An amount in minor units of `currency` (ISO 4217), e.g. "12 345,00 €".
pub fn money(language: Language, minor_units: i64, currency: &str) -> String {
    let (format, digits) = money_format(language, currency);
    let value = minor_units as f64 / 10f64.powf(digits);
    format
        .format()
        .call1(&JsValue::UNDEFINED, &JsValue::from_f64(value))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| format!("{value} {currency}"))
}

thread_local! {
    /// The money formats made so far, by language and currency, with their fraction digits:
    /// making an `Intl.NumberFormat` costs far more than using one, and a quote of 200 lines
    /// formats hundreds of amounts per render.
    static MONEY_FORMATS: std::cell::RefCell<std::collections::HashMap<(Language, String), (Intl::NumberFormat, f64)>> =
        std::cell::RefCell::default();
}

/// The format of amounts in `currency` for `language`, and its fraction digits.
fn money_format(language: Language, currency: &str) -> (Intl::NumberFormat, f64) {
    let key = (language, currency.to_owned());
    if let Some(known) = MONEY_FORMATS.with(|formats| formats.borrow().get(&key).cloned()) {
        return known;
    }
    let format = Intl::NumberFormat::new(
        &locales(language),
        &options(&[("style", "currency"), ("currency", currency)]),
    );
    let digits = Reflect::get(&format.resolved_options(), &"maximumFractionDigits".into())
        .ok()
        .and_then(|digits| digits.as_f64())
        .unwrap_or(2.0);
    MONEY_FORMATS.with(|formats| {
        let mut formats = formats.borrow_mut();
        // Bounded: a workspace prices in a handful of currencies.
        if formats.len() < 64 {
            formats.insert(key, (format.clone(), digits));
        }
    });
    (format, digits)
}

/// A month of a year, e.g. "mai 2026" or "May 2026".
pub fn month(language: Language, year: u16, month: u8) -> String {
    let iso = format!("{year:04}-{month:02}-15");
    let date = Date::new(&JsValue::from(format!("{iso}T12:00:00")));
    if date.get_time().is_nan() {
        return format!("{year:04}-{month:02}");
    }
    let format = Intl::DateTimeFormat::new(
        &locales(language),
        &options(&[("month", "short"), ("year", "numeric")]),
    );
    format
        .format()
        .call1(&JsValue::UNDEFINED, &date)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| format!("{year:04}-{month:02}"))
}
