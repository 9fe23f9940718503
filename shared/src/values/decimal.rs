//! Decimal numbers as people type them (`1 234,56`, `2.5`, `-12`), read into integers scaled by a
//! power of ten, so amounts, quantities and percentages never pass through floating point.
//!
//! This file owns the shape of such numbers; the types built on it (money, quantities, rates)
//! own their scale, their bounds and their errors.

/// Why some text is not a decimal number at the asked precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DecimalError {
    /// Not digits with at most one `,` or `.` decimal separator (spaces between thousands).
    BadNumber,
    /// More decimals than the scale holds.
    TooPrecise,
    /// Beyond what a 64-bit integer holds at that scale.
    TooLarge,
}

/// Reads `input` as a decimal number and returns it multiplied by `10^digits`: `"1 234,5"`
/// with 2 digits is `123_450`. Spaces (also non-breaking and narrow no-break) are ignored.
pub(crate) fn parse_scaled(input: &str, digits: u32) -> Result<i64, DecimalError> {
    let compact: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let (negative, unsigned) = match compact.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    let (whole, fraction) = match unsigned.split_once([',', '.']) {
        Some((whole, fraction)) => (whole, fraction),
        None => (unsigned, ""),
    };
    let all_digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(DecimalError::BadNumber);
    }
    let fraction_len = u32::try_from(fraction.len()).map_err(|_| DecimalError::BadNumber)?;
    if fraction_len > digits {
        return Err(DecimalError::TooPrecise);
    }
    let scale = 10_i64.checked_pow(digits).ok_or(DecimalError::TooLarge)?;
    let padded = format!("{fraction:0<width$}", width = digits as usize);
    let whole: i64 = whole.parse().map_err(|_| DecimalError::TooLarge)?;
    let fraction: i64 = if padded.is_empty() {
        0
    } else {
        padded.parse().map_err(|_| DecimalError::BadNumber)?
    };
    let magnitude = whole
        .checked_mul(scale)
        .and_then(|units| units.checked_add(fraction))
        .ok_or(DecimalError::TooLarge)?;
    Ok(if negative { -magnitude } else { magnitude })
}

/// Writes `scaled / 10^digits` with a `.` and without trailing zeros: `2500` at 3 digits is
/// `2.5`, `3000` is `3`.
pub(crate) fn format_scaled(scaled: i64, digits: u32) -> String {
    let scale = 10_u64.pow(digits);
    let sign = if scaled < 0 { "-" } else { "" };
    let magnitude = scaled.unsigned_abs();
    let (whole, fraction) = (magnitude / scale, magnitude % scale);
    if fraction == 0 {
        return format!("{sign}{whole}");
    }
    let decimals = format!("{fraction:0width$}", width = digits as usize);
    format!("{sign}{whole}.{}", decimals.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_decimals_become_scaled_integers() {
        assert_eq!(parse_scaled("1 234,5", 2), Ok(123_450));
        assert_eq!(parse_scaled("2.5", 3), Ok(2_500));
        assert_eq!(parse_scaled("-7", 0), Ok(-7));
        assert_eq!(parse_scaled("0,125", 2), Err(DecimalError::TooPrecise));
        assert_eq!(parse_scaled("1,2,3", 2), Err(DecimalError::BadNumber));
        assert_eq!(parse_scaled(",5", 2), Err(DecimalError::BadNumber));
        assert_eq!(
            parse_scaled("99999999999999999", 3),
            Err(DecimalError::TooLarge)
        );
    }

    #[test]
    fn scaled_integers_are_written_without_trailing_zeros() {
        assert_eq!(format_scaled(2_500, 3), "2.5");
        assert_eq!(format_scaled(3_000, 3), "3");
        assert_eq!(format_scaled(-125, 3), "-0.125");
        assert_eq!(format_scaled(550, 2), "5.5");
    }
}
