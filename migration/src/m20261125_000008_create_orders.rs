//! Creates `orders`: online orders, their idempotency keys and POS ids.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_provider_connections::ProviderConnections;
use crate::m20261125_000002_create_locations::Locations;
use crate::m20261125_000006_create_customers::Customers;
use crate::schema_helpers::{
    CURRENCY_LEN, ENUM_LEN, create_table_with_indices, drop_table, foreign_key, index, unique_index,
};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Orders {
    Table,
    Id,
    CustomerId,
    LocationId,
    Status,
    VendorStatus,
    StatusReason,
    Fulfillment,
    DeliveryAddress,
    IdempotencyKey,
    Total,
    RefundedTotal,
    Currency,
    ConnectionId,
    ExternalId,
    ReservationExpiresAt,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Orders as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(uuid(T::CustomerId))
            .col(uuid(T::LocationId))
            .col(string_len(T::Status, ENUM_LEN))
            .col(string_null(T::VendorStatus))
            .col(string_null(T::StatusReason))
            .col(string_len(T::Fulfillment, ENUM_LEN))
            .col(string_null(T::DeliveryAddress))
            .col(string(T::IdempotencyKey))
            .col(big_integer(T::Total).check(Expr::col(T::Total).gte(0)))
            .col(big_integer(T::RefundedTotal).check(Expr::col(T::RefundedTotal).gte(0)))
            .col(string_len(T::Currency, CURRENCY_LEN))
            .col(uuid_null(T::ConnectionId))
            .col(string_null(T::ExternalId))
            .col(timestamp_with_time_zone_null(T::ReservationExpiresAt))
            .col(timestamp_with_time_zone(T::CreatedAt))
            .col(timestamp_with_time_zone(T::UpdatedAt))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::CustomerId,
                Customers::Table,
                Customers::Id,
                ForeignKeyAction::Restrict,
            ))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::LocationId,
                Locations::Table,
                Locations::Id,
                ForeignKeyAction::Restrict,
            ))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::ConnectionId,
                ProviderConnections::Table,
                ProviderConnections::Id,
                ForeignKeyAction::SetNull,
            ))
            .to_owned();
        let indices = vec![
            unique_index(T::Table, &[T::CustomerId, T::IdempotencyKey]),
            unique_index(T::Table, &[T::ConnectionId, T::ExternalId]),
            // A customer's orders, keyset-paged on id.
            index(T::Table, &[T::CustomerId, T::Id]),
            index(T::Table, &[T::LocationId, T::Id]),
            // Open orders by status; reservations due to expire.
            index(T::Table, &[T::Status, T::ReservationExpiresAt]),
            // A POS order id seen without its connection (webhooks, transactions).
            index(T::Table, &[T::ExternalId]),
        ];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, Orders::Table).await
    }
}
