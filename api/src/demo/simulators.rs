//! The demo's simulators, one per registered POS kind, over one seeded store; the
//! n-th kind in the registry serves the store's n-th location.

use std::sync::Arc;

use providers::{
    ConnectionConfig,
    registry::{KINDS, ProviderKind, SimulatorOptions},
    simulator::{SimStore, Simulator},
};
use uuid::Uuid;

use super::DemoError;

/// One running demo simulator and the store location its connection serves.
pub struct DemoSimulator {
    kind: &'static ProviderKind,
    simulator: Arc<dyn Simulator>,
    location: String,
}

impl DemoSimulator {
    /// The registered kind it simulates.
    pub fn kind(&self) -> &'static ProviderKind {
        self.kind
    }

    /// The simulator.
    pub fn simulator(&self) -> &dyn Simulator {
        self.simulator.as_ref()
    }

    /// The simulator, shared (for the staff who work its orders).
    pub(super) fn shared(&self) -> &Arc<dyn Simulator> {
        &self.simulator
    }

    /// The external id of the store location its demo connection serves.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The demo's connection name for it; the demo finds its row by this name.
    fn connection_name(&self) -> String {
        format!("Demo store ({})", self.kind.label)
    }
}

/// The running demo simulators, in the registry's order.
pub struct Simulators(Vec<DemoSimulator>);

impl Simulators {
    /// Starts one simulator per registered kind over `store`, each serving the
    /// location at its kind's position in [`KINDS`].
    pub(super) async fn start(store: SimStore) -> Result<Self, DemoError> {
        let locations: Vec<String> =
            store.read(|s| s.locations.iter().map(|l| l.external_id.clone()).collect());
        if locations.len() < KINDS.len() {
            return Err(DemoError::TooFewLocations(KINDS.len()));
        }
        let mut simulators = Vec::with_capacity(KINDS.len());
        for (kind, location) in KINDS.iter().zip(locations) {
            let options = SimulatorOptions {
                location: Some(location.clone()),
                ..SimulatorOptions::default()
            };
            let simulator = Arc::from((kind.simulator)(store.clone(), options).await?);
            simulators.push(DemoSimulator {
                kind,
                simulator,
                location,
            });
        }
        Ok(Self(simulators))
    }

    /// Each simulator's position in [`Simulators::all`], connection name and
    /// configuration (the connection id in it is a placeholder: the stored row has its
    /// own).
    pub(super) fn connections(&self) -> Vec<(usize, String, ConnectionConfig)> {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(index, demo)| {
                let config = demo
                    .simulator
                    .connection_config_at(Uuid::nil(), &demo.location)?;
                Some((index, demo.connection_name(), config))
            })
            .collect()
    }

    /// Every demo simulator, in the registry's order.
    pub fn all(&self) -> &[DemoSimulator] {
        &self.0
    }
}
