//! Each store's offer of a product (price, medical price, listing, per-transaction
//! maximum), written from a connection's catalog record to the product's stock row at
//! every store the record belongs to: the store it names, else each store of the
//! connection (a Dutchie connection serves one). A store without a row for the product
//! gets one with nothing on hand, so a product is on a store's menu before its first
//! count. An offer is replaced only by a record newer than the one it came from.
//!
//! Before anything of a catalog record is stored, [`Stores::screen`] keeps apart a record
//! whose price is negative or in another currency than its stores sell in.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entities::{
    location,
    stock_level::{self, Column, Entity},
};
use providers::model::{ExternalProduct, Money, RejectedRecord};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use super::{ApplyContext, batches, is_newer};
use crate::{effects::Effects, sync::lookup};

/// Rows per multi-row `INSERT`.
const INSERT_CHUNK: usize = 500;

/// The stores of one connection.
pub(super) struct Stores {
    by_pos_id: HashMap<String, location::Model>,
}

impl Stores {
    /// The stores of `connection_id`.
    pub(super) async fn of(db: &impl ConnectionTrait, connection_id: Uuid) -> Result<Self, DbErr> {
        Ok(Self {
            by_pos_id: lookup::locations(db, connection_id).await?,
        })
    }

    /// The stores `record` belongs to: the one it names, else every one.
    fn of_record(&self, record: &ExternalProduct) -> Vec<&location::Model> {
        match &record.external_location_id {
            Some(id) => self.by_pos_id.get(id).into_iter().collect(),
            None => self.by_pos_id.values().collect(),
        }
    }

    /// Keeps apart (rejects) the records of `incoming` whose offer cannot be stored, and
    /// drops them from `incoming` so nothing of them is applied.
    pub(super) fn screen(
        &self,
        ctx: &ApplyContext,
        endpoint: &str,
        incoming: &mut HashMap<&str, &ExternalProduct>,
        effects: &mut Effects,
    ) {
        incoming.retain(|id, record| match self.fault(record) {
            None => true,
            Some(reason) => {
                ctx.reject(
                    effects,
                    &RejectedRecord {
                        endpoint: endpoint.to_owned(),
                        external_id: Some((*id).to_owned()),
                        reason,
                    },
                );
                false
            }
        });
    }

    /// Why `record`'s offer cannot be stored, if it cannot.
    fn fault(&self, record: &ExternalProduct) -> Option<String> {
        let stores = self.of_record(record);
        for (field, price) in [
            ("recPrice", &record.rec_price),
            ("medPrice", &record.med_price),
        ] {
            let Some(price) = price else { continue };
            if price.amount < 0 {
                return Some(format!("field `{field}` is negative"));
            }
            if let Some(store) = stores.iter().find(|s| s.currency() != price.currency) {
                return Some(format!(
                    "field `{field}` is in {} but the store sells in {}",
                    price.currency,
                    store.currency()
                ));
            }
        }
        None
    }
}

/// What a store offers of a product, as its POS's catalog record says.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Offer {
    price: Option<i64>,
    med_price: Option<i64>,
    currency: String,
    listed: bool,
    max_per_transaction: Option<i32>,
    modified_at: Option<DateTime<Utc>>,
}

impl Offer {
    /// The offer of `record` at `store`.
    fn of(record: &ExternalProduct, store: &location::Model) -> Self {
        let currency = record
            .rec_price
            .as_ref()
            .or(record.med_price.as_ref())
            .map_or_else(|| store.currency().to_owned(), |m| m.currency.clone());
        Self {
            price: record.rec_price.as_ref().map(amount),
            med_price: record.med_price.as_ref().map(amount),
            currency,
            listed: record.active,
            max_per_transaction: record.max_per_transaction,
            modified_at: record.modified_at,
        }
    }

    /// Whether `row` already holds this offer.
    fn held_by(&self, row: &stock_level::Model) -> bool {
        row.price == self.price
            && row.med_price == self.med_price
            && row.currency == self.currency
            && row.listed == self.listed
            && row.max_per_transaction == self.max_per_transaction
    }
}

const fn amount(money: &Money) -> i64 {
    money.amount
}

/// Writes the offer of each `(product, record)` at the record's stores.
pub(super) async fn apply(
    db: &impl ConnectionTrait,
    ctx: &ApplyContext,
    stores: &Stores,
    records: &[(Uuid, &ExternalProduct)],
    effects: &mut Effects,
) -> Result<(), DbErr> {
    // one offer per product and store: of two records for one product (two POS ids the
    // retailer gave one SKU), the newer
    let mut offers: HashMap<(Uuid, Uuid), Offer> = HashMap::new();
    for (product, record) in records {
        for store in stores.of_record(record) {
            let offer = Offer::of(record, store);
            match offers.get(&(*product, store.id)) {
                Some(seen) if seen.modified_at > offer.modified_at => {}
                _ => {
                    offers.insert((*product, store.id), offer);
                }
            }
        }
    }
    let products: Vec<Uuid> = records.iter().map(|(product, _)| *product).collect();
    let store_ids: Vec<Uuid> = stores.by_pos_id.values().map(|s| s.id).collect();
    let stored = stored_rows(db, &store_ids, &products).await?;
    let mut inserts = Vec::new();
    for ((product, store), offer) in offers {
        match stored.get(&(product, store)) {
            None => inserts.push(new_row(ctx, product, store, &offer)),
            Some(row) if !is_newer(offer.modified_at, row.offer_modified_at) => continue,
            Some(row) if offer.held_by(row) => continue,
            Some(row) => {
                if !update(db, ctx, row.id, &offer).await? {
                    continue;
                }
            }
        }
        effects.product_changed(product);
    }
    for batch in batches(inserts, INSERT_CHUNK) {
        Entity::insert_many(batch)
            // a stock count that created the row meanwhile keeps its count
            .on_conflict(
                OnConflict::columns([Column::ProductId, Column::LocationId])
                    .update_columns([
                        Column::Price,
                        Column::MedPrice,
                        Column::Currency,
                        Column::Listed,
                        Column::MaxPerTransaction,
                        Column::OfferModifiedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The rows of `products` at `stores`, by (product, store).
async fn stored_rows(
    db: &impl ConnectionTrait,
    stores: &[Uuid],
    products: &[Uuid],
) -> Result<HashMap<(Uuid, Uuid), stock_level::Model>, DbErr> {
    let mut rows = HashMap::with_capacity(products.len());
    for chunk in products.chunks(crate::db::CHUNK) {
        let found = Entity::find()
            .filter(Column::LocationId.is_in(stores.iter().copied()))
            .filter(Column::ProductId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        rows.extend(
            found
                .into_iter()
                .map(|row| ((row.product_id, row.location_id), row)),
        );
    }
    Ok(rows)
}

fn new_row(
    ctx: &ApplyContext,
    product_id: Uuid,
    location_id: Uuid,
    offer: &Offer,
) -> stock_level::ActiveModel {
    stock_level::Model {
        id: Uuid::now_v7(),
        product_id,
        location_id,
        on_hand: 0,
        reserved: 0,
        pos_updated_at: None,
        pos_version: None,
        package_tag: None,
        updated_at: ctx.now,
        price: offer.price,
        med_price: offer.med_price,
        currency: offer.currency.clone(),
        listed: offer.listed,
        max_per_transaction: offer.max_per_transaction,
        offer_modified_at: offer.modified_at,
    }
    .into_active_model()
    .reset_all()
}

/// Writes `offer` to row `id` if the row's offer is still older (a concurrent newer
/// write wins); `true` when the row changed.
async fn update(
    db: &impl ConnectionTrait,
    ctx: &ApplyContext,
    id: Uuid,
    offer: &Offer,
) -> Result<bool, DbErr> {
    let mut update = Entity::update_many()
        .col_expr(Column::Price, Expr::value(offer.price))
        .col_expr(Column::MedPrice, Expr::value(offer.med_price))
        .col_expr(Column::Currency, Expr::value(offer.currency.clone()))
        .col_expr(Column::Listed, Expr::value(offer.listed))
        .col_expr(
            Column::MaxPerTransaction,
            Expr::value(offer.max_per_transaction),
        )
        .col_expr(Column::OfferModifiedAt, Expr::value(offer.modified_at))
        .col_expr(Column::UpdatedAt, Expr::value(ctx.now))
        .filter(Column::Id.eq(id));
    if let Some(at) = offer.modified_at {
        update = update.filter(
            Condition::any()
                .add(Column::OfferModifiedAt.is_null())
                .add(Column::OfferModifiedAt.lt(at)),
        );
    }
    Ok(update.exec(db).await?.rows_affected > 0)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn store(state: &str) -> location::Model {
        location::Model {
            id: Uuid::now_v7(),
            name: "Store".into(),
            address: None,
            city: None,
            state: state.into(),
            postal_code: None,
            adult_use: true,
            medical: false,
            licence_number: None,
            time_zone: "America/Los_Angeles".into(),
            min_age_override: None,
            connection_id: None,
            external_id: Some("1".into()),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn record(price: Option<(i64, &str)>) -> ExternalProduct {
        ExternalProduct {
            external_id: "7".into(),
            sku: None,
            upc: None,
            name: "Eighth".into(),
            brand: None,
            category: providers::model::ProductCategory::Flower,
            category_raw: None,
            strain_type: providers::model::StrainType::Hybrid,
            strain_type_raw: None,
            thc: None,
            cbd: None,
            net_weight: None,
            flower_equivalent_grams: None,
            abv: None,
            volume_ml: None,
            rec_price: price.map(|(amount, currency)| Money {
                amount,
                currency: currency.into(),
            }),
            med_price: None,
            medical_only: false,
            max_per_transaction: None,
            images: Vec::new(),
            package_tag: None,
            active: true,
            modified_at: None,
            external_location_id: None,
        }
    }

    fn stores(state: &str) -> Stores {
        Stores {
            by_pos_id: HashMap::from([("1".to_owned(), store(state))]),
        }
    }

    #[test]
    fn a_negative_price_or_another_currency_is_a_fault() {
        let california = stores("CA");
        assert_eq!(california.fault(&record(Some((3500, "USD")))), None);
        assert_eq!(
            california.fault(&record(Some((-1, "USD")))).as_deref(),
            Some("field `recPrice` is negative")
        );
        assert_eq!(
            california.fault(&record(Some((3500, "CAD")))).as_deref(),
            Some("field `recPrice` is in CAD but the store sells in USD")
        );
        assert_eq!(stores("ON").fault(&record(Some((3500, "CAD")))), None);
    }

    #[test]
    fn an_offer_without_a_price_is_in_the_stores_currency() {
        let offer = Offer::of(&record(None), &store("BC"));
        assert_eq!((offer.price, offer.currency.as_str()), (None, "CAD"));
    }
}
