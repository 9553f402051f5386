//! The simulator's view of its store in Treez's wire shapes: products (their
//! `last_updated_at` is the product's own, never its stock's [doc]), stock rows,
//! customers, organization entities, and tickets — online orders, plus the register's
//! walk-in sales, voids and refunds, since Treez shows purchase history as tickets.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::guesses;
use super::mapping;
use super::models::{
    ConfigurableFields, Customer, CustomerAddress, ECommerce, EntityAddress, InventoryDetail,
    OrgEntity, Pricing, Product, StockRow, Ticket, TicketItem,
};
use super::vocab::{self, CATEGORIES, FALLBACK_CATEGORY, STRAINS, UNITS};
use crate::model::{
    ExternalCustomer, ExternalLocation, ExternalProduct, ExternalTransaction, Money, PotencyUnit,
    ProductCategory, StrainType,
};
use crate::simulator::store::{SimOrder, SimState, StockEntry};

/// The in-store location every simulated count is kept in.
pub(crate) const SALES_FLOOR: &str = "SALES FLOOR";
/// The subtype every simulated product carries (Treez's catch-all, seen on tickets).
const SUBTYPE: &str = "OTHER";
/// Treez's cap on a product's `sellable_quantity` [doc].
const SELLABLE_CAP: f64 = 30.0;

/// Major units, as Treez sends prices.
fn major(money: &Money) -> f64 {
    money.amount as f64 / 100.0
}

/// The organization entity id of a store location.
pub(crate) fn entity_id(location_id: &str) -> String {
    format!("entity-{location_id}")
}

/// A store location as an organization entity.
pub(crate) fn entity(location: &ExternalLocation) -> OrgEntity {
    OrgEntity {
        id: entity_id(&location.external_id),
        name: location.name.clone(),
        address: Some(EntityAddress {
            city: location.city.clone(),
            region: location
                .state
                .as_deref()
                .map(|code| vocab::state_name(code).map_or_else(|| code.to_owned(), str::to_owned)),
            postal_code: location.postal_code.clone(),
            street_address1: location.address.clone(),
        }),
    }
}

/// A catalog product as its record at a dispensary.
pub(crate) fn product(p: &ExternalProduct, stock: Option<&StockEntry>) -> Product {
    let category = match (p.category, &p.category_raw) {
        (ProductCategory::Other, Some(raw)) if !raw.is_empty() => raw.clone(),
        (known, _) => vocab::reverse(CATEGORIES, &known)
            .unwrap_or(FALLBACK_CATEGORY)
            .to_owned(),
    };
    let classification = match (p.strain_type, &p.strain_type_raw) {
        (StrainType::Other, Some(raw)) => Some(raw.clone()),
        (StrainType::None, _) => None,
        (known, _) => vocab::reverse(STRAINS, &known).map(str::to_owned),
    };
    let (amount, uom) = p
        .net_weight
        .and_then(|w| vocab::reverse(UNITS, &w.unit).map(|u| (Some(w.value), Some(u.to_owned()))))
        .unwrap_or((None, None));
    let size = amount.zip(uom.as_deref()).map(|(a, u)| format!("{a} {u}"));
    let mg = |potency: Option<crate::model::Potency>| {
        Some(
            potency
                .filter(|p| p.unit == PotencyUnit::Milligrams)
                .map_or(0.0, |p| p.value),
        )
    };
    let lab = |name: &str, potency: Option<crate::model::Potency>| {
        potency
            .filter(|p| p.unit != PotencyUnit::Milligrams)
            .and_then(|p| {
                let unit = vocab::reverse(vocab::POTENCY_UNITS, &p.unit)?;
                Some(json!({
                    guesses::LAB_CANNABINOID: name,
                    guesses::LAB_VALUE: p.value,
                    guesses::LAB_UNIT: unit,
                }))
            })
    };
    Product {
        product_id: p.external_id.clone(),
        product_status: if p.active {
            mapping::ACTIVE
        } else {
            mapping::DEACTIVATED
        }
        .to_owned(),
        last_updated_at: p.modified_at.unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
        sellable_quantity: Some(stock.map_or(0.0, |s| (s.on_hand as f64).min(SELLABLE_CAP))),
        category_type: Some(category),
        product_configurable_fields: ConfigurableFields {
            name: p.name.clone(),
            uom,
            brand: p.brand.clone(),
            size,
            amount,
            classification,
            total_mg_thc: mg(p.thc),
            total_mg_cbd: mg(p.cbd),
            subtype: Some(SUBTYPE.to_owned()),
            total_flower_weight_g: p.flower_equivalent_grams,
        },
        pricing: Some(Pricing {
            price_type: Some("FLAT".to_owned()),
            price_sell: p.rec_price.as_ref().map(major),
        }),
        e_commerce: Some(ECommerce {
            all_images: p.images.iter().map(|i| Value::String(i.clone())).collect(),
            primary_image: p.images.first().cloned(),
            hide_from_menu: Some(!p.active),
        }),
        lab_results: [lab("THC", p.thc), lab("CBD", p.cbd)]
            .into_iter()
            .flatten()
            .collect(),
    }
}

/// A stock entry as its `getStock` row.
pub(crate) fn stock_row(p: Option<&ExternalProduct>, entry: &StockEntry) -> StockRow {
    StockRow {
        product_id: entry.product_id.clone(),
        product_status: p.map(|p| {
            if p.active {
                mapping::ACTIVE
            } else {
                mapping::DEACTIVATED
            }
            .to_owned()
        }),
        product_name: p.map(|p| p.name.clone()),
        inventory_details: vec![InventoryDetail {
            location_name: Some(SALES_FLOOR.to_owned()),
            inventory_type: Some(guesses::INVENTORY_TYPE.to_owned()),
            sellable_quantity: entry.on_hand as f64,
            last_updated_at: Some(entry.modified_at),
        }],
    }
}

/// A customer as Treez shows it.
pub(crate) fn customer(c: &ExternalCustomer) -> Customer {
    Customer {
        customer_id: c.external_id.clone(),
        status: Some("ACTIVE".to_owned()),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        birthday: c.date_of_birth.map(|d| d.to_string()),
        email: c.email.clone(),
        phone: c.phone.clone(),
        state_medical_id: c.medical_id.clone(),
        permit_expiration: c.medical_id_expires.map(|d| format!("{d} 00:00:00.000")),
        opt_out: c.marketing_opt_in.map(|opt_in| !opt_in),
        addresses: c
            .address
            .iter()
            .map(|street| CustomerAddress {
                kind: Some("address_of_record".to_owned()),
                street1: Some(street.clone()),
                city: c.city.clone(),
                state: c.state.clone(),
                zipcode: c.postal_code.clone(),
                primary: Some(true),
            })
            .collect(),
        last_update: c.modified_at,
        merged_into_customer_id: None,
        merged_customer_ids: Vec::new(),
    }
}

/// The six-character `order_number` of a ticket id: letters and digits people can read
/// out, derived from the id so it is stable.
pub(crate) fn order_number(ticket_id: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut n = ticket_id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (0..6)
        .map(|_| {
            let c = ALPHABET[(n % ALPHABET.len() as u64) as usize];
            n /= ALPHABET.len() as u64;
            char::from(c)
        })
        .collect()
}

/// An online order as its ticket.
pub(crate) fn order_ticket(state: &SimState, order: &SimOrder) -> Ticket {
    let closed = order
        .transaction_id
        .as_ref()
        .and_then(|id| state.transactions.get(id))
        .map(|tx| tx.occurred_at);
    Ticket {
        ticket_id: order.external_id.clone(),
        order_number: Some(order_number(&order.external_id)),
        // the reference is the caller's `external_order_number`, or ours when it sent none
        external_order_number: Some(order.order_reference.clone())
            .filter(|r| !r.starts_with(UNNUMBERED)),
        kind: Some(guesses::ticket_type(order.fulfillment).to_owned()),
        order_source: Some(guesses::ECOMMERCE_SOURCE.to_owned()),
        customer_id: order.customer_id.clone(),
        order_status: order.status.clone(),
        payment_status: Some(if closed.is_some() { "PAID" } else { "UNPAID" }.to_owned()),
        date_created: Some(order.created_at),
        last_updated_at: Some(order.modified_at),
        date_closed: closed,
        total: Some(major(&order.total)),
        ticket_note: order.notes.clone(),
        refund_reason: None,
        original_ticket_id: None,
        items: order
            .lines
            .iter()
            .map(|line| TicketItem {
                product_id: line.external_product_id.clone(),
                quantity: line.quantity,
                price_sell: Some(major(&line.unit_price)),
                price_total: Some(major(&line.unit_price) * line.quantity as f64),
            })
            .collect(),
    }
}

/// The reference prefix of an order created without an `external_order_number`.
pub(crate) const UNNUMBERED: &str = "unnumbered-";

/// A register transaction as its ticket, unless the online order it filled already
/// stands for it: a sale `COMPLETED`, a void `CANCELED` with its close date kept, a
/// return a refund ticket naming what it refunds.
pub(crate) fn register_ticket(tx: &ExternalTransaction) -> Option<Ticket> {
    if tx.external_order_id.is_some() && !tx.is_return {
        return None;
    }
    let status = if tx.is_void {
        guesses::STATUS_CANCELED
    } else {
        guesses::STATUS_COMPLETED
    };
    Some(Ticket {
        ticket_id: tx.external_id.clone(),
        order_number: Some(order_number(&tx.external_id)),
        external_order_number: tx.order_reference.clone(),
        kind: Some(guesses::REGISTER_TICKET_TYPE.to_owned()),
        order_source: Some(guesses::IN_STORE_SOURCE.to_owned()),
        customer_id: tx.external_customer_id.clone(),
        order_status: status.to_owned(),
        payment_status: Some("PAID".to_owned()),
        date_created: Some(tx.occurred_at),
        last_updated_at: Some(tx.modified_at.unwrap_or(tx.occurred_at)),
        date_closed: Some(tx.occurred_at),
        total: Some(major(&tx.total)),
        ticket_note: None,
        refund_reason: tx.is_return.then(|| guesses::RETURN_REASON.to_owned()),
        original_ticket_id: if tx.is_return {
            tx.external_order_id
                .clone()
                .or_else(|| tx.return_of.clone())
        } else {
            None
        },
        items: tx
            .lines
            .iter()
            .map(|line| TicketItem {
                product_id: line.external_product_id.clone(),
                quantity: line.quantity,
                price_sell: (line.quantity != 0)
                    .then(|| major(&line.amount) / line.quantity as f64),
                price_total: Some(major(&line.amount)),
            })
            .collect(),
    })
}

/// Every ticket of a dispensary: its online orders and its register's transactions.
pub(crate) fn tickets<'a>(
    state: &'a SimState,
    dispensary: &'a str,
) -> impl Iterator<Item = Ticket> + 'a {
    let online = state
        .orders
        .values()
        .filter(move |o| o.location_id == dispensary)
        .map(move |o| order_ticket(state, o));
    let register = state
        .transactions
        .values()
        .filter(move |t| t.external_location_id == dispensary)
        .filter_map(register_ticket);
    online.chain(register)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_numbers_are_six_readable_characters_and_stable() {
        let a = order_number("1000123");
        assert_eq!(a.len(), 6);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        assert_eq!(a, order_number("1000123"));
        assert_ne!(a, order_number("1000124"));
    }
}
