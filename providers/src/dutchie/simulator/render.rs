//! The simulator's side of the mapping: store records (Canopy's model
//! types) rendered in Dutchie's wire shapes, using the canonical Dutchie
//! spellings from [`super::super::vocab`].

use chrono::{DateTime, NaiveDate, Utc};

use super::super::models::{
    Customer, InventoryItem, InventoryRoomQuantity, LocationIdentity, PreOrderStatus,
    ProductDetail, Transaction, TransactionItem,
};
use super::super::{vocab, wire_time};
use crate::model::{
    ExternalCustomer, ExternalLocation, ExternalProduct, ExternalTransaction, Money,
};
use crate::simulator::SimOrder;
use crate::simulator::store::StockEntry;

/// Dutchie's integer id for a store id (store ids are numeric strings).
pub(crate) fn int_id(id: &str) -> Option<i32> {
    id.parse().ok()
}

fn major(m: &Money) -> f64 {
    m.amount as f64 / 100.0
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    wire_time::from_date(d)
}

/// `LocationIdentity` of a store location.
pub(crate) fn location_identity(location: &ExternalLocation, location_id: i32) -> LocationIdentity {
    LocationIdentity {
        location_id,
        lsp_id: Some(1),
        location_name: Some(location.name.clone()),
        lsp_name: Some("Canopy Simulated LSP".to_owned()),
        address: location.address.clone(),
        address2: None,
        city: location.city.clone(),
        state: location.state.clone(),
        postal_code: location.postal_code.clone(),
        license_number: location.licence_number.clone(),
        doing_business_as: Some(location.name.clone()),
        share_customer_profiles: Some(false),
    }
}

/// `ProductDetail` of a catalog item.
pub(crate) fn product_detail(p: &ExternalProduct, product_id: i32) -> ProductDetail {
    let category = vocab::category_name(p.category, p.category_raw.as_deref()).to_owned();
    ProductDetail {
        product_id,
        sku: p.sku.clone(),
        product_name: Some(p.name.clone()),
        master_category: Some(category.clone()),
        category: Some(category),
        image_url: p.images.first().cloned(),
        image_urls: (!p.images.is_empty()).then(|| p.images.clone()),
        strain_type: vocab::strain_type_name(p.strain_type, p.strain_type_raw.as_deref())
            .map(str::to_owned),
        net_weight: p.net_weight.map(|w| w.value),
        net_weight_unit: p
            .net_weight
            .map(|w| vocab::weight_unit_name(w.unit).to_owned()),
        brand_name: p.brand.clone(),
        is_cannabis: Some(p.thc.is_some() || p.cbd.is_some()),
        is_active: Some(p.active),
        thc_content: p.thc.map(|t| t.value),
        thc_content_unit: p.thc.map(|t| vocab::potency_unit_name(t.unit).to_owned()),
        cbd_content: p.cbd.map(|c| c.value),
        cbd_content_unit: p.cbd.map(|c| vocab::potency_unit_name(c.unit).to_owned()),
        flower_equivalent: p.flower_equivalent_grams,
        rec_flower_equivalent: p.flower_equivalent_grams,
        price: p.rec_price.as_ref().map(major),
        med_price: p.med_price.as_ref().map(major),
        rec_price: p.rec_price.as_ref().map(major),
        online_available: Some(p.active),
        max_purchaseable_per_transaction: p.max_per_transaction.map(f64::from),
        is_medical_only: Some(p.medical_only),
        regulatory_category: None,
        upc: p.upc.clone(),
        last_modified_date_utc: p.modified_at,
    }
}

/// The simulator's rooms: the store's stock is on the sales floor, extra units in the vault.
pub(crate) const SALES_FLOOR: &str = "Sales Floor";
/// See [`SALES_FLOOR`].
pub(crate) const VAULT: &str = "Vault";

/// One package of a product: `floor` units on the sales floor, `vault` in the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Package {
    /// The package's `inventoryId`.
    pub inventory_id: i32,
    /// Units on the sales floor.
    pub floor: i64,
    /// Units in the vault.
    pub vault: i64,
}

/// `InventoryItem` of one package of a stock count; `rooms` adds `roomQuantities`.
pub(crate) fn inventory_item(
    entry: &StockEntry,
    product: &ExternalProduct,
    product_id: i32,
    package: Package,
    rooms: bool,
) -> InventoryItem {
    let room = |room_id: i32, name: &str, units: i64| InventoryRoomQuantity {
        room_id: Some(room_id),
        room: Some(name.to_owned()),
        quantity_available: Some(units as f64),
    };
    InventoryItem {
        inventory_id: Some(package.inventory_id),
        product_id,
        sku: product.sku.clone(),
        product_name: Some(product.name.clone()),
        quantity_available: (package.floor + package.vault) as f64,
        room_quantities: rooms.then(|| {
            let mut per_room = vec![room(1, SALES_FLOOR, package.floor)];
            if package.vault > 0 {
                per_room.push(room(2, VAULT, package.vault));
            }
            per_room
        }),
        package_id: entry.package_tag.clone(),
        batch_name: None,
        package_status: Some("Active".to_owned()),
        unit_price: product.rec_price.as_ref().map(major),
        rec_unit_price: product.rec_price.as_ref().map(major),
        med_unit_price: product.med_price.as_ref().map(major),
        flower_equivalent: product.flower_equivalent_grams,
        last_modified_date_utc: Some(entry.modified_at),
    }
}

/// `Customer` of a customer profile.
pub(crate) fn customer(c: &ExternalCustomer, customer_id: i32) -> Customer {
    Customer {
        customer_id,
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        address1: c.address.clone(),
        city: c.city.clone(),
        state: c.state.clone(),
        postal_code: c.postal_code.clone(),
        phone: c.phone.clone(),
        cell_phone: None,
        email_address: c.email.clone(),
        status: Some("Active".to_owned()),
        mmjid_number: c.medical_id.clone(),
        mmjid_expiration_date: c.medical_id_expires.map(midnight),
        last_modified_date_utc: c.modified_at.as_ref().map(wire_time::format),
        customer_type: Some(
            if c.medical_id.is_some() {
                "Medical"
            } else {
                "Recreational"
            }
            .to_owned(),
        ),
        date_of_birth: c.date_of_birth.map(midnight),
        external_customer_id: None,
        is_anonymous: Some(false),
        opted_into_marketing: c.marketing_opt_in,
    }
}

/// What the caller asked `GET /reporting/transactions` to include.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TransactionDetail {
    /// `IncludeDetail`: the items.
    pub items: bool,
    /// `IncludeOrderIds`: the pre-orders filled.
    pub order_ids: bool,
}

/// `Transaction` of a sale, return or void. Returns carry negative amounts, as at the register.
pub(crate) fn transaction(
    t: &ExternalTransaction,
    detail: TransactionDetail,
) -> Option<Transaction> {
    let transaction_id = int_id(&t.external_id)?;
    let sign = if t.is_return { -1.0 } else { 1.0 };
    let items = detail.items.then(|| {
        t.lines
            .iter()
            .filter_map(|line| {
                Some(TransactionItem {
                    transaction_id: Some(transaction_id),
                    product_id: int_id(&line.external_product_id)?,
                    total_price: sign * major(&line.amount),
                    quantity: line.quantity as f64,
                    unit_price: (line.quantity > 0)
                        .then(|| major(&line.amount) / line.quantity as f64),
                    package_id: line.package_tag.clone(),
                    is_returned: Some(line.returned),
                    return_reason: None,
                })
            })
            .collect()
    });
    Some(Transaction {
        transaction_id,
        customer_id: t.external_customer_id.as_deref().and_then(int_id),
        transaction_date: t.occurred_at,
        is_void: Some(t.is_void),
        total: Some(sign * major(&t.total)),
        items,
        last_modified_date_utc: t.modified_at,
        return_on_transaction_id: t.return_of.as_deref().and_then(int_id),
        is_return: Some(t.is_return),
        was_pre_ordered: Some(t.external_order_id.is_some()),
        order_ids: if detail.order_ids {
            t.external_order_id
                .as_deref()
                .and_then(int_id)
                .map(|id| vec![id])
        } else {
            None
        },
        reference_id: t.order_reference.clone(),
        transaction_type: Some("Retail".to_owned()),
    })
}

/// `PreOrderStatus` of an order; `cancellable` says whether staff have not yet filled or cancelled it.
pub(crate) fn pre_order_status(
    order: &SimOrder,
    pre_order_id: i32,
    cancellable: bool,
) -> PreOrderStatus {
    PreOrderStatus {
        pre_order_id,
        status: Some(order.status.clone()),
        transaction_id: order.transaction_id.as_deref().and_then(int_id),
        order_date: Some(order.created_at),
        customer_id: order.customer_id.as_deref().and_then(int_id),
        rejected_reason: order.reason.clone(),
        is_cancellable: Some(cancellable),
        is_updateable: Some(cancellable),
        total: Some(major(&order.total)),
    }
}
