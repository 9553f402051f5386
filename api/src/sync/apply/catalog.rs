//! Products: matched by (connection, POS product id), or to a product another
//! connection already brought by SKU, barcode or brand + name + size (see
//! [`crate::catalog`]), and updated only from a record newer than the one last applied.
//! What a store offers of the product (price, listing, limit) is the store's own: see
//! [`super::offer`].

use std::collections::HashMap;

use entities::{product, product_external_ref};
use providers::model::{Batch, ExternalProduct, RejectedRecord};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, sea_query::OnConflict,
};
use uuid::Uuid;

use super::{ApplyContext, Watermark, batches, is_newer, newest_per_id, offer};
use crate::{
    catalog::{CatalogMatcher, MatchKeys, set_keys},
    effects::Effects,
    sync::{discrepancy, lookup},
};

/// The catalog's name in alerts.
const ENDPOINT: &str = "catalog";
/// Rows per multi-row `INSERT` (products have ~30 columns).
const INSERT_CHUNK: usize = 100;

/// Applies a catalog batch; returns where the catalog cursor may move.
pub async fn apply_catalog(
    db: &impl ConnectionTrait,
    ctx: &ApplyContext,
    batch: &Batch<ExternalProduct>,
    effects: &mut Effects,
) -> Result<Watermark, DbErr> {
    let mut mark = ctx.begin(effects, batch);
    discrepancy::check_duplicates(
        ctx,
        ENDPOINT,
        batch.items.iter().map(|p| (p.external_id.clone(), p)),
        effects,
    );
    let listed = newest_per_id(&batch.items);
    let mut incoming = listed.clone();
    let stores = offer::Stores::of(db, ctx.connection_id).await?;
    stores.screen(ctx, ENDPOINT, &mut incoming, effects);
    let (matcher, refused) =
        CatalogMatcher::prepare(db, ctx.connection_id, incoming.values().copied()).await?;
    for (product, error) in refused {
        ctx.reject(
            effects,
            &RejectedRecord {
                endpoint: ENDPOINT.to_owned(),
                external_id: Some(product.external_id.clone()),
                reason: format!("field `upc` {error}"),
            },
        );
    }
    let known: Vec<Uuid> = incoming
        .keys()
        .filter_map(|id| matcher.known(id).or_else(|| matcher.target(id)))
        .collect();
    let mut stored =
        lookup::by_id::<product::Entity>(db, product::Column::Id, |p| p.id, &known).await?;

    let mut new_products = Vec::new();
    let mut new_refs = Vec::new();
    let mut joined = HashMap::new();
    let mut offers = Vec::with_capacity(incoming.len());
    for product in incoming.values() {
        mark.saw(product.modified_at);
        let Some(keys) = matcher.keys(&product.external_id) else {
            continue;
        };
        let target = matcher.known(&product.external_id).or_else(|| {
            let id = matcher.target(&product.external_id)?;
            new_refs.push(reference(ctx, id, product, keys));
            joined.insert(product.external_id.clone(), id);
            Some(id)
        });
        match target.and_then(|id| stored.get_mut(&id)) {
            Some(current) => {
                offers.push((current.id, *product));
                if !is_newer(product.modified_at, current.pos_modified_at) {
                    continue;
                }
                let mut next = current.clone();
                assign(&mut next, product, keys);
                if next != *current {
                    next.updated_at = ctx.now;
                    *current = next.clone();
                    next.into_active_model().reset_all().update(db).await?;
                    effects.product_changed(current.id);
                }
            }
            None => {
                let mut row = blank(Uuid::now_v7(), ctx);
                assign(&mut row, product, keys);
                offers.push((row.id, *product));
                new_refs.push(reference(ctx, row.id, product, keys));
                joined.insert(product.external_id.clone(), row.id);
                effects.product_changed(row.id);
                stored.insert(row.id, row.clone());
                new_products.push(row.into_active_model().reset_all());
            }
        }
    }
    for batch in batches(new_products, INSERT_CHUNK) {
        product::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    for batch in batches(new_refs, INSERT_CHUNK) {
        product_external_ref::Entity::insert_many(batch)
            .on_conflict(
                OnConflict::columns([
                    product_external_ref::Column::ConnectionId,
                    product_external_ref::Column::ExternalId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    matcher
        .finish(db, ctx.connection_id, ctx.now, &joined, effects)
        .await?;
    offer::apply(db, ctx, &stores, &offers, effects).await?;
    // a record kept apart is still listed: its product has not vanished
    if ctx.full && !listed.is_empty() {
        let gone = vanished(db, ctx.connection_id, &listed).await?;
        discrepancy::check_vanished(db, ctx, &gone, effects).await?;
    }
    Ok(mark)
}

/// The connection's products that a full catalog (`listed`) no longer lists.
async fn vanished(
    db: &impl ConnectionTrait,
    connection_id: Uuid,
    listed: &HashMap<&str, &ExternalProduct>,
) -> Result<Vec<Uuid>, DbErr> {
    let refs = product_external_ref::Entity::find()
        .filter(product_external_ref::Column::ConnectionId.eq(connection_id))
        .all(db)
        .await?;
    Ok(refs
        .into_iter()
        .filter(|r| !listed.contains_key(r.external_id.as_str()))
        .map(|r| r.product_id)
        .collect())
}

/// The connection's reference to `product_id` for the record `product`, with its keys.
fn reference(
    ctx: &ApplyContext,
    product_id: Uuid,
    product: &ExternalProduct,
    keys: &MatchKeys,
) -> product_external_ref::ActiveModel {
    let mut row = product_external_ref::Model {
        id: Uuid::now_v7(),
        product_id,
        connection_id: ctx.connection_id,
        external_id: product.external_id.clone(),
        external_location_id: product.external_location_id.clone(),
        sku: None,
        upc: None,
        match_key: None,
        measure: None,
        created_at: ctx.now,
    }
    .into_active_model()
    .reset_all();
    set_keys(&mut row, keys);
    row
}

/// A product row with only Canopy's own fields set.
fn blank(id: Uuid, ctx: &ApplyContext) -> product::Model {
    product::Model {
        id,
        name: String::new(),
        brand: None,
        category: entities::enums::ProductCategory::Other,
        category_raw: None,
        strain_type: None,
        strain_type_raw: None,
        thc_value: None,
        thc_unit: None,
        cbd_value: None,
        cbd_unit: None,
        net_weight_value: None,
        net_weight_unit: None,
        flower_equivalent_grams: None,
        abv: None,
        volume_ml: None,
        medical_only: false,
        images: serde_json::Value::Array(Vec::new()),
        package_tag: None,
        sku: None,
        upc: None,
        pos_modified_at: None,
        created_at: ctx.now,
        updated_at: ctx.now,
    }
}

/// Copies every POS-owned field of `product` (its barcode as `keys` normalised it) onto
/// `row`; the offer goes to the stores.
fn assign(row: &mut product::Model, product: &ExternalProduct, keys: &MatchKeys) {
    let (category, category_raw) = (product.category, product.category_raw.clone());
    let (strain_type, strain_type_raw) = (product.strain_type, product.strain_type_raw.clone());
    row.name = product.name.clone();
    row.brand = product.brand.clone();
    row.category = category;
    row.category_raw = category_raw;
    row.strain_type = Some(strain_type);
    row.strain_type_raw = strain_type_raw;
    row.thc_value = product.thc.map(|p| p.value);
    row.thc_unit = product.thc.map(|p| p.unit);
    row.cbd_value = product.cbd.map(|p| p.value);
    row.cbd_unit = product.cbd.map(|p| p.unit);
    row.net_weight_value = product.net_weight.map(|w| w.value);
    row.net_weight_unit = product.net_weight.map(|w| w.unit);
    row.flower_equivalent_grams = product.flower_equivalent_grams;
    row.abv = product.abv;
    row.volume_ml = product.volume_ml;
    row.medical_only = product.medical_only;
    row.images = serde_json::Value::from(product.images.clone());
    row.package_tag = product.package_tag.clone();
    if product.sku.is_some() {
        row.sku = product.sku.clone();
    }
    if keys.upc.is_some() {
        row.upc = keys.upc.clone();
    }
    row.pos_modified_at = product.modified_at.or(row.pos_modified_at);
}
