//! Compliance in the law's own measures: `compliance_rules` gains a measure, a limit in
//! it, a window, a residency, the terms of what counts (categories, measure, factor,
//! fallback), the categories of an age rule, the total a sub-limit sits within, the
//! regulation cited and how well the figure is sourced; `product_measures` holds an
//! admin's per-product figures.
//!
//! Existing rules are carried over: a built-in code keeps its stored limit and takes the
//! built-in measure, window and terms; any other limit is converted from its legacy
//! class (non-concentrate: flower grams of flower and pre-rolls; concentrate: concentrate
//! grams of concentrates and vapes, and of infused products by their THC). Built-in rules
//! not yet stored are inserted (CA, CO, MI, IL, MA, WA; see [`crate::compliance_rule_sets`]).

use std::collections::HashMap;

use chrono::Utc;
use sea_orm_migration::{
    prelude::*,
    schema::*,
    sea_orm::{ConnectionTrait, QueryResult},
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    compliance_rule_sets::{self, BuiltinRule},
    schema_helpers::{alter_table, create_table_with_indices, drop_table, foreign_key},
};

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
    Measure,
    LimitAmount,
    Window,
    WindowDays,
    Residency,
    Terms,
    Categories,
    WithinCode,
    Citation,
    Source,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProductMeasures {
    Table,
    ProductId,
    FlowerG,
    ConcentrateG,
    ThcMg,
    SolidOz,
    FluidOz,
    Plants,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Products {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ComplianceRules as T;
        // SQLite adds one column per statement
        let added = [
            string_len_null(T::Measure, 24),
            double_null(T::LimitAmount),
            string_len_null(T::Window, 16),
            integer_null(T::WindowDays),
            string_len_null(T::Residency, 16),
            json_binary_null(T::Terms),
            json_binary_null(T::Categories),
            string_len_null(T::WithinCode, 64),
            string_null(T::Citation),
            string_len_null(T::Source, 16),
        ];
        for mut column in added {
            alter_table(manager, T::Table, |t| t.add_column(&mut column)).await?;
        }
        create_measures(manager).await?;
        carry_over(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ComplianceRules as T;
        drop_table(manager, ProductMeasures::Table).await?;
        let codes: Vec<&str> = compliance_rule_sets::all()
            .iter()
            .map(|rule| rule.code)
            .filter(|code| !LEGACY_CODES.contains(code))
            .collect();
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(T::Table)
                    .and_where(Expr::col(T::Code).is_in(codes))
                    .to_owned(),
            )
            .await?;
        for column in [
            T::Measure,
            T::LimitAmount,
            T::Window,
            T::WindowDays,
            T::Residency,
            T::Terms,
            T::Categories,
            T::WithinCode,
            T::Citation,
            T::Source,
        ] {
            alter_table(manager, T::Table, |t| t.drop_column(column)).await?;
        }
        Ok(())
    }
}

/// The codes the first compliance migration seeded (kept by `down`).
const LEGACY_CODES: [&str; 5] = [
    "CA_ADULT_USE_MIN_AGE",
    "CA_MEDICAL_MIN_AGE",
    "CA_ADULT_USE_NON_CONCENTRATE_DAILY",
    "CA_ADULT_USE_CONCENTRATE_DAILY",
    "CA_MEDICAL_FLOWER_DAILY",
];

async fn create_measures(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use ProductMeasures as T;
    let table = Table::create()
        .table(T::Table)
        .col(pk_uuid(T::ProductId))
        .col(double_null(T::FlowerG))
        .col(double_null(T::ConcentrateG))
        .col(double_null(T::ThcMg))
        .col(double_null(T::SolidOz))
        .col(double_null(T::FluidOz))
        .col(double_null(T::Plants))
        .col(string(T::UpdatedBy))
        .col(timestamp_with_time_zone(T::UpdatedAt))
        .foreign_key(&mut foreign_key(
            T::Table,
            T::ProductId,
            Products::Table,
            Products::Id,
            ForeignKeyAction::Cascade,
        ))
        .to_owned();
    create_table_with_indices(manager, table, vec![]).await
}

/// One stored rule, as far as the carry-over reads it.
struct Stored {
    id: Uuid,
    code: String,
    kind: String,
    product_class: Option<String>,
    limit_grams: Option<f64>,
    period_days: Option<i32>,
}

impl Stored {
    fn read(row: &QueryResult) -> Result<Self, DbErr> {
        use ComplianceRules as T;
        let col = |c: T| c.to_string();
        Ok(Self {
            id: row.try_get("", &col(T::Id))?,
            code: row.try_get("", &col(T::Code))?,
            kind: row.try_get("", &col(T::Kind))?,
            product_class: row.try_get("", &col(T::ProductClass))?,
            limit_grams: row.try_get("", &col(T::LimitGrams))?,
            period_days: row.try_get("", &col(T::PeriodDays))?,
        })
    }
}

/// Converts the stored rules and inserts the built-in ones not yet stored.
async fn carry_over(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use ComplianceRules as T;
    let db = manager.get_connection();
    let rows = db
        .query_all(
            &Query::select()
                .columns([
                    T::Id,
                    T::Code,
                    T::Kind,
                    T::ProductClass,
                    T::LimitGrams,
                    T::PeriodDays,
                ])
                .from(T::Table)
                .to_owned(),
        )
        .await?;
    let mut builtin: HashMap<&str, BuiltinRule> = compliance_rule_sets::all()
        .into_iter()
        .map(|rule| (rule.code, rule))
        .collect();
    for row in &rows {
        let stored = Stored::read(row)?;
        let update = match builtin.remove(stored.code.as_str()) {
            Some(rule) => from_builtin(&stored, &rule),
            None => from_legacy(&stored),
        };
        if let Some(mut update) = update {
            db.execute(update.and_where(Expr::col(T::Id).eq(stored.id)))
                .await?;
        }
    }
    let mut missing: Vec<BuiltinRule> = builtin.into_values().collect();
    missing.sort_by_key(|rule| rule.code);
    if missing.is_empty() {
        return Ok(());
    }
    db.execute(&insert(&missing)).await.map(|_| ())
}

/// The new columns of a stored built-in rule (its stored limit kept).
fn from_builtin(stored: &Stored, rule: &BuiltinRule) -> Option<UpdateStatement> {
    use ComplianceRules as T;
    let limit = if stored.kind == "PURCHASE_LIMIT" {
        stored.limit_grams.or(rule.limit)
    } else {
        None
    };
    Some(
        Query::update()
            .table(T::Table)
            .values([
                (T::Measure, rule.measure.into()),
                (T::LimitAmount, limit.into()),
                (T::Window, rule.window.into()),
                (T::WindowDays, rule.window_days.into()),
                (T::Residency, rule.residency.into()),
                (T::Terms, rule.terms.clone().into()),
                (T::Categories, rule.categories.clone().into()),
                (T::WithinCode, rule.within.into()),
                (T::Citation, Some(rule.citation).into()),
                (T::Source, Some(rule.source).into()),
            ])
            .to_owned(),
    )
}

/// The new columns of an admin's limit, from its legacy class, grams and days.
fn from_legacy(stored: &Stored) -> Option<UpdateStatement> {
    use ComplianceRules as T;
    let (measure, terms) = match stored.product_class.as_deref()? {
        "NON_CONCENTRATE" => (
            "FLOWER_G",
            json!([{ "categories": ["FLOWER", "PRE_ROLL"], "measure": "FLOWER_G", "factor": 1.0 }]),
        ),
        "CONCENTRATE" => (
            "CONCENTRATE_G",
            json!([
                { "categories": ["CONCENTRATE", "VAPE"], "measure": "CONCENTRATE_G", "factor": 1.0 },
                { "categories": ["EDIBLE", "TINCTURE", "TOPICAL", "BEVERAGE"], "measure": "CONCENTRATE_G", "factor": 1.0,
                  "fallback": { "measure": "THC_MG", "factor": 0.01 } }
            ]),
        ),
        _ => return None,
    };
    let days = stored.period_days.unwrap_or(1);
    let (window, window_days) = if days <= 1 {
        ("CALENDAR_DAY", None)
    } else {
        ("ROLLING_DAYS", Some(days))
    };
    Some(
        Query::update()
            .table(T::Table)
            .values([
                (T::Measure, measure.into()),
                (T::LimitAmount, stored.limit_grams.into()),
                (T::Window, window.into()),
                (T::WindowDays, window_days.into()),
                (T::Terms, Some::<Value>(terms).into()),
                (T::Source, "SECONDARY".into()),
            ])
            .to_owned(),
    )
}

/// The insert of `rules`.
fn insert(rules: &[BuiltinRule]) -> InsertStatement {
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
        T::Description,
        T::Enabled,
        T::UpdatedAt,
        T::Measure,
        T::LimitAmount,
        T::Window,
        T::WindowDays,
        T::Residency,
        T::Terms,
        T::Categories,
        T::WithinCode,
        T::Citation,
        T::Source,
    ]);
    for rule in rules {
        insert.values_panic([
            Uuid::now_v7().into(),
            rule.code.into(),
            rule.jurisdiction.into(),
            rule.market.into(),
            rule.kind.into(),
            rule.min_age.into(),
            rule.requires_medical_card.into(),
            rule.description.into(),
            true.into(),
            now.into(),
            rule.measure.into(),
            rule.limit.into(),
            rule.window.into(),
            rule.window_days.into(),
            rule.residency.into(),
            rule.terms.clone().into(),
            rule.categories.clone().into(),
            rule.within.into(),
            Some(rule.citation).into(),
            Some(rule.source).into(),
        ]);
    }
    insert.to_owned()
}
