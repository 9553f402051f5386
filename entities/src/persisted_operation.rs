//! `persisted_operations`: the GraphQL documents registered for the safelist.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One registered document, under the SHA-256 of its exact text.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "persisted_operations")]
pub struct Model {
    /// Lowercase hex SHA-256 of `document` (what clients send as `sha256Hash`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub hash: String,
    /// The document, exactly as registered.
    #[sea_orm(column_type = "Text")]
    pub document: String,
    /// The names of its operations (a JSON array of strings; anonymous ones are left out).
    pub operation_names: Json,
    /// Who registered it: `cli`, or the admin's subject.
    pub registered_by: String,
    /// When it was registered.
    pub created_at: DateTimeUtc,
}

/// A registered document relates to nothing.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
