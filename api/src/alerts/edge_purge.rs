//! One alert while the edge cache cannot be purged: opened when a purge fails after its
//! retries, resolved by the system when a purge succeeds again. Until then the edge may
//! serve stock and listings up to their `max-age` old.
//!
//! Every process purges what it applied and watches its own sender; the dedupe key makes
//! replicas that fail on one alert count occurrences, and the first to purge again
//! resolves it.

use entities::enums::AlertSeverity;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use super::{NewAlert, outage::watch_condition};
use crate::state::AppState;

/// The alert's kind and dedupe key.
pub const EDGE_PURGE_FAILING: &str = "edge_purge_failing";

/// Raises and resolves the alert as the state's purges fail and succeed, until `stop`;
/// nothing without a purge URL.
pub fn watch_edge_purges(state: &AppState, tracker: &TaskTracker, stop: CancellationToken) {
    let Some(purges) = &state.edge_purges else {
        return;
    };
    watch_condition(state, purges.failing(), failing_alert, tracker, stop);
}

fn failing_alert() -> NewAlert {
    NewAlert {
        severity: AlertSeverity::Warning,
        kind: EDGE_PURGE_FAILING,
        connection_id: None,
        product_id: None,
        location_id: None,
        message: "The edge cache purge endpoint fails: storefronts behind it may see stock \
                  and listings up to their max-age old until a purge succeeds"
            .to_owned(),
        details: serde_json::json!({}),
        dedupe_key: EDGE_PURGE_FAILING.to_owned(),
    }
}
