//! What a client asks `placeOrder` for, and the checks that need no database: line
//! count, quantities within the configured maximum, no product twice (refused, not
//! merged: a storefront sending a product twice has a bug worth seeing), and an
//! idempotency key of sensible size. Errors name the input field at fault.

use std::collections::HashSet;

use entities::enums::Fulfillment;
use uuid::Uuid;

use crate::{config::CheckoutConfig, error::ApiError};

/// One requested line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewLine {
    /// The product.
    pub product_id: Uuid,
    /// Units.
    pub quantity: i64,
}

/// A requested order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOrder {
    /// The store.
    pub location_id: Uuid,
    /// What is ordered.
    pub lines: Vec<NewLine>,
    /// Pickup or delivery.
    pub fulfillment: Fulfillment,
    /// The client's key for this order: a replay returns the first order.
    pub idempotency_key: String,
    /// Who orders, when an admin places the order for a customer.
    pub customer_id: Option<Uuid>,
}

impl NewOrder {
    /// Checks the order against `config`; `BAD_USER_INPUT` naming the field at fault.
    pub fn validate(&self, config: &CheckoutConfig) -> Result<(), ApiError> {
        let key = self.idempotency_key.trim();
        if key.is_empty() || key.len() > config.max_idempotency_key {
            return Err(ApiError::bad_field(
                "input.idempotencyKey",
                format!(
                    "`idempotencyKey` must be 1 to {} characters",
                    config.max_idempotency_key
                ),
            ));
        }
        validate_lines(&self.lines, "input.lines", config)
    }

    /// The lines as `(product, quantity)`, sorted (for comparing a replay).
    pub fn line_set(&self) -> Vec<(Uuid, i64)> {
        let mut lines: Vec<_> = self
            .lines
            .iter()
            .map(|line| (line.product_id, line.quantity))
            .collect();
        lines.sort_unstable();
        lines
    }
}

/// Checks requested lines (of an order or a return), naming fields under `field`
/// (e.g. `input.lines`): at least one, at most the configured count, quantities within
/// the configured maximum, no product twice.
pub fn validate_lines(
    lines: &[NewLine],
    field: &str,
    config: &CheckoutConfig,
) -> Result<(), ApiError> {
    if lines.is_empty() {
        return Err(ApiError::bad_field(field, "at least one line is needed"));
    }
    if lines.len() > config.max_lines {
        return Err(ApiError::bad_field(
            field,
            format!("at most {} lines are accepted", config.max_lines),
        ));
    }
    let mut seen = HashSet::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        if !(1..=i64::from(config.max_quantity)).contains(&line.quantity) {
            return Err(ApiError::bad_field(
                format!("{field}[{index}].quantity"),
                format!("`quantity` must be between 1 and {}", config.max_quantity),
            ));
        }
        if !seen.insert(line.product_id) {
            return Err(ApiError::bad_field(
                format!("{field}[{index}].productId"),
                "a product appears on two lines: put all its units on one line",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(lines: Vec<NewLine>) -> NewOrder {
        NewOrder {
            location_id: Uuid::now_v7(),
            lines,
            fulfillment: Fulfillment::Pickup,
            idempotency_key: "k-1".to_owned(),
            customer_id: None,
        }
    }

    fn field(result: Result<(), ApiError>) -> Option<String> {
        match result {
            Err(ApiError::BadUserInput { field, .. }) => field,
            _ => None,
        }
    }

    #[test]
    fn bad_lines_name_their_field() {
        let config = CheckoutConfig::default();
        let product_id = Uuid::now_v7();
        let line = NewLine {
            product_id,
            quantity: 1,
        };
        assert!(order(vec![line]).validate(&config).is_ok());
        assert_eq!(
            field(order(vec![]).validate(&config)).as_deref(),
            Some("input.lines")
        );
        let zero = NewLine {
            quantity: 0,
            ..line
        };
        assert_eq!(
            field(order(vec![zero]).validate(&config)).as_deref(),
            Some("input.lines[0].quantity")
        );
        let many = NewLine {
            quantity: 101,
            ..line
        };
        assert_eq!(
            field(order(vec![many]).validate(&config)).as_deref(),
            Some("input.lines[0].quantity")
        );
        assert_eq!(
            field(order(vec![line, line]).validate(&config)).as_deref(),
            Some("input.lines[1].productId")
        );
        let mut blank = order(vec![line]);
        blank.idempotency_key = " ".to_owned();
        assert_eq!(
            field(blank.validate(&config)).as_deref(),
            Some("input.idempotencyKey")
        );
    }
}
