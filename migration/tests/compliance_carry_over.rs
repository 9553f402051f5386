//! The compliance-measures migration carries existing rules over: a built-in rule keeps
//! the limit an admin set and gains its measure, window and terms; an admin's own legacy
//! limit is converted from its class, grams and days; the other states' rules arrive.

#![allow(clippy::unwrap_used)]

mod common;

use chrono::Utc;
use entities::{
    compliance_rule::{self, RuleTerm},
    enums::{ComplianceMeasure, ComplianceWindow, FigureSource, ProductCategory},
};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Statement,
    sea_query::{Alias, Query},
};
use uuid::Uuid;

/// Migrations before the compliance measures.
const BEFORE_MEASURES: u32 = 24;

async fn rule(db: &DatabaseConnection, code: &str) -> compliance_rule::Model {
    compliance_rule::Entity::find()
        .filter(compliance_rule::Column::Code.eq(code))
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

async fn carries_rules_over(db: &DatabaseConnection) {
    Migrator::up(db, Some(BEFORE_MEASURES)).await.unwrap();
    let backend = db.get_database_backend();
    // an admin lowered California's flower limit and added a weekly concentrate limit
    db.execute_raw(Statement::from_string(
        backend,
        "UPDATE compliance_rules SET limit_grams = 20.0 WHERE code = 'CA_ADULT_USE_NON_CONCENTRATE_DAILY'",
    ))
    .await
    .unwrap();
    let columns = [
        "id",
        "code",
        "jurisdiction",
        "market",
        "kind",
        "requires_medical_card",
        "product_class",
        "limit_grams",
        "period_days",
        "description",
        "enabled",
        "updated_at",
    ];
    let insert = Query::insert()
        .into_table(Alias::new("compliance_rules"))
        .columns(columns.map(Alias::new))
        .values_panic([
            Uuid::now_v7().into(),
            "CA_CUSTOM_WEEKLY".into(),
            "CA".into(),
            "ADULT_USE".into(),
            "PURCHASE_LIMIT".into(),
            false.into(),
            "CONCENTRATE".into(),
            10.0.into(),
            7.into(),
            "weekly".into(),
            true.into(),
            Utc::now().into(),
        ])
        .to_owned();
    db.execute(&insert).await.unwrap();
    Migrator::up(db, None).await.unwrap();

    let flower = rule(db, "CA_ADULT_USE_NON_CONCENTRATE_DAILY").await;
    assert_eq!(flower.limit_amount, Some(20.0), "the admin's limit is kept");
    assert_eq!(flower.measure, Some(ComplianceMeasure::FlowerG));
    assert_eq!(flower.window, Some(ComplianceWindow::CalendarDay));
    assert_eq!(flower.source, Some(FigureSource::Primary));
    assert_eq!(flower.citation.as_deref(), Some("4 CCR §15409"));

    let custom = rule(db, "CA_CUSTOM_WEEKLY").await;
    assert_eq!(
        (
            custom.measure,
            custom.limit_amount,
            custom.window,
            custom.window_days
        ),
        (
            Some(ComplianceMeasure::ConcentrateG),
            Some(10.0),
            Some(ComplianceWindow::RollingDays),
            Some(7)
        )
    );
    let terms: Vec<RuleTerm> = serde_json::from_value(custom.terms.clone().unwrap()).unwrap();
    assert!(terms[0].categories.contains(&ProductCategory::Vape));
    assert_eq!(
        terms[1].fallback.map(|f| f.measure),
        Some(ComplianceMeasure::ThcMg)
    );

    for state in ["CA", "CO", "MI", "IL", "MA", "WA"] {
        let limits = compliance_rule::Entity::find()
            .filter(compliance_rule::Column::Jurisdiction.eq(state))
            .filter(compliance_rule::Column::LimitAmount.is_not_null())
            .count(db)
            .await
            .unwrap();
        assert!(limits >= 2, "{state} has {limits} limits");
    }
    // the admin's edit survives a second run
    let mut row: compliance_rule::ActiveModel = custom.into();
    row.limit_amount = Set(Some(12.0));
    row.update(db).await.unwrap();
    Migrator::up(db, None).await.unwrap();
    assert_eq!(rule(db, "CA_CUSTOM_WEEKLY").await.limit_amount, Some(12.0));
}

on_both_backends! {
    carries_rules_over => carries_rules_over;
}
