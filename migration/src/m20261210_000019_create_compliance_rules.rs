//! Creates `compliance_rules` (sales rules per jurisdiction and market, as data) and
//! seeds California's (4 CCR §15409 and the age rules): adult-use 21+, 28.5 g
//! non-concentrated and 8 g concentrate per day; medicinal 18+ with a valid card,
//! 8 oz (226.8 g) dried flower per day. The adult-use and medical limits are not combined.

use chrono::Utc;
use sea_orm_migration::{prelude::*, schema::*};
use uuid::Uuid;

use crate::schema_helpers::{create_table_with_indices, drop_table, index, unique_index};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ComplianceRules {
    Table,
    Id,
    Code,
    Jurisdiction,
    Market,
    Kind,
    MinAge,
    RequiresMedicalCard,
    ProductClass,
    LimitGrams,
    PeriodDays,
    Description,
    Enabled,
    UpdatedAt,
}

/// One seeded rule: code, market, kind, min age, card, class, grams, period, description.
type SeedRule = (
    &'static str,
    &'static str,
    &'static str,
    Option<i32>,
    bool,
    Option<&'static str>,
    Option<f64>,
    Option<i32>,
    &'static str,
);

const CALIFORNIA: [SeedRule; 5] = [
    (
        "CA_ADULT_USE_MIN_AGE",
        "ADULT_USE",
        "MINIMUM_AGE",
        Some(21),
        false,
        None,
        None,
        None,
        "California adult-use buyers must be 21 or older",
    ),
    (
        "CA_MEDICAL_MIN_AGE",
        "MEDICAL",
        "MINIMUM_AGE",
        Some(18),
        true,
        None,
        None,
        None,
        "California medicinal buyers must be 18 or older with a valid recommendation",
    ),
    (
        "CA_ADULT_USE_NON_CONCENTRATE_DAILY",
        "ADULT_USE",
        "PURCHASE_LIMIT",
        None,
        false,
        Some("NON_CONCENTRATE"),
        Some(28.5),
        Some(1),
        "4 CCR §15409: 28.5 g of non-concentrated cannabis per adult-use customer per day",
    ),
    (
        "CA_ADULT_USE_CONCENTRATE_DAILY",
        "ADULT_USE",
        "PURCHASE_LIMIT",
        None,
        false,
        Some("CONCENTRATE"),
        Some(8.0),
        Some(1),
        "4 CCR §15409: 8 g of concentrated cannabis per adult-use customer per day",
    ),
    (
        "CA_MEDICAL_FLOWER_DAILY",
        "MEDICAL",
        "PURCHASE_LIMIT",
        None,
        false,
        Some("NON_CONCENTRATE"),
        Some(226.8),
        Some(1),
        "4 CCR §15409: 8 oz of dried flower per medicinal customer per day",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ComplianceRules as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(string_len(T::Code, 64))
            .col(string_len(T::Jurisdiction, 16))
            .col(string_len(T::Market, 16))
            .col(string_len(T::Kind, 16))
            .col(integer_null(T::MinAge))
            .col(boolean(T::RequiresMedicalCard))
            .col(string_len_null(T::ProductClass, 16))
            .col(double_null(T::LimitGrams))
            .col(integer_null(T::PeriodDays))
            .col(string(T::Description))
            .col(boolean(T::Enabled))
            .col(timestamp_with_time_zone(T::UpdatedAt))
            .to_owned();
        let indices = vec![
            unique_index(T::Table, &[T::Code]),
            index(T::Table, &[T::Jurisdiction, T::Market]),
        ];
        create_table_with_indices(manager, table, indices).await?;
        manager.exec_stmt(seed_california()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, ComplianceRules::Table).await
    }
}

/// The insert of California's rules.
fn seed_california() -> InsertStatement {
    use ComplianceRules as T;
    let now = Utc::now();
    let mut insert = Query::insert();
    insert.into_table(T::Table).columns([
        T::Id,
        T::Code,
        T::Jurisdiction,
        T::Market,
        T::Kind,
        T::MinAge,
        T::RequiresMedicalCard,
        T::ProductClass,
        T::LimitGrams,
        T::PeriodDays,
        T::Description,
        T::Enabled,
        T::UpdatedAt,
    ]);
    for (code, market, kind, min_age, card, class, grams, days, description) in CALIFORNIA {
        insert.values_panic([
            Uuid::now_v7().into(),
            code.into(),
            "CA".into(),
            market.into(),
            kind.into(),
            min_age.into(),
            card.into(),
            class.into(),
            grams.into(),
            days.into(),
            description.into(),
            true.into(),
            now.into(),
        ]);
    }
    insert.to_owned()
}
