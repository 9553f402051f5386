//! Alert events: published when a new alert opens (a repeat of an open one only bumps
//! its count and is not announced again) and, on a topic of their own, when an admin
//! resolves one; the notifier listens to openings, admin subscriptions to both.

use chrono::{DateTime, Utc};
use entities::{alert, enums::AlertSeverity};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Topic;

/// The topic every newly opened alert is published on.
pub const ALERT_TOPIC: Topic<AlertEvent> = Topic::new("alerts");

/// The topic every resolved alert is published on (kept apart from [`ALERT_TOPIC`] so
/// listeners that notify about new alerts never see resolutions).
pub const ALERT_RESOLVED_TOPIC: Topic<AlertEvent> = Topic::new("alerts.resolved");

/// A newly opened (or, on [`ALERT_RESOLVED_TOPIC`], resolved) alert. Carries no secrets
/// and no personal data (alerts never do).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertEvent {
    /// The alert's id.
    pub id: Uuid,
    /// How bad it is.
    pub severity: AlertSeverity,
    /// The kind of condition, for example `pos_bad_record`.
    pub kind: String,
    /// A one-line summary for admins.
    pub message: String,
    /// The POS connection concerned.
    pub connection_id: Option<Uuid>,
    /// The product concerned.
    pub product_id: Option<Uuid>,
    /// The location concerned.
    pub location_id: Option<Uuid>,
    /// The order concerned.
    pub order_id: Option<Uuid>,
    /// When it opened.
    pub at: DateTime<Utc>,
    /// When it was resolved; `None` while open.
    #[serde(default)]
    pub resolved_at: Option<DateTime<Utc>>,
}

impl From<&alert::Model> for AlertEvent {
    fn from(alert: &alert::Model) -> Self {
        Self {
            id: alert.id,
            severity: alert.severity,
            kind: alert.kind.clone(),
            message: alert.message.clone(),
            connection_id: alert.connection_id,
            product_id: alert.product_id,
            location_id: alert.location_id,
            order_id: alert.order_id,
            at: alert.created_at,
            resolved_at: alert.resolved_at,
        }
    }
}
