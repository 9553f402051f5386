//! Treez's entry in the provider registry: label, form settings, capabilities and the
//! factories of its adapter and simulator.

use std::sync::Arc;

use futures::future::BoxFuture;

use super::keys::RsaKeys;
use super::{TreezProvider, TreezSimOptions};
use crate::{
    ConnectionConfig, PosProvider, ProviderResult,
    model::{Capabilities, PosKind},
    registry::{ProviderKind, SettingField, SimulatorOptions, boxed_simulator},
    simulator::{SimStore, Simulator},
};

/// Treez in the registry. Its API key is the partner's RSA private key (PEM), kept as
/// the connection's secret; the webhook secret is the static bearer token Treez sends.
pub const KIND: ProviderKind = ProviderKind {
    kind: PosKind::Treez,
    label: "Treez",
    settings: &[
        SettingField {
            name: "organization_id",
            label: "Organization id",
            help: "Your Treez organization id (signed into every request as oid).",
            required: true,
            secret: false,
            example: Some("b1226d0b-4940-4edf-aab3-dbd1642f7f69"),
        },
        SettingField {
            name: "certificate_id",
            label: "Certificate id",
            help: "The id Treez gave the public key you registered (signed in as iss); the API key is its RSA private key, in PEM.",
            required: true,
            secret: false,
            example: None,
        },
        SettingField {
            name: "dispensary",
            label: "Dispensary",
            help: "The dispensary short name in Treez URLs (or dispensaries for several).",
            required: true,
            secret: false,
            example: Some("partnersandbox3"),
        },
        SettingField {
            name: "store_entities",
            label: "Store entities",
            help: "Each dispensary's organization entity id, when its name is not the short name.",
            required: false,
            secret: false,
            example: Some("{\"partnersandbox3\": \"1b8e53d3-d810-455b-b287-e35a6555bde2\"}"),
        },
    ],
    capabilities: Capabilities {
        webhooks: true,
        order_webhooks_complete: false,
        stock_changed_since: true,
        customer_write: true,
        order_submit: true,
        returns: false,
    },
    key_hint: Some(super::keys::fingerprint),
    connect,
    simulator,
};

fn connect(config: ConnectionConfig) -> ProviderResult<Arc<dyn PosProvider>> {
    Ok(Arc::new(TreezProvider::new(&config)?))
}

/// A planted API key is used when it is an RSA private key; any other credential
/// cannot sign Treez's tokens, so the simulator's own key stands.
fn simulator(
    store: SimStore,
    sim: SimulatorOptions,
) -> BoxFuture<'static, std::io::Result<Box<dyn Simulator>>> {
    let options = TreezSimOptions {
        addr: sim.addr,
        dispensary: sim.location,
        keys: sim
            .api_key
            .and_then(|key| RsaKeys::from_private_pem(&key).ok()),
        ..TreezSimOptions::default()
    };
    boxed_simulator(super::simulator::start(store, options))
}
