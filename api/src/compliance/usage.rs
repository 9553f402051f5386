//! What a customer has already bought since a moment, as [`Item`]s with their measures:
//! online orders that still stand (not cancelled or failed) and purchases the POS
//! reported that are not online orders (in store), not voided, over the customer's whole
//! family (the profiles merged together).
//!
//! Purchases linked to an online order are skipped: the order already counts. Returns
//! do not give anything back (limits are on what was bought in the window). A register
//! line whose product Canopy does not know counts by the POS's class and grams: a
//! non-concentrate line as flower grams, a concentrate line as concentrate grams (its
//! flower-equivalent figure: more than the concentrate, never less).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entities::{
    enums::{OrderStatus, ProductCategory, ProductClass},
    order, order_line, product, product_measure, purchase, purchase_line,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{
    class,
    limits::Item,
    measure::{self, Measures},
};

/// Products by id with their overrides.
pub type Catalog = HashMap<Uuid, (product::Model, Option<product_measure::Model>)>;

/// Everything `customer` (and the profiles merged into it) bought since `since`.
pub async fn history(
    db: &impl ConnectionTrait,
    customer: Uuid,
    since: DateTime<Utc>,
) -> Result<Vec<Item>, DbErr> {
    let family = crate::customers::merge::family(db, customer).await?;
    let mut items = online(db, &family, since).await?;
    items.extend(in_store(db, &family, since).await?);
    Ok(items)
}

/// `products` with their measure overrides.
pub async fn catalog(
    db: &impl ConnectionTrait,
    products: impl IntoIterator<Item = product::Model>,
) -> Result<Catalog, DbErr> {
    let products: Vec<product::Model> = products.into_iter().collect();
    let ids: Vec<Uuid> = products.iter().map(|p| p.id).collect();
    let mut overrides: HashMap<Uuid, product_measure::Model> = HashMap::new();
    for chunk in ids.chunks(crate::db::CHUNK) {
        for row in product_measure::Entity::find()
            .filter(product_measure::Column::ProductId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            overrides.insert(row.product_id, row);
        }
    }
    Ok(products
        .into_iter()
        .map(|p| {
            let over = overrides.remove(&p.id);
            (p.id, (p, over))
        })
        .collect())
}

/// The item `quantity` units of `product_id` make, bought `at`.
pub fn item_of(
    catalog: &Catalog,
    product_id: Uuid,
    quantity: i64,
    at: DateTime<Utc>,
) -> Option<Item> {
    let (product, over) = catalog.get(&product_id)?;
    // quantities are small counts: exact in f64
    #[allow(clippy::cast_precision_loss)]
    let units = quantity as f64;
    Some(Item {
        at,
        product_id: Some(product_id),
        category: product.category,
        measures: measure::of_product(product, over.as_ref()).times(units),
    })
}

async fn online(
    db: &impl ConnectionTrait,
    customers: &[Uuid],
    since: DateTime<Utc>,
) -> Result<Vec<Item>, DbErr> {
    let orders: HashMap<Uuid, DateTime<Utc>> = order::Entity::find()
        .filter(order::Column::CustomerId.is_in(customers.iter().copied()))
        .filter(order::Column::CreatedAt.gte(since))
        .filter(order::Column::Status.is_not_in([OrderStatus::Cancelled, OrderStatus::Failed]))
        .all(db)
        .await?
        .into_iter()
        .map(|order| (order.id, order.created_at))
        .collect();
    if orders.is_empty() {
        return Ok(Vec::new());
    }
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.is_in(orders.keys().copied()))
        .all(db)
        .await?;
    let catalog = products_of(db, lines.iter().map(|line| line.product_id)).await?;
    Ok(lines
        .iter()
        .filter_map(|line| {
            let at = *orders.get(&line.order_id)?;
            item_of(&catalog, line.product_id, line.quantity, at)
        })
        .collect())
}

async fn in_store(
    db: &impl ConnectionTrait,
    customers: &[Uuid],
    since: DateTime<Utc>,
) -> Result<Vec<Item>, DbErr> {
    let purchases: HashMap<Uuid, DateTime<Utc>> = purchase::Entity::find()
        .filter(purchase::Column::CustomerId.is_in(customers.iter().copied()))
        .filter(purchase::Column::OccurredAt.gte(since))
        .filter(purchase::Column::OrderId.is_null())
        .filter(purchase::Column::IsVoid.eq(false))
        .filter(purchase::Column::IsReturn.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|purchase| (purchase.id, purchase.occurred_at))
        .collect();
    if purchases.is_empty() {
        return Ok(Vec::new());
    }
    let lines = purchase_line::Entity::find()
        .filter(purchase_line::Column::PurchaseId.is_in(purchases.keys().copied()))
        .all(db)
        .await?;
    let catalog = products_of(db, lines.iter().filter_map(|line| line.product_id)).await?;
    Ok(lines
        .iter()
        .filter_map(|line| {
            let at = *purchases.get(&line.purchase_id)?;
            line.product_id
                .and_then(|id| item_of(&catalog, id, line.quantity, at))
                .map(|item| weighed(item, line))
                .or_else(|| unknown_product(line, at))
        })
        .collect())
}

/// A flower line as the POS weighed it: its grams, when it gives them, are what was
/// sold (flower sold by weight); other lines count by the product's measures.
fn weighed(mut item: Item, line: &purchase_line::Model) -> Item {
    let grams = line.flower_equivalent_grams;
    if matches!(
        item.category,
        ProductCategory::Flower | ProductCategory::PreRoll
    ) && grams.is_finite()
        && grams > 0.0
    {
        item.measures.flower_g = Some(grams);
        item.measures.flower_equivalent_g = Some(grams);
    }
    item
}

/// A register line of a product Canopy does not know, by the POS's class and grams.
fn unknown_product(line: &purchase_line::Model, at: DateTime<Utc>) -> Option<Item> {
    let grams = Some(line.flower_equivalent_grams.max(0.0));
    let (category, measures) = match class::parse(line.product_class.as_deref()?)? {
        ProductClass::NonConcentrate => (
            ProductCategory::Flower,
            Measures {
                flower_g: grams,
                flower_equivalent_g: grams,
                ..Measures::default()
            },
        ),
        ProductClass::Concentrate => (
            ProductCategory::Concentrate,
            Measures {
                concentrate_g: grams,
                flower_equivalent_g: grams,
                ..Measures::default()
            },
        ),
    };
    Some(Item {
        at,
        product_id: None,
        category,
        measures,
    })
}

async fn products_of(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = Uuid>,
) -> Result<Catalog, DbErr> {
    let ids: HashSet<Uuid> = ids.collect();
    if ids.is_empty() {
        return Ok(Catalog::new());
    }
    let ids: Vec<Uuid> = ids.into_iter().collect();
    let mut products = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::db::CHUNK) {
        products.extend(
            product::Entity::find()
                .filter(product::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    catalog(db, products).await
}
