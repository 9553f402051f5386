//! Dutchie's entry in the provider registry: label, form settings, capabilities and
//! the factories of its adapter and simulator.

use std::sync::Arc;

use futures::future::BoxFuture;

use super::{DutchieProvider, DutchieSimOptions};
use crate::{
    ConnectionConfig, PosProvider, ProviderResult,
    model::{Capabilities, PosKind},
    registry::{ProviderKind, SettingField, SimulatorOptions, boxed_simulator},
    simulator::{SimStore, Simulator},
};

/// Dutchie in the registry.
pub const KIND: ProviderKind = ProviderKind {
    kind: PosKind::Dutchie,
    label: "Dutchie",
    settings: &[
        SettingField {
            name: "time_zone",
            label: "Time zone",
            help: "The store's IANA time zone; Dutchie's /whoami does not say.",
            required: false,
            secret: false,
            example: Some("America/Los_Angeles"),
        },
        SettingField {
            name: "currency",
            label: "Currency",
            help: "ISO 4217 currency of the store's prices (USD by default).",
            required: false,
            secret: false,
            example: Some("USD"),
        },
        SettingField {
            name: "auth_mode",
            label: "Authentication",
            help: "location_key (default), or integrator_key with the integrator key as API secret.",
            required: false,
            secret: false,
            example: Some("location_key"),
        },
        SettingField {
            name: "sellable_rooms",
            label: "Sellable rooms",
            help: "Rooms whose stock is offered online, comma-separated, any case (e.g. the sales floor, not the vault); empty offers Dutchie's quantityAvailable.",
            required: false,
            secret: false,
            example: Some("Sales Floor, Pre-Order"),
        },
    ],
    capabilities: Capabilities {
        webhooks: false,
        order_webhooks_complete: false,
        stock_changed_since: false,
        customer_write: true,
        order_submit: true,
        returns: false,
    },
    key_hint: None,
    connect,
    simulator,
};

fn connect(config: ConnectionConfig) -> ProviderResult<Arc<dyn PosProvider>> {
    Ok(Arc::new(DutchieProvider::new(config)?))
}

fn simulator(
    store: SimStore,
    sim: SimulatorOptions,
) -> BoxFuture<'static, std::io::Result<Box<dyn Simulator>>> {
    let keys = sim
        .api_key
        .map(|key| super::simulator::planted_keys(&store, key))
        .unwrap_or_default();
    let options = DutchieSimOptions {
        addr: sim.addr,
        keys,
        ..DutchieSimOptions::default()
    };
    boxed_simulator(super::start(store, options))
}
