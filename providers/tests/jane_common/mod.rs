//! What the Jane tests share: a seeded simulator and an adapter connected to it.

#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use providers::ConnectionConfig;
use providers::jane::JaneProvider;
use providers::jane::simulator::{self, JaneSimOptions, JaneSimulator};
use providers::simulator::Simulator;
use providers::simulator::seed::{self, SeedConfig};
use uuid::Uuid;

/// A Jane simulator over a seeded store.
pub async fn sim(seed: SeedConfig, options: JaneSimOptions) -> JaneSimulator {
    simulator::start(seed::seeded(&seed), options)
        .await
        .unwrap()
}

/// A simulator with the default seed and options.
pub async fn default_sim() -> JaneSimulator {
    sim(SeedConfig::default(), JaneSimOptions::default()).await
}

/// The simulator's connection config with fast retries and `extra` settings merged in.
pub fn config(sim: &JaneSimulator, extra: serde_json::Value) -> ConnectionConfig {
    let mut config = sim.connection_config(Uuid::new_v4());
    let settings = config.settings.as_object_mut().unwrap();
    settings.insert(
        "http".to_owned(),
        serde_json::json!({"base_backoff_ms": 1, "max_backoff_ms": 5}),
    );
    if let serde_json::Value::Object(extra) = extra {
        settings.extend(extra);
    }
    config
}

/// An adapter connected to `sim` with `extra` settings.
pub fn provider(sim: &JaneSimulator, extra: serde_json::Value) -> JaneProvider {
    JaneProvider::new(&config(sim, extra)).unwrap()
}

/// Token requests the simulator has served.
pub fn token_requests(sim: &JaneSimulator) -> u64 {
    sim.faults().requests("/oauth/token")
}

/// Options with tokens that live `ttl`.
pub fn with_ttl(ttl: Duration) -> JaneSimOptions {
    JaneSimOptions {
        token_ttl: ttl,
        ..JaneSimOptions::default()
    }
}
