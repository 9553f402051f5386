//! `Alert`: a condition admins should look at, open until someone resolves it.

use async_graphql::{Context, Enum, ID, Json, Object};
use chrono::{DateTime, Utc};
use entities::{alert::Model, enums};

use super::{Location, Product, ProviderConnection, ids::to_id};
use crate::{
    admin,
    error::ApiError,
    graphql::{
        app_state,
        loaders::{Loaders, load_one},
    },
};

/// How bad an alert is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::AlertSeverity")]
pub enum AlertSeverity {
    /// Worth knowing; nothing is wrong yet.
    Info,
    /// Something needs a look.
    Warning,
    /// Customers or orders are affected now.
    Critical,
}

/// An alert raised by the sync engine, the order pipeline or the reconciler.
pub struct Alert(pub Model);

#[Object]
impl Alert {
    /// The alert's id.
    async fn id(&self) -> ID {
        to_id(self.0.id)
    }

    /// How bad it is.
    async fn severity(&self) -> AlertSeverity {
        self.0.severity.into()
    }

    /// The kind of condition, for example `stock_discrepancy`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    /// A one-line summary.
    async fn message(&self) -> &str {
        &self.0.message
    }

    /// Structured details.
    async fn details(&self) -> Json<&serde_json::Value> {
        Json(&self.0.details)
    }

    /// The POS connection concerned.
    async fn connection(&self, ctx: &Context<'_>) -> Result<Option<ProviderConnection>, ApiError> {
        let Some(id) = self.0.connection_id else {
            return Ok(None);
        };
        let db = &app_state(ctx)?.db;
        Ok(admin::connections::get(db, id)
            .await?
            .map(ProviderConnection::new))
    }

    /// The product concerned.
    async fn product(&self, ctx: &Context<'_>) -> Result<Option<Product>, ApiError> {
        let Some(id) = self.0.product_id else {
            return Ok(None);
        };
        let loaders = Loaders::of(ctx)?;
        Ok(load_one(&loaders.products, id).await?.map(Product::from))
    }

    /// The location concerned.
    async fn location(&self, ctx: &Context<'_>) -> Result<Option<Location>, ApiError> {
        let Some(id) = self.0.location_id else {
            return Ok(None);
        };
        let loaders = Loaders::of(ctx)?;
        Ok(load_one(&loaders.locations, id).await?.map(Location))
    }

    /// How many times the condition was seen while the alert was open.
    async fn occurrences(&self) -> i32 {
        self.0.occurrences
    }

    /// When it was first raised.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the condition was last seen.
    async fn last_seen_at(&self) -> DateTime<Utc> {
        self.0.last_seen_at
    }

    /// When it was resolved; null while open.
    async fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolved_at
    }

    /// Who resolved it.
    async fn resolved_by(&self) -> Option<&str> {
        self.0.resolved_by.as_deref()
    }
}
