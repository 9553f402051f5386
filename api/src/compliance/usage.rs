//! What a customer has already bought in a period, in flower-equivalent grams per
//! product class: online orders that still stand (not cancelled or failed) and
//! purchases the POS reported that are not online orders (in store), not voided.
//!
//! Purchases linked to an online order are skipped: the order already counts. Returns
//! do not give grams back (the limit is on what was bought in the period).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entities::{
    enums::{OrderStatus, ProductClass},
    order, order_line, product, purchase, purchase_line,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::class;

/// Grams bought per class.
pub type GramsByClass = HashMap<ProductClass, f64>;

/// One customer's grams per period start, each start counted once over the customer's
/// whole family (the profiles merged together).
pub struct UsedSince {
    customer: Uuid,
    family: Option<Vec<Uuid>>,
    by_start: HashMap<DateTime<Utc>, GramsByClass>,
}

impl UsedSince {
    /// Nothing counted yet for `customer`.
    pub fn new(customer: Uuid) -> Self {
        Self {
            customer,
            family: None,
            by_start: HashMap::new(),
        }
    }

    /// Grams of `class` bought since `since`.
    pub async fn grams(
        &mut self,
        db: &impl ConnectionTrait,
        since: DateTime<Utc>,
        class: ProductClass,
    ) -> Result<f64, DbErr> {
        if !self.by_start.contains_key(&since) {
            let family = match &self.family {
                Some(family) => family,
                None => self
                    .family
                    .insert(crate::customers::merge::family(db, self.customer).await?),
            };
            let used = grams_since(db, family, since).await?;
            self.by_start.insert(since, used);
        }
        Ok(self
            .by_start
            .get(&since)
            .and_then(|used| used.get(&class))
            .copied()
            .unwrap_or_default())
    }
}

/// Grams `customers` (one person's profiles) bought since `since`, online and in store.
pub async fn grams_since(
    db: &impl ConnectionTrait,
    customers: &[Uuid],
    since: DateTime<Utc>,
) -> Result<GramsByClass, DbErr> {
    let mut used = online(db, customers, since).await?;
    for (class, grams) in in_store(db, customers, since).await? {
        *used.entry(class).or_default() += grams;
    }
    Ok(used)
}

async fn online(
    db: &impl ConnectionTrait,
    customers: &[Uuid],
    since: DateTime<Utc>,
) -> Result<GramsByClass, DbErr> {
    let orders: Vec<Uuid> = order::Entity::find()
        .select_only()
        .column(order::Column::Id)
        .filter(order::Column::CustomerId.is_in(customers.iter().copied()))
        .filter(order::Column::CreatedAt.gte(since))
        .filter(order::Column::Status.is_not_in([OrderStatus::Cancelled, OrderStatus::Failed]))
        .into_tuple()
        .all(db)
        .await?;
    if orders.is_empty() {
        return Ok(GramsByClass::new());
    }
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.is_in(orders))
        .all(db)
        .await?;
    let products = products_of(db, lines.iter().map(|line| line.product_id)).await?;
    let mut used = GramsByClass::new();
    for line in &lines {
        if let Some(product) = products.get(&line.product_id)
            && let Some(class) = class::of_category(product.category)
        {
            // quantities are small counts: exact in f64
            #[allow(clippy::cast_precision_loss)]
            let units = line.quantity as f64;
            *used.entry(class).or_default() += units * class::unit_grams(product);
        }
    }
    Ok(used)
}

async fn in_store(
    db: &impl ConnectionTrait,
    customers: &[Uuid],
    since: DateTime<Utc>,
) -> Result<GramsByClass, DbErr> {
    let purchases: Vec<Uuid> = purchase::Entity::find()
        .select_only()
        .column(purchase::Column::Id)
        .filter(purchase::Column::CustomerId.is_in(customers.iter().copied()))
        .filter(purchase::Column::OccurredAt.gte(since))
        .filter(purchase::Column::OrderId.is_null())
        .filter(purchase::Column::IsVoid.eq(false))
        .filter(purchase::Column::IsReturn.eq(false))
        .into_tuple()
        .all(db)
        .await?;
    if purchases.is_empty() {
        return Ok(GramsByClass::new());
    }
    let lines = purchase_line::Entity::find()
        .filter(purchase_line::Column::PurchaseId.is_in(purchases))
        .all(db)
        .await?;
    let unclassified = lines
        .iter()
        .filter(|line| {
            line.product_class
                .as_deref()
                .and_then(class::parse)
                .is_none()
        })
        .filter_map(|line| line.product_id);
    let products = products_of(db, unclassified).await?;
    let mut used = GramsByClass::new();
    for line in &lines {
        let class = line
            .product_class
            .as_deref()
            .and_then(class::parse)
            .or_else(|| {
                line.product_id
                    .and_then(|id| products.get(&id))
                    .and_then(|product| class::of_category(product.category))
            });
        if let Some(class) = class {
            *used.entry(class).or_default() += line.flower_equivalent_grams.max(0.0);
        }
    }
    Ok(used)
}

async fn products_of(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = Uuid>,
) -> Result<HashMap<Uuid, product::Model>, DbErr> {
    let ids: HashSet<Uuid> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(product::Entity::find()
        .filter(product::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|product| (product.id, product))
        .collect())
}
