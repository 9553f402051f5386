//! Dispense's entry in the provider registry: label, form settings, capabilities and
//! the factories of its adapter and simulator.

use std::sync::Arc;

use futures::future::BoxFuture;

use super::{DispenseProvider, DispenseSimOptions};
use crate::{
    ConnectionConfig, PosProvider, ProviderResult,
    model::{Capabilities, PosKind},
    registry::{ProviderKind, SettingField, SimulatorOptions, boxed_simulator},
    simulator::{SimStore, Simulator},
};

/// Dispense in the registry.
pub const KIND: ProviderKind = ProviderKind {
    kind: PosKind::Dispense,
    label: "Dispense",
    settings: &[
        SettingField {
            name: "venue_id",
            label: "Venue id",
            help: "The venue this connection serves (or venue_ids for several venues).",
            required: true,
            secret: false,
            example: Some("578f14c8e658dfdc"),
        },
        SettingField {
            name: "api_mode",
            label: "API generation",
            help: "current (default) or legacy, which takes the key in an api-key header.",
            required: false,
            secret: false,
            example: Some("current"),
        },
        SettingField {
            name: "customers_from_orders",
            label: "Customers from orders",
            help: "true to read customers from the users on orders (Dispense has no customer API).",
            required: false,
            secret: false,
            example: Some("true"),
        },
    ],
    capabilities: Capabilities {
        webhooks: false,
        order_webhooks_complete: false,
        stock_changed_since: true,
        customer_write: false,
        order_submit: true,
        returns: false,
    },
    key_hint: None,
    connect,
    simulator,
};

fn connect(config: ConnectionConfig) -> ProviderResult<Arc<dyn PosProvider>> {
    Ok(Arc::new(DispenseProvider::new(&config)?))
}

fn simulator(
    store: SimStore,
    sim: SimulatorOptions,
) -> BoxFuture<'static, std::io::Result<Box<dyn Simulator>>> {
    let defaults = DispenseSimOptions::default();
    let options = DispenseSimOptions {
        addr: sim.addr,
        api_key: sim.api_key.unwrap_or(defaults.api_key.clone()),
        ..defaults
    };
    boxed_simulator(super::start(store, options))
}
