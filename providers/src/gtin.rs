//! Barcodes: UPC-A (12 digits), EAN-13, EAN-8 and GTIN-14 name one trade item when
//! padded with leading zeros to 14 digits, so `012345678905` (UPC-A),
//! `0012345678905` (EAN-13) and `00012345678905` (GTIN-14) are one product. The last
//! digit checks the others (GS1's mod-10: weights 3, 1, 3 … from the right).

use std::fmt;

/// Digits of a GTIN-14.
const GTIN_LEN: usize = 14;
/// The lengths of the codes accepted: EAN-8, UPC-A, EAN-13, GTIN-14.
const LENGTHS: [usize; 4] = [8, 12, 13, 14];

/// Why a code is not a usable barcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GtinError {
    /// Not 8, 12, 13 or 14 digits (spaces and hyphens aside).
    Shape,
    /// The last digit does not check the others.
    CheckDigit,
}

impl fmt::Display for GtinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Shape => "is not a UPC, EAN or GTIN (8, 12, 13 or 14 digits)",
            Self::CheckDigit => "fails its check digit",
        })
    }
}

impl std::error::Error for GtinError {}

/// The GTIN-14 of `code` (spaces and hyphens ignored), or why it is not one.
pub fn normalise(code: &str) -> Result<String, GtinError> {
    let digits: String = code.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if !LENGTHS.contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(GtinError::Shape);
    }
    let padded = format!("{digits:0>GTIN_LEN$}");
    let (body, check) = padded.split_at(GTIN_LEN - 1);
    if check_digit(body) != check.as_bytes()[0] - b'0' {
        return Err(GtinError::CheckDigit);
    }
    Ok(padded)
}

/// GS1's check digit of `body` (ASCII digits).
fn check_digit(body: &str) -> u8 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    // `sum % 10` is below 10, so the cast keeps it
    #[allow(clippy::cast_possible_truncation)]
    let digit = ((10 - sum % 10) % 10) as u8;
    digit
}

/// `body` (7, 11, 12 or 13 digits) with its check digit appended: for simulators and tests.
pub fn with_check_digit(body: &str) -> String {
    let padded = format!("{body:0>width$}", width = GTIN_LEN - 1);
    format!("{body}{}", check_digit(&padded))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn upc_ean_and_gtin_of_one_item_normalise_alike() {
        for code in [
            "036000291452",
            "0036000291452",
            "00036000291452",
            "0360 0029-1452",
        ] {
            assert_eq!(normalise(code), Ok("00036000291452".to_owned()), "{code}");
        }
        assert_eq!(normalise("96385074"), Ok("00000096385074".to_owned()));
        assert_eq!(normalise("4006381333931"), Ok("04006381333931".to_owned()));
    }

    #[test]
    fn bad_codes_are_refused_with_the_reason() {
        assert_eq!(normalise("036000291453"), Err(GtinError::CheckDigit));
        assert_eq!(normalise("03600029145"), Err(GtinError::Shape));
        assert_eq!(normalise("SKU-000001"), Err(GtinError::Shape));
        assert_eq!(normalise(""), Err(GtinError::Shape));
    }

    proptest! {
        #[test]
        fn a_code_with_its_check_digit_passes_and_any_other_digit_fails(
            body in "[0-9]{11}",
            wrong in 1u8..10,
        ) {
            let code = with_check_digit(&body);
            prop_assert_eq!(normalise(&code).map(|g| g[2..].to_owned()), Ok(code.clone()));
            let last = code.as_bytes()[11] - b'0';
            let bad = format!("{body}{}", (last + wrong) % 10);
            prop_assert_eq!(normalise(&bad), Err(GtinError::CheckDigit));
        }
    }
}
