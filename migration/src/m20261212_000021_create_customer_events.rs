//! Creates `customer_events`: what happened to a profile (a POS record merged, a Canopy
//! edit, a push to a POS or a POS that keeps no such field, a merge, an unmerge, an
//! erasure). Field names only: the values stay in the profile.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    m20261125_000006_create_customers::Customers,
    schema_helpers::{create_table_with_indices, drop_table, foreign_key, index},
};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum CustomerEvents {
    Table,
    Id,
    CustomerId,
    Kind,
    ConnectionId,
    OtherCustomerId,
    Fields,
    Actor,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CustomerEvents as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(uuid(T::CustomerId))
            .col(string_len(T::Kind, 32))
            .col(uuid_null(T::ConnectionId))
            .col(uuid_null(T::OtherCustomerId))
            .col(json_binary(T::Fields))
            .col(string(T::Actor))
            .col(timestamp_with_time_zone(T::At))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::CustomerId,
                Customers::Table,
                Customers::Id,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        let indices = vec![index(T::Table, &[T::CustomerId, T::At])];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, CustomerEvents::Table).await
    }
}
