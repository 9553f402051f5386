//! What a POS reported about an order's status, as an [`Observation`] for the applier
//! (used by the outbox sender, the status poller and status webhooks alike).

use providers::model::PosOrderStatus;

use super::Observation;

/// The observation of a status the POS reported.
pub fn observation(status: &PosOrderStatus) -> Observation {
    Observation {
        status: status.status,
        vendor_status: Some(status.vendor_status.clone()),
        reason: status.reason.clone(),
        external_id: Some(status.external_id.clone()),
        detail: status
            .transaction_id
            .as_ref()
            .map(|id| serde_json::json!({ "transactionId": id })),
    }
}
