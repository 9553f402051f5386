//! `customers`: one person's profile, merged across POS systems and online accounts.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A customer. Contact fields are stored normalised (e-mail lower-cased,
/// phone in E.164) so identity matching can use the indices.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// E-mail address, lower-cased and trimmed.
    pub email: Option<String>,
    /// Phone number in E.164 (`+14155550123`).
    pub phone: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<Date>,
    /// Medical card or recommendation id.
    pub medical_id: Option<String>,
    /// Medical card expiry.
    pub medical_id_expires: Option<Date>,
    /// Street address.
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or province.
    pub state: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Preferences (JSON object: favourite categories, preferred location, ...).
    pub preferences: Json,
    /// Opted in to marketing messages.
    pub marketing_opt_in: bool,
    /// When this profile was merged into another one (it then points there).
    pub merged_into_id: Option<Uuid>,
    /// When personal data was erased on request; the row stays for history and compliance.
    pub anonymized_at: Option<DateTimeUtc>,
    /// When each profile field was last written, by field name (`{"email":
    /// "2026-12-01T10:00:00Z", …}`): a POS record only overwrites a field it changed
    /// later than Canopy did (the POS wins ties). `None` until a field is written.
    pub field_modified_at: Option<Json>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of a customer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Ids of this customer at each POS.
    #[sea_orm(has_many = "super::customer_external_ref::Entity")]
    CustomerExternalRef,
    /// Online orders.
    #[sea_orm(has_many = "super::order::Entity")]
    Order,
    /// Purchase history (online and in store).
    #[sea_orm(has_many = "super::purchase::Entity")]
    Purchase,
    /// The profile this one was merged into.
    #[sea_orm(
        belongs_to = "Entity",
        from = "Column::MergedIntoId",
        to = "Column::Id",
        on_delete = "SetNull"
    )]
    MergedInto,
}

impl Related<super::customer_external_ref::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CustomerExternalRef.def()
    }
}

impl Related<super::order::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Order.def()
    }
}

impl Related<super::purchase::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Purchase.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
