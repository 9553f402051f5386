//! Adds `customers.field_modified_at`: when each profile field was last written and by
//! whom, so a POS record and a Canopy edit merge field by field (last writer wins).

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    m20261125_000006_create_customers::Customers,
    schema_helpers::{add_column, drop_column},
};

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
        add_column(
            manager,
            Customers::Table,
            json_binary_null(Added::FieldModifiedAt),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, Customers::Table, Added::FieldModifiedAt).await
    }
}
