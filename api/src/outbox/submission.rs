//! What the POS needs to know about an order, read from the database at send time: the
//! POS location, the customer (and their POS id on this connection) and each line's POS
//! product id and quoted price.

use std::collections::HashMap;

use chrono::Utc;
use entities::{
    customer, customer_external_ref, location, order, order_line, product_external_ref,
    provider_connection,
};
use providers::model::{
    ExternalCustomer, Money, OrderCustomer, OrderLineSubmission, OrderSubmission,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    SqlErr,
};
use uuid::Uuid;

use super::SendError;

/// An order with everything needed to talk to its POS about it.
pub struct OrderContext {
    /// The order.
    pub order: order::Model,
    /// Its lines.
    pub lines: Vec<order_line::Model>,
    /// The connection of its location.
    pub connection: provider_connection::Model,
    /// The POS's id of its location.
    pub external_location_id: String,
    /// POS product ids by Canopy product id, on this connection.
    pub products: HashMap<Uuid, String>,
}

impl OrderContext {
    /// Loads order `order_id` and what its POS needs.
    pub async fn load(db: &impl ConnectionTrait, order_id: Uuid) -> Result<Self, SendError> {
        let order = order::Entity::find_by_id(order_id)
            .one(db)
            .await?
            .ok_or(SendError::Unsendable("the order no longer exists".into()))?;
        let location = location::Entity::find_by_id(order.location_id)
            .one(db)
            .await?
            .ok_or(SendError::Unsendable("the order's location is gone".into()))?;
        let connection_id =
            order
                .connection_id
                .or(location.connection_id)
                .ok_or(SendError::Unsendable(
                    "the order's location has no POS connection".into(),
                ))?;
        let connection = provider_connection::Entity::find_by_id(connection_id)
            .one(db)
            .await?
            .ok_or(SendError::Unsendable(
                "the POS connection was removed".into(),
            ))?;
        if !connection.enabled {
            return Err(SendError::Disabled);
        }
        let external_location_id = location
            .external_id
            .clone()
            .ok_or(SendError::Unsendable("the location has no POS id".into()))?;
        let lines = order_line::Entity::find()
            .filter(order_line::Column::OrderId.eq(order.id))
            .all(db)
            .await?;
        let products = product_external_ref::Entity::find()
            .filter(product_external_ref::Column::ConnectionId.eq(connection.id))
            .filter(
                product_external_ref::Column::ProductId.is_in(lines.iter().map(|l| l.product_id)),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.product_id, r.external_id))
            .collect();
        Ok(Self {
            order,
            lines,
            connection,
            external_location_id,
            products,
        })
    }

    /// The POS line for `quantity` units of `product_id`, priced as ordered.
    pub fn line(&self, product_id: Uuid, quantity: i64) -> Result<OrderLineSubmission, SendError> {
        let external = self.products.get(&product_id).ok_or_else(|| {
            SendError::Unsendable(format!("product {product_id} is not known to this POS"))
        })?;
        let line = self
            .lines
            .iter()
            .find(|l| l.product_id == product_id)
            .ok_or_else(|| {
                SendError::Unsendable(format!("product {product_id} is not on the order"))
            })?;
        Ok(OrderLineSubmission {
            external_product_id: external.clone(),
            quantity,
            unit_price: Money {
                amount: line.unit_price,
                currency: line.currency.clone(),
            },
        })
    }

    /// The order as handed to the POS (our order id is its idempotency key there), and
    /// its customer.
    pub async fn submission(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<(OrderSubmission, customer::Model), SendError> {
        let customer = customer::Entity::find_by_id(self.order.customer_id)
            .one(db)
            .await?
            .ok_or(SendError::Unsendable("the order's customer is gone".into()))?;
        let external_customer = customer_external_ref::Entity::find()
            .filter(customer_external_ref::Column::CustomerId.eq(customer.id))
            .filter(customer_external_ref::Column::ConnectionId.eq(self.connection.id))
            .one(db)
            .await?
            .map(|r| r.external_id);
        let lines = self
            .lines
            .iter()
            .map(|l| self.line(l.product_id, l.quantity))
            .collect::<Result<_, _>>()?;
        let submission = OrderSubmission {
            order_id: self.order.id,
            external_location_id: self.external_location_id.clone(),
            customer: OrderCustomer {
                external_id: external_customer,
                first_name: customer.first_name.clone().unwrap_or_default(),
                last_name: customer.last_name.clone().unwrap_or_default(),
                email: customer.email.clone(),
                phone: customer.phone.clone(),
                date_of_birth: customer.date_of_birth,
                medical_id: customer.medical_id.clone(),
            },
            lines,
            fulfillment: self.order.fulfillment,
            delivery_address: self.order.delivery_address.clone(),
            notes: None,
        };
        Ok((submission, customer))
    }

    /// Remembers `external_id` as the customer's id on this order's POS connection (a
    /// concurrent sender may have stored it first: that is fine).
    pub async fn remember_customer(
        &self,
        db: &impl ConnectionTrait,
        customer_id: Uuid,
        external_id: &str,
    ) -> Result<(), SendError> {
        let row = customer_external_ref::Model {
            id: Uuid::now_v7(),
            customer_id,
            connection_id: self.connection.id,
            external_id: external_id.to_owned(),
            pos_modified_at: None,
            field_hashes: None,
            created_at: Utc::now(),
        };
        match customer_external_ref::Entity::insert(row.into_active_model().reset_all())
            .exec_without_returning(db)
            .await
        {
            Ok(_) => Ok(()),
            Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                Ok(())
            }
            Err(error) => Err(error.into()),
        }
    }
}

/// Our customer as the POS's customer record (for POSes that need the customer first).
pub fn external_customer(customer: &customer::Model) -> ExternalCustomer {
    ExternalCustomer {
        external_id: String::new(),
        first_name: customer.first_name.clone(),
        last_name: customer.last_name.clone(),
        email: customer.email.clone(),
        phone: customer.phone.clone(),
        date_of_birth: customer.date_of_birth,
        medical_id: customer.medical_id.clone(),
        medical_id_expires: customer.medical_id_expires,
        address: customer.address.clone(),
        city: customer.city.clone(),
        state: customer.state.clone(),
        postal_code: customer.postal_code.clone(),
        marketing_opt_in: Some(customer.marketing_opt_in),
        modified_at: Some(customer.updated_at),
    }
}
