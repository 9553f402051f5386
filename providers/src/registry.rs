//! The one list of POS kinds Canopy speaks to, and what each one offers: its label,
//! the settings a connection form asks for, its capabilities, a factory for its
//! adapter and one for its simulator.
//!
//! Each vendor module exports its [`ProviderKind`] (`<vendor>::KIND`); [`KINDS`] lists
//! them. Nothing else in Canopy matches on a [`PosKind`]: the API, `canopy simulate`,
//! the demo, the admin page (through `Query.posKinds`) and the test kits ask here.
//! Adding a POS is a vendor folder plus one line in [`KINDS`].

use std::{
    net::{Ipv4Addr, SocketAddr},
    sync::Arc,
};

use futures::future::BoxFuture;

use crate::error::ProviderResult;
use crate::model::{Capabilities, PosKind};
use crate::provider::{ConnectionConfig, PosProvider};
use crate::simulator::{SimStore, Simulator};

/// Every registered POS kind, in the order forms and listings show them.
pub static KINDS: &[ProviderKind] = &[
    crate::dutchie::KIND,
    crate::jane::KIND,
    crate::dispense::KIND,
    crate::treez::KIND,
];

/// The hint of a connection's API key (at most 8 characters) for a kind whose key is not
/// hinted at by its last characters; `None` when the key is not of the expected form.
pub type KeyHintFn = fn(&str) -> Option<String>;

/// Builds an adapter from a connection's configuration (no call to the POS).
pub type ConnectFn = fn(ConnectionConfig) -> ProviderResult<Arc<dyn PosProvider>>;

/// Starts a simulator of the kind over a (seeded) store, as `SimulatorOptions` say.
pub type SimulatorFn =
    fn(SimStore, SimulatorOptions) -> BoxFuture<'static, std::io::Result<Box<dyn Simulator>>>;

/// What every kind's simulator factory accepts; each vendor keeps its own options
/// (credentials, rate limits, …) at their defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatorOptions {
    /// Where to listen (port 0 picks a free one).
    pub addr: SocketAddr,
    /// The store location (external id) the simulator serves, for a vendor whose
    /// server is scoped to one store; `None` leaves the vendor's default.
    pub location: Option<String>,
    /// The API key the simulator accepts for the store its `connection_config` reaches,
    /// for tests that plant a credential and look for it; `None` leaves the vendor's
    /// default. It is what that config carries as `api_key`: Dutchie's location key,
    /// Jane's client id, Dispense's API key.
    pub api_key: Option<String>,
}

impl SimulatorOptions {
    /// Listening on `addr`, with the vendor's default store scope.
    pub fn at(addr: SocketAddr) -> Self {
        Self {
            addr,
            location: None,
            api_key: None,
        }
    }
}

impl Default for SimulatorOptions {
    /// A free loopback port, the vendor's default store scope.
    fn default() -> Self {
        Self::at(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
    }
}

/// One POS kind as Canopy knows it.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "PosKindInfo"))]
pub struct ProviderKind {
    /// The kind.
    pub kind: PosKind,
    /// Its name for people, e.g. `Dutchie`.
    pub label: &'static str,
    /// The connection settings a form offers (a connection may carry others).
    pub settings: &'static [SettingField],
    /// What the vendor offers beyond the common trait; adapters report the same.
    pub capabilities: Capabilities,
    /// How its API key is hinted at, when not by its last four characters (a private
    /// key's last characters are its PEM footer).
    #[cfg_attr(feature = "graphql", graphql(skip))]
    pub key_hint: Option<KeyHintFn>,
    /// Builds the adapter.
    #[cfg_attr(feature = "graphql", graphql(skip))]
    pub connect: ConnectFn,
    /// Starts the simulator.
    #[cfg_attr(feature = "graphql", graphql(skip))]
    pub simulator: SimulatorFn,
}

/// One field of a connection's `settings`, as a form shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "PosSettingField"))]
pub struct SettingField {
    /// The settings key, e.g. `store_id`.
    pub name: &'static str,
    /// Its name for people.
    pub label: &'static str,
    /// One sentence of help.
    pub help: &'static str,
    /// A connection of this kind cannot work without it.
    pub required: bool,
    /// The value is a secret (never shown back).
    pub secret: bool,
    /// An example value, if one helps.
    pub example: Option<&'static str>,
}

/// A vendor's simulator start-up as a [`SimulatorFn`] answer: `start` runs when the
/// future is awaited and its simulator is boxed.
pub fn boxed_simulator<S, F>(start: F) -> BoxFuture<'static, std::io::Result<Box<dyn Simulator>>>
where
    S: Simulator + 'static,
    F: Future<Output = std::io::Result<S>> + Send + 'static,
{
    Box::pin(async move {
        let simulator: Box<dyn Simulator> = Box::new(start.await?);
        Ok(simulator)
    })
}

/// The registration of `kind`.
pub fn kind(kind: PosKind) -> &'static ProviderKind {
    KINDS
        .iter()
        .find(|k| k.kind == kind)
        .unwrap_or_else(|| unreachable!("{kind:?} is not registered in KINDS"))
}

/// Builds the adapter for `config.kind`. Fails with
/// [`crate::ProviderErrorKind::Config`] when the settings are unusable; makes no call
/// to the POS.
pub fn connect(config: ConnectionConfig) -> ProviderResult<Arc<dyn PosProvider>> {
    (kind(config.kind).connect)(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_registered_once() {
        for variant in PosKind::ALL {
            assert_eq!(KINDS.iter().filter(|k| k.kind == variant).count(), 1);
            assert_eq!(kind(variant).kind, variant);
        }
        assert_eq!(KINDS.len(), PosKind::ALL.len());
    }
}
