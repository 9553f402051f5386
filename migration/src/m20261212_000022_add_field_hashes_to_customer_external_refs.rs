//! Adds `customer_external_refs.field_hashes`: a digest of each profile field as this
//! POS last sent it, so a later record counts as changing only the fields the POS
//! actually changed (the values themselves stay in the profile).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000007_create_customer_external_refs::CustomerExternalRefs;

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
        manager
            .alter_table(
                Table::alter()
                    .table(CustomerExternalRefs::Table)
                    .add_column(json_binary_null(Added::FieldHashes))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CustomerExternalRefs::Table)
                    .drop_column(Added::FieldHashes)
                    .to_owned(),
            )
            .await
    }
}
