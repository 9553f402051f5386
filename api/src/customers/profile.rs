//! Canopy-side profile edits (`updateMyProfile`, `updateCustomer`): checked field by
//! field (`BAD_USER_INPUT` names the field), stamped for last-writer-wins, recorded as
//! an event, and queued for the POS in the same transaction (the outbox sender pushes
//! it to each POS holding the customer, or records that the POS keeps no such edit).

use async_graphql::{ID, InputObject};
use chrono::{DateTime, NaiveDate, Utc};
use entities::{customer, customer_external_ref, location};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, TransactionTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    events::{self, NewEvent, kinds},
    fields::{self, Field},
    merge, normalise, push, validate,
};
use crate::{
    admin::audit::{self, AuditRecord},
    error::ApiError,
    graphql::types::{enums::ProductCategory, ids::parse_id},
    orders::{enqueue::enqueue, outbox::queue::kinds::PUSH_CUSTOMER},
};

/// A profile `id` with nothing known yet, created at `at`.
pub fn empty(id: Uuid, at: DateTime<Utc>) -> customer::Model {
    customer::Model {
        id,
        email: None,
        phone: None,
        first_name: None,
        last_name: None,
        date_of_birth: None,
        medical_id: None,
        medical_id_expires: None,
        address: None,
        city: None,
        state: None,
        postal_code: None,
        preferences: Value::Object(serde_json::Map::new()),
        marketing_opt_in: false,
        merged_into_id: None,
        anonymized_at: None,
        field_modified_at: None,
        created_at: at,
        updated_at: at,
    }
}

/// Changes to a profile; omitted fields stay as they are.
#[derive(Clone, Debug, Default, InputObject)]
pub struct ProfileInput {
    /// E-mail address.
    #[graphql(validator(max_length = 254))]
    pub email: Option<String>,
    /// Phone number (stored in E.164; North American numbers may omit `+1`).
    #[graphql(validator(max_length = 32))]
    pub phone: Option<String>,
    /// First name.
    #[graphql(validator(max_length = 100))]
    pub first_name: Option<String>,
    /// Last name.
    #[graphql(validator(max_length = 100))]
    pub last_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Street address.
    #[graphql(validator(max_length = 200))]
    pub address: Option<String>,
    /// City.
    #[graphql(validator(max_length = 100))]
    pub city: Option<String>,
    /// State or province.
    #[graphql(validator(max_length = 50))]
    pub state: Option<String>,
    /// Postal code.
    #[graphql(validator(max_length = 20))]
    pub postal_code: Option<String>,
    /// Consent to marketing messages.
    pub marketing_opt_in: Option<bool>,
    /// Favourite product categories (replaces the list).
    #[graphql(validator(max_items = 20))]
    pub favourite_categories: Option<Vec<ProductCategory>>,
    /// The store the customer prefers.
    pub preferred_location_id: Option<ID>,
}

impl ProfileInput {
    /// The field changes, normalised, or the first invalid field.
    fn changes(&self) -> Result<Vec<(Field, Value)>, ApiError> {
        let mut changes = Vec::new();
        if let Some(raw) = &self.email {
            let email = normalise::email(Some(raw))
                .filter(|e| validate::email_ok(e))
                .ok_or_else(|| ApiError::bad_field("input.email", "not an e-mail address"))?;
            changes.push((Field::Email, Value::String(email)));
        }
        if let Some(raw) = &self.phone {
            let phone = normalise::e164(raw)
                .ok_or_else(|| ApiError::bad_field("input.phone", "not a phone number"))?;
            changes.push((Field::Phone, Value::String(phone)));
        }
        if let Some(date) = self.date_of_birth {
            if !validate::birth_date_ok(date, Utc::now().date_naive()) {
                return Err(ApiError::bad_field(
                    "input.dateOfBirth",
                    "impossible date of birth",
                ));
            }
            changes.push((Field::DateOfBirth, Value::String(date.to_string())));
        }
        let texts = [
            (Field::FirstName, "input.firstName", &self.first_name),
            (Field::LastName, "input.lastName", &self.last_name),
            (Field::Address, "input.address", &self.address),
            (Field::City, "input.city", &self.city),
            (Field::State, "input.state", &self.state),
            (Field::PostalCode, "input.postalCode", &self.postal_code),
        ];
        for (field, name, value) in texts {
            if let Some(raw) = value {
                let text = normalise::text(Some(raw))
                    .ok_or_else(|| ApiError::bad_field(name, "must not be blank"))?;
                changes.push((field, Value::String(text)));
            }
        }
        if let Some(opt_in) = self.marketing_opt_in {
            changes.push((Field::MarketingOptIn, Value::Bool(opt_in)));
        }
        Ok(changes)
    }

    /// The preferences after this edit, or `None` when it leaves them alone.
    async fn preferences(
        &self,
        db: &impl ConnectionTrait,
        current: &Value,
    ) -> Result<Option<Value>, ApiError> {
        if self.favourite_categories.is_none() && self.preferred_location_id.is_none() {
            return Ok(None);
        }
        let mut next = match current {
            Value::Object(map) => map.clone(),
            _ => serde_json::Map::new(),
        };
        if let Some(categories) = &self.favourite_categories {
            let mut names: Vec<Value> = Vec::new();
            for category in categories {
                let value = json!(category);
                if !names.contains(&value) {
                    names.push(value);
                }
            }
            next.insert("favouriteCategories".into(), Value::Array(names));
        }
        if let Some(id) = &self.preferred_location_id {
            let id = parse_id("input.preferredLocationId", id)?;
            if location::Entity::find_by_id(id).one(db).await?.is_none() {
                return Err(ApiError::bad_field(
                    "input.preferredLocationId",
                    "no such location",
                ));
            }
            next.insert(PREFERRED_LOCATION.into(), json!(id.to_string()));
        }
        Ok(Some(Value::Object(next)))
    }
}

/// The preferences key of the customer's preferred location.
const PREFERRED_LOCATION: &str = "preferredLocationId";

/// The location `customer` prefers, when they chose one.
pub fn preferred_location(customer: &customer::Model) -> Option<Uuid> {
    customer
        .preferences
        .get(PREFERRED_LOCATION)
        .and_then(Value::as_str)
        .and_then(|id| Uuid::parse_str(id).ok())
}

/// Who edits: the customer themself, or an admin (audited).
#[derive(Clone, Copy, Debug)]
pub enum Editor<'a> {
    /// The customer, through `updateMyProfile`.
    Customer,
    /// An admin, by token subject.
    Admin(&'a str),
}

impl Editor<'_> {
    fn actor(&self) -> &str {
        match self {
            Self::Customer => "customer",
            Self::Admin(subject) => subject,
        }
    }
}

/// Applies `input` to profile `id` (or the profile it was merged into).
pub async fn update(
    db: &DatabaseConnection,
    editor: Editor<'_>,
    id: uuid::Uuid,
    input: &ProfileInput,
) -> Result<customer::Model, ApiError> {
    let changes = input.changes()?;
    let txn = db.begin().await?;
    let id = merge::root(&txn, id).await?;
    let current = merge::require(&txn, id).await?;
    if current.anonymized_at.is_some() {
        return Err(ApiError::Conflict("this profile was erased".into()));
    }
    let preferences = input.preferences(&txn, &current.preferences).await?;
    let now = Utc::now();
    let mut row = current.clone();
    let changed = fields::apply_edit(&mut row, &changes, now);
    let mut names: Vec<&str> = changed.iter().map(|f| f.name()).collect();
    if let Some(preferences) = preferences.filter(|p| *p != row.preferences) {
        row.preferences = preferences;
        names.push("preferences");
    }
    if names.is_empty() {
        return Ok(current);
    }
    row.updated_at = now;
    let row = row.into_active_model().reset_all().update(&txn).await?;
    events::record(
        &txn,
        NewEvent {
            customer_id: id,
            kind: kinds::EDITED,
            connection_id: None,
            other_customer_id: None,
            fields: json!(names),
            actor: editor.actor(),
            at: now,
        },
    )
    .await?;
    if !changed.is_empty() {
        let family = merge::family(&txn, id).await?;
        let mut holding: Vec<Uuid> = customer_external_ref::Entity::find()
            .filter(customer_external_ref::Column::CustomerId.is_in(family))
            .all(&txn)
            .await?
            .into_iter()
            .map(|r| r.connection_id)
            .collect();
        holding.sort_unstable();
        holding.dedup();
        for connection in holding {
            enqueue(
                &txn,
                PUSH_CUSTOMER,
                id,
                push::payload(json!(fields::names(&changed)), connection),
                now,
            )
            .await?;
        }
    }
    if let Editor::Admin(subject) = editor {
        audit::record(
            &txn,
            AuditRecord {
                actor: subject.to_owned(),
                action: "customer.update",
                target_type: "Customer",
                target_id: Some(id.to_string()),
                before: None,
                after: Some(json!({ "fields": names })),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(row)
}
