//! Creates `products`: the catalog with cannabis and alcohol attributes.

use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_helpers::{CURRENCY_LEN, ENUM_LEN, create_table_with_indices, drop_table, index};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Products {
    Table,
    Id,
    Name,
    Brand,
    Category,
    CategoryRaw,
    StrainType,
    StrainTypeRaw,
    ThcValue,
    ThcUnit,
    CbdValue,
    CbdUnit,
    NetWeightValue,
    NetWeightUnit,
    FlowerEquivalentGrams,
    Abv,
    VolumeMl,
    RecPrice,
    MedPrice,
    Currency,
    MedicalOnly,
    MaxPerTransaction,
    Images,
    PackageTag,
    Active,
    Sku,
    Upc,
    PosModifiedAt,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Products as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(string(T::Name))
            .col(string_null(T::Brand))
            .col(string_len(T::Category, ENUM_LEN))
            .col(string_null(T::CategoryRaw))
            .col(string_len_null(T::StrainType, ENUM_LEN))
            .col(string_null(T::StrainTypeRaw))
            .col(double_null(T::ThcValue))
            .col(string_len_null(T::ThcUnit, ENUM_LEN))
            .col(double_null(T::CbdValue))
            .col(string_len_null(T::CbdUnit, ENUM_LEN))
            .col(double_null(T::NetWeightValue))
            .col(string_len_null(T::NetWeightUnit, ENUM_LEN))
            .col(double_null(T::FlowerEquivalentGrams))
            .col(double_null(T::Abv))
            .col(double_null(T::VolumeMl))
            .col(big_integer_null(T::RecPrice).check(Expr::col(T::RecPrice).gte(0)))
            .col(big_integer_null(T::MedPrice).check(Expr::col(T::MedPrice).gte(0)))
            .col(string_len(T::Currency, CURRENCY_LEN))
            .col(boolean(T::MedicalOnly))
            .col(integer_null(T::MaxPerTransaction))
            .col(json_binary(T::Images))
            .col(string_null(T::PackageTag))
            .col(boolean(T::Active))
            .col(string_null(T::Sku))
            .col(string_null(T::Upc))
            .col(timestamp_with_time_zone_null(T::PosModifiedAt))
            .col(timestamp_with_time_zone(T::CreatedAt))
            .col(timestamp_with_time_zone(T::UpdatedAt))
            .to_owned();
        let indices = vec![
            // Storefront listing: active products, optionally one category, keyset on id.
            index(T::Table, &[T::Active, T::Category, T::Id]),
            index(T::Table, &[T::Category, T::Id]),
            // Name search and ordering.
            index(T::Table, &[T::Name, T::Id]),
            index(T::Table, &[T::Brand]),
            index(T::Table, &[T::Sku]),
            index(T::Table, &[T::Upc]),
            index(T::Table, &[T::PackageTag]),
        ];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, Products::Table).await
    }
}
