//! Field-level merging of a profile. Each field Canopy and a POS both hold carries the
//! time it was last written (`customers.field_modified_at`); each POS reference carries
//! a digest of each field as that POS last sent it (`field_hashes`). A POS record
//! changes a field only when the POS changed it (its digest differs) no earlier than
//! Canopy's last write (the POS wins ties). A Canopy edit is always the newest write.

use chrono::{DateTime, NaiveDate, Utc};
use entities::customer;
use providers::model::ExternalCustomer;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::normalise;

/// A profile field Canopy and the POS systems both hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// First name.
    FirstName,
    /// Last name.
    LastName,
    /// E-mail address.
    Email,
    /// Phone number.
    Phone,
    /// Date of birth.
    DateOfBirth,
    /// Medical card id.
    MedicalId,
    /// Medical card expiry.
    MedicalIdExpires,
    /// Street address.
    Address,
    /// City.
    City,
    /// State.
    State,
    /// Postal code.
    PostalCode,
    /// Marketing consent.
    MarketingOptIn,
}

impl Field {
    /// Every field, in a fixed order.
    pub const ALL: [Self; 12] = [
        Self::FirstName,
        Self::LastName,
        Self::Email,
        Self::Phone,
        Self::DateOfBirth,
        Self::MedicalId,
        Self::MedicalIdExpires,
        Self::Address,
        Self::City,
        Self::State,
        Self::PostalCode,
        Self::MarketingOptIn,
    ];

    /// The field's name in the API and in events.
    pub const fn name(self) -> &'static str {
        match self {
            Self::FirstName => "firstName",
            Self::LastName => "lastName",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::DateOfBirth => "dateOfBirth",
            Self::MedicalId => "medicalId",
            Self::MedicalIdExpires => "medicalIdExpires",
            Self::Address => "address",
            Self::City => "city",
            Self::State => "state",
            Self::PostalCode => "postalCode",
            Self::MarketingOptIn => "marketingOptIn",
        }
    }

    /// The field's value in `row` (`null` when unset).
    pub fn get(self, row: &customer::Model) -> Value {
        fn text(v: &Option<String>) -> Value {
            v.as_deref()
                .map_or(Value::Null, |s| Value::String(s.to_owned()))
        }
        fn date(v: Option<NaiveDate>) -> Value {
            v.map_or(Value::Null, |d| Value::String(d.to_string()))
        }
        match self {
            Self::FirstName => text(&row.first_name),
            Self::LastName => text(&row.last_name),
            Self::Email => text(&row.email),
            Self::Phone => text(&row.phone),
            Self::DateOfBirth => date(row.date_of_birth),
            Self::MedicalId => text(&row.medical_id),
            Self::MedicalIdExpires => date(row.medical_id_expires),
            Self::Address => text(&row.address),
            Self::City => text(&row.city),
            Self::State => text(&row.state),
            Self::PostalCode => text(&row.postal_code),
            Self::MarketingOptIn => Value::Bool(row.marketing_opt_in),
        }
    }

    /// Writes `value` (as [`Field::get`] gives it) into `row`.
    pub fn set(self, row: &mut customer::Model, value: &Value) {
        let text = || value.as_str().map(str::to_owned);
        let date = || value.as_str().and_then(|s| s.parse::<NaiveDate>().ok());
        match self {
            Self::FirstName => row.first_name = text(),
            Self::LastName => row.last_name = text(),
            Self::Email => row.email = text(),
            Self::Phone => row.phone = text(),
            Self::DateOfBirth => row.date_of_birth = date(),
            Self::MedicalId => row.medical_id = text(),
            Self::MedicalIdExpires => row.medical_id_expires = date(),
            Self::Address => row.address = text(),
            Self::City => row.city = text(),
            Self::State => row.state = text(),
            Self::PostalCode => row.postal_code = text(),
            Self::MarketingOptIn => row.marketing_opt_in = value.as_bool().unwrap_or(false),
        }
    }

    /// What a POS record says of the field, normalised; `None` when it says nothing.
    pub fn of_pos(self, c: &ExternalCustomer) -> Option<Value> {
        let text = |v: Option<String>| v.map(Value::String);
        let date = |v: Option<NaiveDate>| v.map(|d| Value::String(d.to_string()));
        match self {
            Self::FirstName => text(normalise::text(c.first_name.as_deref())),
            Self::LastName => text(normalise::text(c.last_name.as_deref())),
            Self::Email => text(normalise::email(c.email.as_deref())),
            Self::Phone => text(normalise::phone(c.phone.as_deref())),
            Self::DateOfBirth => date(c.date_of_birth),
            Self::MedicalId => text(normalise::medical_id(c.medical_id.as_deref())),
            Self::MedicalIdExpires => date(c.medical_id_expires),
            Self::Address => text(normalise::text(c.address.as_deref())),
            Self::City => text(normalise::text(c.city.as_deref())),
            Self::State => text(normalise::text(c.state.as_deref())),
            Self::PostalCode => text(normalise::text(c.postal_code.as_deref())),
            Self::MarketingOptIn => c.marketing_opt_in.map(Value::Bool),
        }
    }
}

/// When each field of a profile was last written.
#[derive(Clone, Debug, Default)]
pub struct FieldTimes(Map<String, Value>);

impl FieldTimes {
    /// The times stored on `row`.
    pub fn of(row: &customer::Model) -> Self {
        match &row.field_modified_at {
            Some(Value::Object(map)) => Self(map.clone()),
            _ => Self::default(),
        }
    }

    /// When `field` was last written, if known.
    pub fn get(&self, field: Field) -> Option<DateTime<Utc>> {
        self.0
            .get(field.name())
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
    }

    /// Records that `field` was written at `at`.
    pub fn set(&mut self, field: Field, at: DateTime<Utc>) {
        self.0
            .insert(field.name().to_owned(), Value::String(at.to_rfc3339()));
    }

    /// The stored form.
    pub fn into_json(self) -> Value {
        Value::Object(self.0)
    }
}

/// A short digest of a field value (the value itself is not kept twice).
fn digest(value: &Value) -> Value {
    let hash = Sha256::digest(value.to_string().as_bytes());
    Value::String(hex::encode(&hash[..8]))
}

/// The outcome of merging one POS record into a profile.
#[derive(Debug, Default)]
pub struct PosMerge {
    /// Fields whose value changed.
    pub changed: Vec<Field>,
    /// The digests to store on the POS reference.
    pub hashes: Value,
}

/// Merges POS record `external`, modified at `at`, into `row`. `last_hashes` are the
/// digests of what this POS sent before (`None` the first time: every field it sends
/// counts as changed).
pub fn merge_pos(
    row: &mut customer::Model,
    external: &ExternalCustomer,
    last_hashes: Option<&Value>,
    at: DateTime<Utc>,
) -> PosMerge {
    let mut times = FieldTimes::of(row);
    let mut hashes = Map::new();
    let mut changed = Vec::new();
    for field in Field::ALL {
        let Some(value) = field.of_pos(external) else {
            continue;
        };
        let hash = digest(&value);
        let pos_changed = last_hashes.and_then(|h| h.get(field.name())) != Some(&hash);
        hashes.insert(field.name().to_owned(), hash);
        let newer = times.get(field).is_none_or(|canopy| at >= canopy);
        if pos_changed && newer {
            times.set(field, at);
            if field.get(row) != value {
                field.set(row, &value);
                changed.push(field);
            }
        }
    }
    row.field_modified_at = Some(times.into_json());
    PosMerge {
        changed,
        hashes: Value::Object(hashes),
    }
}

/// Applies a Canopy edit made at `at`; returns the fields whose value changed.
pub fn apply_edit(
    row: &mut customer::Model,
    edit: &[(Field, Value)],
    at: DateTime<Utc>,
) -> Vec<Field> {
    let mut times = FieldTimes::of(row);
    let mut changed = Vec::new();
    for (field, value) in edit {
        if field.get(row) != *value {
            field.set(row, value);
            times.set(*field, at);
            changed.push(*field);
        }
    }
    row.field_modified_at = Some(times.into_json());
    changed
}

/// The names of `fields`, as events store them.
pub fn names(fields: &[Field]) -> Value {
    Value::Array(
        fields
            .iter()
            .map(|f| Value::String(f.name().to_owned()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    fn pos(city: &str) -> ExternalCustomer {
        ExternalCustomer {
            external_id: "1".into(),
            first_name: Some("Ava".into()),
            last_name: None,
            email: None,
            phone: None,
            date_of_birth: None,
            medical_id: None,
            medical_id_expires: None,
            address: None,
            city: Some(city.into()),
            state: None,
            postal_code: None,
            marketing_opt_in: None,
            modified_at: None,
        }
    }

    #[test]
    fn last_writer_wins_per_field_and_the_pos_wins_ties() {
        let t0 = DateTime::UNIX_EPOCH + TimeDelta::days(10_000);
        let mut row = crate::customers::profile::empty(uuid::Uuid::nil(), DateTime::UNIX_EPOCH);
        let first = merge_pos(&mut row, &pos("Oakland"), None, t0);
        assert_eq!(first.changed, vec![Field::FirstName, Field::City]);

        // Canopy edits the city later than the POS record
        let edit = [(Field::City, Value::String("Fresno".into()))];
        assert_eq!(
            apply_edit(&mut row, &edit, t0 + TimeDelta::hours(2)),
            vec![Field::City]
        );

        // an older POS change of the city loses; a tie goes to the POS
        let older = merge_pos(
            &mut row,
            &pos("Berkeley"),
            Some(&first.hashes),
            t0 + TimeDelta::hours(1),
        );
        assert!(older.changed.is_empty());
        assert_eq!(row.city.as_deref(), Some("Fresno"));
        let tie = merge_pos(
            &mut row,
            &pos("Berkeley"),
            Some(&first.hashes),
            t0 + TimeDelta::hours(2),
        );
        assert_eq!(tie.changed, vec![Field::City]);

        // a POS record that did not change the city leaves a later Canopy edit alone
        let edit = [(Field::City, Value::String("Napa".into()))];
        apply_edit(&mut row, &edit, t0 + TimeDelta::hours(3));
        let same = merge_pos(
            &mut row,
            &pos("Berkeley"),
            Some(&tie.hashes),
            t0 + TimeDelta::hours(4),
        );
        assert!(same.changed.is_empty());
        assert_eq!(row.city.as_deref(), Some("Napa"));
    }
}
