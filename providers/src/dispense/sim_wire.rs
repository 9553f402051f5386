//! The simulator's view of its store in Dispense's wire shapes: products per
//! venue (quantity and `modified` from the venue's stock), venues, and the
//! orders feed (online orders, plus the register's walk-in sales, voids and
//! returns, since Dispense shows purchase history only through orders).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::guesses;
use super::mapping;
use super::models::{Brand, Image, Order, OrderItem, Product, User, Venue, VenueAddress};
use crate::model::{
    ExternalCustomer, ExternalLocation, ExternalProduct, ExternalTransaction, Money,
};
use crate::simulator::store::{SimOrder, SimState, StockEntry};

/// Major units, as Dispense sends prices.
fn major(money: &Money) -> f64 {
    money.amount as f64 / 100.0
}

/// A location as a Dispense venue.
pub(crate) fn venue(location: &ExternalLocation) -> Venue {
    Venue {
        id: location.external_id.clone(),
        name: location.name.clone(),
        medical_dispensary: location.medical && !location.adult_use,
        organization: None,
        address: Some(VenueAddress {
            number: None,
            street: location.address.clone(),
            city: location.city.clone(),
            administrative_area: location.state.clone(),
            country: Some("US".to_owned()),
            postal_code: location.postal_code.clone(),
        }),
        address_formatted: location.address.clone(),
        schedule: Vec::new(),
    }
}

/// The stock entries of one venue, by product id.
pub(crate) fn venue_stock<'a>(
    state: &'a SimState,
    venue: &'a str,
) -> HashMap<&'a str, &'a StockEntry> {
    state
        .stock_at(venue)
        .map(|entry| (entry.product_id.as_str(), entry))
        .collect()
}

/// A product row's `modified`: the product's or its stock's last change.
pub(crate) fn modified_at(product: &ExternalProduct, stock: Option<&StockEntry>) -> DateTime<Utc> {
    [product.modified_at, stock.map(|s| s.modified_at)]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

/// A catalog product as its row at `venue`, with the venue's stock entry for it.
pub(crate) fn product(
    product: &ExternalProduct,
    venue: &str,
    stock: Option<&StockEntry>,
) -> Product {
    let (weight, weight_unit) = mapping::weight_to_wire(product.net_weight.as_ref());
    let modified = modified_at(product, stock);
    Product {
        id: product.external_id.clone(),
        name: product.name.clone(),
        sku: product.sku.clone(),
        venue: venue.to_owned(),
        cannabis_compliance_type: Some(mapping::category_to_wire(
            product.category,
            product.category_raw.as_deref(),
        )),
        cannabis_type: Some(mapping::strain_to_wire(
            product.strain_type,
            product.strain_type_raw.as_deref(),
        )),
        brand: Some(Brand {
            name: product.brand.clone(),
        }),
        weight,
        weight_unit,
        flower_equivalent_in_grams: product.flower_equivalent_grams,
        price: product.rec_price.as_ref().map(major),
        quantity: stock.map_or(0, |s| s.on_hand),
        quantity_total: None,
        quantity_sold: None,
        quantity_threshold: None,
        enable: product.active,
        variants: Vec::new(),
        labs: Some(mapping::labs_to_wire(
            product.thc.as_ref(),
            product.cbd.as_ref(),
        )),
        image: product.images.first().cloned(),
        images: product
            .images
            .iter()
            .map(|url| Image {
                file_url: url.clone(),
            })
            .collect(),
        created: None,
        modified,
    }
}

fn user_of(customer: &ExternalCustomer) -> User {
    User {
        id: customer.external_id.clone(),
        first_name: customer.first_name.clone(),
        last_name: customer.last_name.clone(),
        email: customer.email.clone(),
        phone: customer.phone.clone(),
        birthday: customer.date_of_birth.map(|d| d.to_string()),
    }
}

/// An online order as Dispense shows it.
pub(crate) fn order(state: &SimState, order: &SimOrder) -> Order {
    let user = order
        .customer_id
        .as_ref()
        .map(|id| match state.customers.get(id) {
            Some(customer) => user_of(customer),
            None => User {
                id: id.clone(),
                first_name: Some(order.customer.first_name.clone()),
                last_name: Some(order.customer.last_name.clone()),
                email: order.customer.email.clone(),
                phone: order.customer.phone.clone(),
                birthday: order.customer.date_of_birth.map(|d| d.to_string()),
            },
        });
    Order {
        id: order.external_id.clone(),
        status: order.status.clone(),
        venue: order.location_id.clone(),
        user,
        items: order
            .lines
            .iter()
            .map(|line| OrderItem {
                product: line.external_product_id.clone(),
                quantity: line.quantity,
                price: major(&line.unit_price),
            })
            .collect(),
        total: major(&order.total),
        order_pick_up_type: Some(guesses::pick_up_type(order.fulfillment).to_owned()),
        external_order_id: Some(order.order_reference.clone()),
        cancel_reason: order.reason.clone(),
        return_of: None,
        created: order.created_at,
        modified: order.modified_at,
    }
}

/// A register transaction as an entry of the orders feed, unless the online
/// order it filled already stands for it.
pub(crate) fn register_entry(state: &SimState, tx: &ExternalTransaction) -> Option<Order> {
    if tx.external_order_id.is_some() && !tx.is_return {
        return None;
    }
    let status = if tx.is_void {
        guesses::STATUS_CANCELLED
    } else if tx.is_return {
        guesses::STATUS_RETURNED
    } else {
        guesses::STATUS_COMPLETED
    };
    Some(Order {
        id: tx.external_id.clone(),
        status: status.to_owned(),
        venue: tx.external_location_id.clone(),
        user: tx
            .external_customer_id
            .as_ref()
            .and_then(|id| state.customers.get(id))
            .map(user_of),
        items: tx
            .lines
            .iter()
            .map(|line| OrderItem {
                product: line.external_product_id.clone(),
                quantity: line.quantity,
                price: if line.quantity == 0 {
                    0.0
                } else {
                    major(&line.amount) / line.quantity as f64
                },
            })
            .collect(),
        total: major(&tx.total),
        order_pick_up_type: Some(guesses::WALK_IN_PICK_UP_TYPE.to_owned()),
        external_order_id: tx.order_reference.clone(),
        cancel_reason: None,
        // A returned online order is named by its order id, as its sale is.
        return_of: tx
            .external_order_id
            .clone()
            .or_else(|| tx.return_of.clone()),
        created: tx.occurred_at,
        modified: tx.modified_at.unwrap_or(tx.occurred_at),
    })
}
