//! Who is buying, as the rules see it: the market (medical with a valid card at a
//! medical store, else adult use where the store sells it), and residency (the profile's
//! state against the store's; unknown when the profile has no two-letter state, and then
//! both residents' and non-residents' limits apply, so the stricter one binds). Each
//! fallback is said in a note the check and the preview pass on.

use chrono::NaiveDate;
use entities::{
    compliance_rule, customer,
    enums::{ComplianceMarket, Residency},
    location,
};
use uuid::Uuid;

use super::Figures;

/// Who is buying, as the rules see it.
pub struct Buyer {
    /// Their medical card.
    pub card: MedicalCard,
    /// The market they buy under; `None`: the store cannot sell to them.
    pub market: Option<ComplianceMarket>,
    /// Their residency; `None` when unknown.
    pub residency: Option<Residency>,
    /// The fallbacks made (an expired card, an unknown residency), in words.
    pub notes: Vec<String>,
}

impl Buyer {
    /// `customer` at `location` on `today`, under the jurisdiction's `rules`.
    pub fn of(
        customer: &customer::Model,
        location: &location::Model,
        rules: &[compliance_rule::Model],
        today: NaiveDate,
    ) -> Self {
        let card = MedicalCard::of(customer, today);
        let market = market_of(location, &card);
        let residency = residency_of(customer, location);
        let notes = market_note(location, &card, market)
            .into_iter()
            .chain(residency_note(rules, residency))
            .collect();
        Self {
            card,
            market,
            residency,
            notes,
        }
    }
}

/// The customer's medical card as of a day.
pub struct MedicalCard {
    valid: bool,
    expired_on: Option<NaiveDate>,
}

impl MedicalCard {
    /// A card is valid when it has an id and an expiry date not before `today`; one
    /// without an expiry on record is not accepted.
    pub fn of(customer: &customer::Model, today: NaiveDate) -> Self {
        let has_id = customer
            .medical_id
            .as_deref()
            .is_some_and(|id| !id.trim().is_empty());
        let expires = customer.medical_id_expires.filter(|_| has_id);
        Self {
            valid: expires.is_some_and(|date| date >= today),
            expired_on: expires.filter(|date| *date < today),
        }
    }

    /// Whether the card is valid.
    pub const fn valid(&self) -> bool {
        self.valid
    }

    /// The refusal figures about this card (and the product that needs it).
    pub const fn figures(&self, product_id: Option<Uuid>) -> Figures {
        Figures::MedicalCard {
            product_id,
            expired_on: self.expired_on,
        }
    }

    /// Why the card does not count, in words.
    pub fn describe(&self) -> String {
        match self.expired_on {
            Some(date) => format!("the medical card on file expired on {date}"),
            None => "there is no valid medical card on file".to_owned(),
        }
    }
}

/// The market a holder of `card` buys under at `location`: medical with a valid card at
/// a medical store, else adult-use where the store sells it, else none.
pub const fn market_of(location: &location::Model, card: &MedicalCard) -> Option<ComplianceMarket> {
    if location.medical && card.valid {
        Some(ComplianceMarket::Medical)
    } else if location.adult_use {
        Some(ComplianceMarket::AdultUse)
    } else {
        None
    }
}

/// The note to show when an expired card makes a medical store's customer buy under
/// adult-use rules.
fn market_note(
    location: &location::Model,
    card: &MedicalCard,
    market: Option<ComplianceMarket>,
) -> Option<String> {
    let date = card.expired_on?;
    (location.medical && market == Some(ComplianceMarket::AdultUse))
        .then(|| format!("the medical card on file expired on {date}: adult-use limits apply"))
}

/// Whether `customer` lives in `location`'s jurisdiction; `None` when the profile gives
/// no two-letter state.
pub fn residency_of(customer: &customer::Model, location: &location::Model) -> Option<Residency> {
    let state = customer.state.as_deref()?.trim().to_ascii_uppercase();
    if state.len() != 2 || !state.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some(if state == location.state.trim().to_ascii_uppercase() {
        Residency::Resident
    } else {
        Residency::NonResident
    })
}

/// Whether a rule for `rule_residency` applies to a buyer of `residency` (unknown:
/// every rule applies, the stricter binding).
pub fn applies(rule_residency: Option<Residency>, residency: Option<Residency>) -> bool {
    match (rule_residency, residency) {
        (None, _) | (_, None) => true,
        (Some(rule), Some(buyer)) => rule == buyer,
    }
}

/// The note to show when residency is unknown and `rules` depend on it.
fn residency_note(
    rules: &[compliance_rule::Model],
    residency: Option<Residency>,
) -> Option<String> {
    (residency.is_none() && rules.iter().any(|rule| rule.residency.is_some())).then(|| {
        "residency unknown (no state on the customer's profile): the stricter non-resident limits apply"
            .to_owned()
    })
}
