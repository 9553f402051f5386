//! Choosing the POS customer for an order from `POST /customer/search`
//! matches, in Dutchie's documented order of trust: medical id, e-mail,
//! phone, then last name with date of birth [doc]. A match of any other kind
//! (a last name alone) is never trusted with an order.

use super::models::CustomerSearchResult;

/// Rank of a `matchType` (lower is more trusted); `None` for untrusted kinds.
fn rank(match_type: &str) -> Option<u8> {
    let key: String = match_type
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if key.contains("mmj") || key.contains("medical") {
        Some(0)
    } else if key.contains("email") {
        Some(1)
    } else if key.contains("phone") {
        Some(2)
    } else if key.contains("name") && (key.contains("dob") || key.contains("birth")) {
        Some(3)
    } else {
        None
    }
}

/// The most trusted match, if any is trusted at all.
pub(crate) fn best(matches: &[CustomerSearchResult]) -> Option<i32> {
    matches
        .iter()
        .filter_map(|m| Some((rank(m.match_type.as_deref()?)?, m.customer_id)))
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, id)| id)
}

/// The `matchType` the simulator reports for each kind, most trusted first.
pub(crate) const MATCH_TYPES: [&str; 4] = ["MmjId", "Email", "Phone", "LastNameAndDateOfBirth"];

#[cfg(test)]
mod tests {
    use super::*;

    fn m(kind: &str, id: i32) -> CustomerSearchResult {
        CustomerSearchResult {
            match_type: Some(kind.to_owned()),
            customer_id: id,
        }
    }

    #[test]
    fn prefers_medical_id_then_email_then_phone_then_name_and_birth() {
        assert_eq!(
            best(&[m("Phone", 3), m("Email", 2), m("MmjId", 1)]),
            Some(1)
        );
        assert_eq!(best(&[m("Phone", 3), m("Email", 2)]), Some(2));
        assert_eq!(
            best(&[m("LastNameAndDateOfBirth", 4), m("Phone", 3)]),
            Some(3)
        );
        assert_eq!(best(&[m("LastName", 5)]), None);
        assert_eq!(best(&[]), None);
        for (i, kind) in MATCH_TYPES.iter().enumerate() {
            assert_eq!(rank(kind), Some(i as u8));
        }
    }
}
