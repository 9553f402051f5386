//! Identity matching in the vendors' order of keys: medical id, then e-mail, then
//! phone, then last name with date of birth. The first key that finds anyone decides:
//! one profile is a match, several are ambiguous (an alert, never a merge). A candidate
//! whose medical id or date of birth contradicts the record is not the same person.

use std::collections::HashMap;

use chrono::NaiveDate;
use entities::customer;
use providers::model::ExternalCustomer;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::normalise;

/// The identity keys of one record, normalised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keys {
    /// Medical card id.
    pub medical_id: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number (E.164).
    pub phone: Option<String>,
    /// Last name, as compared (lower-cased).
    pub last_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
}

impl Keys {
    /// The keys of a POS record.
    pub fn of(c: &ExternalCustomer) -> Self {
        Self {
            medical_id: normalise::medical_id(c.medical_id.as_deref()),
            email: normalise::email(c.email.as_deref()),
            phone: normalise::phone(c.phone.as_deref()),
            last_name: normalise::text(c.last_name.as_deref()).map(|n| normalise::name_key(&n)),
            date_of_birth: c.date_of_birth,
        }
    }

    /// Whether `candidate` contradicts these keys (another medical id or birth date).
    fn contradicts(&self, candidate: &customer::Model) -> bool {
        let differs =
            |a: &Option<String>, b: &Option<String>| matches!((a, b), (Some(a), Some(b)) if a != b);
        differs(&self.medical_id, &candidate.medical_id)
            || matches!((self.date_of_birth, candidate.date_of_birth), (Some(a), Some(b)) if a != b)
    }
}

/// The outcome of matching one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match {
    /// Nobody known: a new profile.
    Unmatched,
    /// Exactly one profile.
    One(Uuid),
    /// Several profiles share the deciding key.
    Ambiguous {
        /// The key that found them (`medicalId`, `email`, `phone`, `lastNameAndDateOfBirth`).
        key: &'static str,
        /// Their ids.
        candidates: Vec<Uuid>,
    },
}

/// Live profiles (not merged away, not erased) sharing a key with some records.
#[derive(Debug, Default)]
pub struct Candidates {
    by_medical_id: HashMap<String, Vec<customer::Model>>,
    by_email: HashMap<String, Vec<customer::Model>>,
    by_phone: HashMap<String, Vec<customer::Model>>,
    by_birth: HashMap<NaiveDate, Vec<customer::Model>>,
}

impl Candidates {
    /// Loads the profiles sharing any key with `keys` (one query per key kind and chunk).
    pub async fn load(db: &impl ConnectionTrait, keys: &[Keys]) -> Result<Self, DbErr> {
        let mut found = Self::default();
        let medical: Vec<String> = keys.iter().filter_map(|k| k.medical_id.clone()).collect();
        for row in live(db, customer::Column::MedicalId, medical).await? {
            if let Some(key) = row.medical_id.clone() {
                found.by_medical_id.entry(key).or_default().push(row);
            }
        }
        let emails: Vec<String> = keys.iter().filter_map(|k| k.email.clone()).collect();
        for row in live(db, customer::Column::Email, emails).await? {
            if let Some(key) = row.email.clone() {
                found.by_email.entry(key).or_default().push(row);
            }
        }
        let phones: Vec<String> = keys.iter().filter_map(|k| k.phone.clone()).collect();
        for row in live(db, customer::Column::Phone, phones).await? {
            if let Some(key) = row.phone.clone() {
                found.by_phone.entry(key).or_default().push(row);
            }
        }
        let births: Vec<NaiveDate> = keys
            .iter()
            .filter(|k| k.last_name.is_some())
            .filter_map(|k| k.date_of_birth)
            .collect();
        for row in live(db, customer::Column::DateOfBirth, births).await? {
            if let Some(key) = row.date_of_birth {
                found.by_birth.entry(key).or_default().push(row);
            }
        }
        Ok(found)
    }

    /// Adds a profile created since loading (a later record of the batch may match it).
    pub fn add(&mut self, row: &customer::Model) {
        let keys = [
            (&mut self.by_medical_id, row.medical_id.clone()),
            (&mut self.by_email, row.email.clone()),
            (&mut self.by_phone, row.phone.clone()),
        ];
        for (map, key) in keys {
            if let Some(key) = key {
                map.entry(key).or_default().push(row.clone());
            }
        }
        if let Some(date) = row.date_of_birth {
            self.by_birth.entry(date).or_default().push(row.clone());
        }
    }

    /// Matches `keys`, ignoring profile `except` (the record's own).
    pub fn resolve(&self, keys: &Keys, except: Option<Uuid>) -> Match {
        let name_and_birth = keys.last_name.as_ref().and_then(|name| {
            let rows = self.by_birth.get(&keys.date_of_birth?)?;
            Some(
                rows.iter()
                    .filter(|row| {
                        row.last_name.as_deref().map(normalise::name_key).as_ref() == Some(name)
                    })
                    .collect::<Vec<_>>(),
            )
        });
        let tiers: [(&'static str, Option<Vec<&customer::Model>>); 4] = [
            (
                "medicalId",
                pick(&self.by_medical_id, keys.medical_id.as_ref()),
            ),
            ("email", pick(&self.by_email, keys.email.as_ref())),
            ("phone", pick(&self.by_phone, keys.phone.as_ref())),
            ("lastNameAndDateOfBirth", name_and_birth),
        ];
        for (key, rows) in tiers {
            let mut ids: Vec<Uuid> = rows
                .unwrap_or_default()
                .into_iter()
                .filter(|row| Some(row.id) != except && !keys.contradicts(row))
                .map(|row| row.id)
                .collect();
            ids.sort();
            ids.dedup();
            match ids.len() {
                0 => continue,
                1 => return Match::One(ids[0]),
                _ => {
                    return Match::Ambiguous {
                        key,
                        candidates: ids,
                    };
                }
            }
        }
        Match::Unmatched
    }
}

fn pick<'a>(
    map: &'a HashMap<String, Vec<customer::Model>>,
    key: Option<&String>,
) -> Option<Vec<&'a customer::Model>> {
    Some(map.get(key?)?.iter().collect())
}

/// Live profiles whose `column` is one of `values`.
async fn live<V>(
    db: &impl ConnectionTrait,
    column: customer::Column,
    values: Vec<V>,
) -> Result<Vec<customer::Model>, DbErr>
where
    V: Into<sea_orm::Value> + Clone,
{
    let mut rows = Vec::new();
    for chunk in values.chunks(crate::db::CHUNK) {
        rows.extend(
            customer::Entity::find()
                .filter(
                    Condition::all()
                        .add(column.is_in(chunk.iter().cloned()))
                        .add(customer::Column::MergedIntoId.is_null())
                        .add(customer::Column::AnonymizedAt.is_null()),
                )
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}
