//! What makes a customer record unusable: no name at all, an impossible date of birth,
//! a malformed e-mail address. The same checks guard a Canopy edit.

use chrono::NaiveDate;
use providers::model::ExternalCustomer;

/// The oldest birth year taken as possible.
const EARLIEST_BIRTH_YEAR: i32 = 1900;

/// Whether `email` (normalised) looks like an address: one `@`, a local part, a dotted
/// domain, no whitespace.
pub fn email_ok(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|part| !part.is_empty())
}

/// Whether someone born on `date` can be a customer on `today`: not born in the future
/// and not before 1900.
pub fn birth_date_ok(date: NaiveDate, today: NaiveDate) -> bool {
    date <= today && date >= NaiveDate::from_ymd_opt(EARLIEST_BIRTH_YEAR, 1, 1).unwrap_or(date)
}

/// Why a POS customer record cannot become a profile, or `None` when it can. The reason
/// names the field, never its value.
pub fn problem(customer: &ExternalCustomer, today: NaiveDate) -> Option<String> {
    let named = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    if !named(&customer.first_name) && !named(&customer.last_name) {
        return Some("the customer has no name".into());
    }
    if let Some(date) = customer.date_of_birth
        && !birth_date_ok(date, today)
    {
        return Some("impossible date of birth".into());
    }
    if let Some(email) = super::normalise::email(customer.email.as_deref())
        && !email_ok(&email)
    {
        return Some("malformed e-mail address".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(email_ok("ava@example.com"));
        for bad in [
            "ava",
            "ava@",
            "@example.com",
            "a@b@c.com",
            "ava@example",
            "a b@c.de",
            "ava@.com",
        ] {
            assert!(!email_ok(bad), "{bad}");
        }
    }

    #[test]
    fn birth_dates() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default();
        assert!(birth_date_ok(
            NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default(),
            today
        ));
        assert!(!birth_date_ok(
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default(),
            today
        ));
        assert!(!birth_date_ok(
            NaiveDate::from_ymd_opt(1850, 1, 1).unwrap_or_default(),
            today
        ));
    }
}
