//! `GET /reporting/transactions` served from the store, with Dutchie's rule
//! that the transaction id, the transaction-date range and the
//! last-modified range are mutually exclusive (a 400 `ValidationResult`).

use axum::Extension;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::super::models::{ValidationFailure, ValidationResult};
use super::auth::Caller;
use super::render::{self, TransactionDetail};
use super::wire::{Reject, SimContext, in_range, ok, query_time, values};
use crate::simulator::Collection;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TransactionsQuery {
    transaction_id: Option<i32>,
    #[serde(rename = "FromLastModifiedDateUTC")]
    from_last_modified: Option<String>,
    #[serde(rename = "ToLastModifiedDateUTC")]
    to_last_modified: Option<String>,
    #[serde(rename = "FromDateUTC")]
    from_date: Option<String>,
    #[serde(rename = "ToDateUTC")]
    to_date: Option<String>,
    include_detail: Option<bool>,
    include_order_ids: Option<bool>,
}

/// 400 with a `ValidationResult`, this endpoint's error shape.
fn invalid(message: &str) -> Response {
    let body = ValidationResult {
        is_valid: false,
        errors: Some(vec![ValidationFailure {
            property_name: Some(String::new()),
            error_message: Some(message.to_owned()),
        }]),
        rule_sets_executed: Some(vec!["default".to_owned()]),
    };
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

pub(crate) async fn transactions(
    State(ctx): State<SimContext>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<TransactionsQuery>,
) -> Result<Response, Reject> {
    let filters = [
        q.transaction_id.is_some(),
        q.from_date.is_some() || q.to_date.is_some(),
        q.from_last_modified.is_some() || q.to_last_modified.is_some(),
    ];
    if filters.iter().filter(|f| **f).count() > 1 {
        return Ok(invalid(
            "TransactionId, FromDateUTC/ToDateUTC and FromLastModifiedDateUTC/ToLastModifiedDateUTC are mutually exclusive",
        ));
    }
    let from_date = query_time(q.from_date.as_deref(), "FromDateUTC")?;
    let to_date = query_time(q.to_date.as_deref(), "ToDateUTC")?;
    let from_modified = query_time(q.from_last_modified.as_deref(), "FromLastModifiedDateUTC")?;
    let to_modified = query_time(q.to_last_modified.as_deref(), "ToLastModifiedDateUTC")?;
    let detail = TransactionDetail {
        items: q.include_detail.unwrap_or(false),
        order_ids: q.include_order_ids.unwrap_or(false),
    };
    let wanted_id = q.transaction_id.map(|id| id.to_string());
    let body = ctx.store.read(|s| {
        let mut out = values(
            s.transactions
                .values()
                .filter(|t| t.external_location_id == caller.location_id)
                .filter(|t| wanted_id.as_ref().is_none_or(|id| *id == t.external_id))
                .filter(|t| in_range(Some(t.occurred_at), from_date, to_date))
                .filter(|t| {
                    in_range(
                        t.modified_at.or(Some(t.occurred_at)),
                        from_modified,
                        to_modified,
                    )
                })
                .filter_map(|t| render::transaction(t, detail)),
        );
        out.extend(s.raw(Collection::Transactions).iter().cloned());
        out
    });
    Ok(ok(body))
}
