//! Adds `customers.field_modified_at`: when each profile field was last written and by
//! whom, so a POS record and a Canopy edit merge field by field (last writer wins).

use sea_orm_migration::{prelude::*, schema::*};

use crate::{m20261125_000006_create_customers::Customers, schema_helpers::alter_table};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Added {
    FieldModifiedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        alter_table(manager, Customers::Table, |t| {
            t.add_column(json_binary_null(Added::FieldModifiedAt))
        })
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        alter_table(manager, Customers::Table, |t| {
            t.drop_column(Added::FieldModifiedAt)
        })
        .await
    }
}
