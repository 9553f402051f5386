//! The one normal form of each identity key, used both when storing and when matching:
//! e-mail trimmed and lower-cased, phone numbers in E.164, medical ids upper-cased
//! without spaces or dashes, names trimmed.

/// Trimmed and lower-cased; `None` when empty.
pub fn email(email: Option<&str>) -> Option<String> {
    email
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty())
}

/// E.164 for North American numbers written without a country code (`(415) 555-0123`,
/// `1-415-555-0123`) and numbers given with `+`; anything else is kept as written.
pub fn phone(phone: Option<&str>) -> Option<String> {
    let raw = phone.map(str::trim).filter(|p| !p.is_empty())?;
    Some(e164(raw).unwrap_or_else(|| raw.to_owned()))
}

/// `raw` in E.164, or `None` when it cannot be read as a phone number.
pub fn e164(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    match (raw.trim().starts_with('+'), digits.len()) {
        (true, 8..=15) => Some(format!("+{digits}")),
        (false, 10) => Some(format!("+1{digits}")),
        (false, 11) if digits.starts_with('1') => Some(format!("+{digits}")),
        _ => None,
    }
}

/// Upper-cased, without whitespace or dashes; `None` when empty.
pub fn medical_id(id: Option<&str>) -> Option<String> {
    let id: String = id?
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    (!id.is_empty()).then_some(id)
}

/// Trimmed; `None` when empty.
pub fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A last name as compared for matching: trimmed and lower-cased.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_become_e164() {
        assert_eq!(
            phone(Some("(415) 555-0123")).as_deref(),
            Some("+14155550123")
        );
        assert_eq!(
            phone(Some("1-415-555-0123")).as_deref(),
            Some("+14155550123")
        );
        assert_eq!(
            phone(Some("+44 20 7946 0958")).as_deref(),
            Some("+442079460958")
        );
        assert_eq!(phone(Some("ext. 12")).as_deref(), Some("ext. 12"));
        assert_eq!(e164("ext. 12"), None);
        assert_eq!(phone(Some("  ")), None);
    }

    #[test]
    fn emails_are_lower_cased_and_medical_ids_compacted() {
        assert_eq!(
            email(Some(" Ava.Lee@Example.COM ")).as_deref(),
            Some("ava.lee@example.com")
        );
        assert_eq!(medical_id(Some(" ca-123 45 ")).as_deref(), Some("CA12345"));
        assert_eq!(medical_id(Some(" - ")), None);
    }
}
