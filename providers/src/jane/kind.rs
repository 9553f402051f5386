//! Jane's entry in the provider registry: label, form settings, capabilities and the
//! factories of its adapter and simulator.

use std::sync::Arc;

use futures::future::BoxFuture;

use super::{JaneProvider, simulator::JaneSimOptions};
use crate::{
    ConnectionConfig, PosProvider, ProviderResult,
    model::{Capabilities, PosKind},
    registry::{ProviderKind, SettingField, SimulatorOptions, boxed_simulator},
    simulator::{SimStore, Simulator},
};

/// Jane in the registry.
pub const KIND: ProviderKind = ProviderKind {
    kind: PosKind::Jane,
    label: "Jane",
    settings: &[
        SettingField {
            name: "store_id",
            label: "Store id",
            help: "The Jane store this connection serves.",
            required: true,
            secret: false,
            example: Some("1234"),
        },
        SettingField {
            name: "token_url",
            label: "Token URL",
            help: "The OAuth2 token endpoint; {base URL}/oauth/token by default.",
            required: false,
            secret: false,
            example: None,
        },
        SettingField {
            name: "menu_api",
            label: "Menu API",
            help: "roots (default) or partner: which of Jane's menu paths to read.",
            required: false,
            secret: false,
            example: Some("roots"),
        },
        SettingField {
            name: "customers_from_carts",
            label: "Customers from carts",
            help: "true to read customers from the people named on carts (Jane has no customer API).",
            required: false,
            secret: false,
            example: Some("true"),
        },
    ],
    capabilities: Capabilities {
        webhooks: true,
        order_webhooks_complete: true,
        stock_changed_since: false,
        customer_write: false,
        order_submit: true,
        returns: true,
    },
    key_hint: None,
    connect,
    simulator,
};

fn connect(config: ConnectionConfig) -> ProviderResult<Arc<dyn PosProvider>> {
    Ok(Arc::new(JaneProvider::new(&config)?))
}

fn simulator(
    store: SimStore,
    sim: SimulatorOptions,
) -> BoxFuture<'static, std::io::Result<Box<dyn Simulator>>> {
    let defaults = JaneSimOptions::default();
    let options = JaneSimOptions {
        addr: sim.addr,
        store_id: sim.location,
        client_id: sim.api_key.unwrap_or(defaults.client_id.clone()),
        ..defaults
    };
    boxed_simulator(super::simulator::start(store, options))
}
