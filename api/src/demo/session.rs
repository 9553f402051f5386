//! What the running demo hands out: an admin token, a few customers' tokens, a shelf for
//! the stock widget and the simulators' URLs, signed with the demo's throwaway secret.
//!
//! [`DemoSession`] is printed by the banner ([`super::banner`]) and served as JSON at
//! [`SESSION_PATH`] (only by `serve --demo`), so the admin page offers the admin token
//! with one click and the starter storefront signs in as a demo customer.

use std::time::Duration;

use axum::{Json, Router, http::header, response::IntoResponse, routing::get};
use entities::{customer, stock_level};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use uuid::Uuid;

use super::Demo;
use crate::{
    auth::{AuthError, Role},
    state::AppState,
};

/// Where the session is served in demo mode.
pub const SESSION_PATH: &str = "/demo/session";

/// How long the tokens last (the demo's secret dies with the process anyway).
const TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// How many demo customers get a token.
const CUSTOMERS: u64 = 5;

/// Why the session could not be issued.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// A token could not be signed.
    #[error(transparent)]
    Token(#[from] AuthError),
    /// The database could not be read.
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

/// The demo's tokens and links.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoSession {
    /// An admin token.
    pub admin_token: String,
    /// Customers with an email, by email, each with their token.
    pub customers: Vec<DemoCustomer>,
    /// A product in stock somewhere, for the widget's URL.
    pub shelf: Option<Shelf>,
    /// Each simulator's kind and URL.
    pub simulators: Vec<SimulatorLink>,
}

/// A demo customer and a token that signs in as them.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoCustomer {
    /// The customer's id.
    pub id: Uuid,
    /// First and last name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// A customer token for them.
    pub token: String,
}

/// A product with stock at a location.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Shelf {
    /// The product.
    pub product_id: Uuid,
    /// The location.
    pub location_id: Uuid,
}

/// One simulator of the demo.
#[derive(Clone, Debug, Serialize)]
pub struct SimulatorLink {
    /// The POS kind's label.
    pub kind: &'static str,
    /// Where it listens.
    pub url: String,
}

impl DemoSession {
    /// Mints the tokens and reads the demo's customers and a stocked shelf.
    pub async fn issue(state: &AppState, demo: &Demo) -> Result<Self, SessionError> {
        let admin_token = state.jwt.mint(Role::Admin, "demo-admin", TOKEN_LIFETIME)?;
        let shoppers = customer::Entity::find()
            .filter(customer::Column::Email.is_not_null())
            .filter(customer::Column::MergedIntoId.is_null())
            .order_by_asc(customer::Column::Email)
            .limit(CUSTOMERS)
            .all(&state.db)
            .await?;
        let mut customers = Vec::with_capacity(shoppers.len());
        for shopper in shoppers {
            let name = [&shopper.first_name, &shopper.last_name]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" ");
            customers.push(DemoCustomer {
                token: state
                    .jwt
                    .mint(Role::Customer, &shopper.id.to_string(), TOKEN_LIFETIME)?,
                id: shopper.id,
                name,
                email: shopper.email.unwrap_or_default(),
            });
        }
        let shelf = stock_level::Entity::find()
            .filter(stock_level::Column::OnHand.gt(0))
            .order_by_asc(stock_level::Column::Id)
            .one(&state.db)
            .await?
            .map(|row| Shelf {
                product_id: row.product_id,
                location_id: row.location_id,
            });
        let simulators = demo
            .simulators()
            .all()
            .iter()
            .map(|simulator| SimulatorLink {
                kind: simulator.kind().label,
                url: simulator.simulator().base_url().to_string(),
            })
            .collect();
        Ok(Self {
            admin_token,
            customers,
            shelf,
            simulators,
        })
    }

    /// The demo's own routes: the session as JSON at [`SESSION_PATH`], never cached, and
    /// the starter storefront that signs in with it ([`super::storefront`]).
    pub fn routes(self) -> Router {
        let body = Json(self);
        Router::new()
            .route(
                SESSION_PATH,
                get(move || {
                    let body = body.clone();
                    async move { ([(header::CACHE_CONTROL, "no-store")], body).into_response() }
                }),
            )
            .merge(super::storefront::router())
    }
}
