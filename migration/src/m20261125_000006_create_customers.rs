//! Creates `customers`: profiles merged across POS systems and online accounts.

use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_helpers::{create_table_with_indices, drop_table, foreign_key, index};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Customers {
    Table,
    Id,
    Email,
    Phone,
    FirstName,
    LastName,
    DateOfBirth,
    MedicalId,
    MedicalIdExpires,
    Address,
    City,
    State,
    PostalCode,
    Preferences,
    MarketingOptIn,
    MergedIntoId,
    AnonymizedAt,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Customers as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(string_null(T::Email))
            .col(string_len_null(T::Phone, 16))
            .col(string_null(T::FirstName))
            .col(string_null(T::LastName))
            .col(date_null(T::DateOfBirth))
            .col(string_null(T::MedicalId))
            .col(date_null(T::MedicalIdExpires))
            .col(string_null(T::Address))
            .col(string_null(T::City))
            .col(string_null(T::State))
            .col(string_null(T::PostalCode))
            .col(json_binary(T::Preferences))
            .col(boolean(T::MarketingOptIn))
            .col(uuid_null(T::MergedIntoId))
            .col(timestamp_with_time_zone_null(T::AnonymizedAt))
            .col(timestamp_with_time_zone(T::CreatedAt))
            .col(timestamp_with_time_zone(T::UpdatedAt))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::MergedIntoId,
                T::Table,
                T::Id,
                ForeignKeyAction::SetNull,
            ))
            .to_owned();
        // Identity matching keys, in the vendors' order.
        let indices = vec![
            index(T::Table, &[T::MedicalId]),
            index(T::Table, &[T::Email]),
            index(T::Table, &[T::Phone]),
            index(T::Table, &[T::LastName, T::DateOfBirth]),
            index(T::Table, &[T::MergedIntoId]),
        ];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, Customers::Table).await
    }
}
