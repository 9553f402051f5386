//! An admin's per-product measures, for what the POS sends too little of (the
//! concentrate an edible contains, a clone's plant count): set, replaced or cleared
//! whole, audited.

use chrono::Utc;
use entities::{
    product,
    product_measure::{self, Entity, Model},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, IntoActiveModel,
    TransactionTrait,
};
use uuid::Uuid;

use crate::{
    audit::{self, AuditRecord},
    error::ApiError,
};

/// The measures an admin sets for one product (per unit); `None`: derived from the catalog.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MeasureInput {
    /// Grams of non-concentrated cannabis.
    pub flower_g: Option<f64>,
    /// Grams of concentrate contained.
    pub concentrate_g: Option<f64>,
    /// Milligrams of THC.
    pub thc_mg: Option<f64>,
    /// Ounces of a solid infused product.
    pub solid_oz: Option<f64>,
    /// Fluid ounces of a liquid infused product.
    pub fluid_oz: Option<f64>,
    /// Plants.
    pub plants: Option<f64>,
}

impl MeasureInput {
    fn validate(&self) -> Result<(), ApiError> {
        let fields = [
            ("input.flowerG", self.flower_g),
            ("input.concentrateG", self.concentrate_g),
            ("input.thcMg", self.thc_mg),
            ("input.solidOz", self.solid_oz),
            ("input.fluidOz", self.fluid_oz),
            ("input.plants", self.plants),
        ];
        for (field, value) in fields {
            if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
                return Err(ApiError::bad_field(
                    field,
                    "a measure is a finite number >= 0",
                ));
            }
        }
        Ok(())
    }

    const fn is_empty(&self) -> bool {
        self.flower_g.is_none()
            && self.concentrate_g.is_none()
            && self.thc_mg.is_none()
            && self.solid_oz.is_none()
            && self.fluid_oz.is_none()
            && self.plants.is_none()
    }
}

/// Sets `product_id`'s measures to `input` (all `None`: clears them); the stored row,
/// `None` when cleared.
pub async fn set(
    db: &DatabaseConnection,
    actor: &str,
    product_id: Uuid,
    input: MeasureInput,
) -> Result<Option<Model>, ApiError> {
    input.validate()?;
    let txn = db.begin().await?;
    if product::Entity::find_by_id(product_id)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(ApiError::bad_field("productId", "no such product"));
    }
    let before = Entity::find_by_id(product_id).one(&txn).await?;
    let after = if input.is_empty() {
        if let Some(row) = before.clone() {
            row.into_active_model().delete(&txn).await?;
        }
        None
    } else {
        let row = product_measure::ActiveModel {
            product_id: Set(product_id),
            flower_g: Set(input.flower_g),
            concentrate_g: Set(input.concentrate_g),
            thc_mg: Set(input.thc_mg),
            solid_oz: Set(input.solid_oz),
            fluid_oz: Set(input.fluid_oz),
            plants: Set(input.plants),
            updated_by: Set(actor.to_owned()),
            updated_at: Set(Utc::now()),
        };
        Some(match before {
            Some(_) => row.update(&txn).await?,
            None => Entity::insert(row).exec_with_returning(&txn).await?,
        })
    };
    audit::record(
        &txn,
        AuditRecord {
            actor: actor.to_owned(),
            action: "product_measures.set",
            target_type: "Product",
            target_id: Some(product_id.to_string()),
            before: before
                .as_ref()
                .map(|row| serde_json::to_value(row).unwrap_or_default()),
            after: after
                .as_ref()
                .map(|row| serde_json::to_value(row).unwrap_or_default()),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}
