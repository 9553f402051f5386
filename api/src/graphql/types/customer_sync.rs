//! What `Customer` shows of its sync and history: where the profile stands at each POS,
//! the events that shaped it, its purchase totals and the grams bought per class.

use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};
use entities::customer_event;

use super::{Money, enums::ProductClass, ids::to_id};
use crate::{
    compliance::period::ClassPeriod,
    customers::{
        history::Totals,
        sync_status::{PosProfile, PushState},
    },
};

/// Where Canopy's edits of a profile stand at one POS.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomerSyncState {
    /// The POS has every Canopy edit.
    InSync,
    /// An edit is on its way.
    Pending,
    /// An edit could not be delivered (the POS refused it, or it was dead-lettered).
    Failed,
    /// The POS's API cannot take the edits: they are kept in Canopy.
    KeptInCanopy,
}

impl From<PushState> for CustomerSyncState {
    fn from(state: PushState) -> Self {
        match state {
            PushState::InSync => Self::InSync,
            PushState::Pending => Self::Pending,
            PushState::Failed => Self::Failed,
            PushState::KeptInCanopy => Self::KeptInCanopy,
        }
    }
}

/// The customer's record at one POS.
#[derive(SimpleObject)]
pub struct CustomerPosProfile {
    /// The POS connection.
    pub connection_id: ID,
    /// The POS's customer id.
    pub external_id: String,
    /// The POS's last-modified time of the record last merged.
    pub pos_modified_at: Option<DateTime<Utc>>,
    /// Where Canopy's edits stand there.
    pub state: CustomerSyncState,
}

impl From<PosProfile> for CustomerPosProfile {
    fn from(p: PosProfile) -> Self {
        Self {
            connection_id: to_id(p.connection_id),
            external_id: p.external_id,
            pos_modified_at: p.pos_modified_at,
            state: p.state.into(),
        }
    }
}

/// Something that happened to a profile (field names only, never values).
#[derive(SimpleObject)]
pub struct CustomerEvent {
    /// `pos_merged`, `linked`, `edited`, `pushed`, `refused`, `kept_in_canopy`,
    /// `merged`, `unmerged` or `anonymized`.
    pub kind: String,
    /// The profile it happened to.
    pub customer_id: ID,
    /// The POS connection concerned.
    pub connection_id: Option<ID>,
    /// The other profile of a merge or unmerge.
    pub other_customer_id: Option<ID>,
    /// The fields concerned.
    pub fields: Vec<String>,
    /// `pos`, `customer`, `canopy` or the admin's subject.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
}

impl From<customer_event::Model> for CustomerEvent {
    fn from(e: customer_event::Model) -> Self {
        Self {
            kind: e.kind,
            customer_id: to_id(e.customer_id),
            connection_id: e.connection_id.map(to_id),
            other_customer_id: e.other_customer_id.map(to_id),
            fields: e
                .fields
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            actor: e.actor,
            at: e.at,
        }
    }
}

/// Totals of a purchase history, online and in store, across merged profiles.
#[derive(SimpleObject)]
pub struct PurchaseTotals {
    /// Sales (voids excluded).
    pub sales: u64,
    /// Returns (voids excluded).
    pub returns: u64,
    /// Voided transactions, counted for nothing.
    pub voided: u64,
    /// Sum of the sales.
    pub spent: Money,
    /// Sum of the returns.
    pub refunded: Money,
    /// Sales less returns (the lifetime value).
    pub net: Money,
}

impl From<Totals> for PurchaseTotals {
    fn from(t: Totals) -> Self {
        Self {
            sales: t.sales,
            returns: t.returns,
            voided: t.voided,
            spent: Money::new(t.spent, &t.currency),
            refunded: Money::new(t.refunded, &t.currency),
            net: Money::new(t.net(), &t.currency),
        }
    }
}

/// Flower-equivalent grams bought of one product class in a current compliance period,
/// with the period's limit ("12.5 of 28.5 g today").
#[derive(SimpleObject)]
pub struct ClassGrams {
    /// The product class.
    pub product_class: ProductClass,
    /// Grams bought (online and in store, voids excluded; returns give none back).
    pub grams: f64,
    /// The period's limit in grams; null when no rule limits the class.
    pub limit_grams: Option<f64>,
    /// The code of the rule setting the limit.
    pub rule_code: Option<String>,
    /// The period's length in calendar days of the location's time zone (1: today).
    pub period_days: i32,
    /// When the period started.
    pub since: DateTime<Utc>,
}

impl From<ClassPeriod> for ClassGrams {
    fn from(period: ClassPeriod) -> Self {
        Self {
            product_class: period.class.into(),
            grams: period.used,
            limit_grams: period.limit,
            rule_code: period.rule,
            period_days: period.days,
            since: period.since,
        }
    }
}
