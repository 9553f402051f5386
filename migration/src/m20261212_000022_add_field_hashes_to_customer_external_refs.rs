//! Adds `customer_external_refs.field_hashes`: a digest of each profile field as this
//! POS last sent it, so a later record counts as changing only the fields the POS
//! actually changed (the values themselves stay in the profile).

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    m20261125_000007_create_customer_external_refs::CustomerExternalRefs,
    schema_helpers::alter_table,
};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Added {
    FieldHashes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        alter_table(manager, CustomerExternalRefs::Table, |t| {
            t.add_column(json_binary_null(Added::FieldHashes))
        })
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        alter_table(manager, CustomerExternalRefs::Table, |t| {
            t.drop_column(Added::FieldHashes)
        })
        .await
    }
}
