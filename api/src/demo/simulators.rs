//! The three simulators over one seeded store, each scoped to one of its locations.

use providers::{
    ConnectionConfig,
    dispense::{self, DispenseSimOptions, DispenseSimulator},
    dutchie::{self, DutchieSimOptions, DutchieSimulator},
    jane::{self, simulator::JaneSimOptions, simulator::JaneSimulator},
    simulator::{SimStore, Simulator},
};
use url::Url;
use uuid::Uuid;

use super::DemoError;
use crate::sync::engine::TIME_ZONE_SETTING;

/// Connection names of the demo, one per POS; the demo finds its rows by them.
const DUTCHIE: &str = "Demo store (Dutchie)";
const JANE: &str = "Demo store (Jane)";
const DISPENSE: &str = "Demo store (Dispense)";

/// The running demo simulators.
pub struct Simulators {
    dutchie: DutchieSimulator,
    dutchie_location: String,
    jane: JaneSimulator,
    dispense: DispenseSimulator,
    dispense_location: String,
    dispense_time_zone: Option<String>,
}

impl Simulators {
    /// Starts the three over `store`: Dutchie serves its first location, Jane its
    /// second, Dispense its third.
    pub(super) async fn start(store: SimStore) -> Result<Self, DemoError> {
        let locations: Vec<String> =
            store.read(|s| s.locations.iter().map(|l| l.external_id.clone()).collect());
        let [dutchie_location, jane_location, dispense_location, ..] = locations.as_slice() else {
            return Err(DemoError::TooFewLocations(3));
        };
        let dutchie = dutchie::start(store.clone(), DutchieSimOptions::default()).await?;
        let jane = jane::simulator::start(
            store.clone(),
            JaneSimOptions {
                store_id: Some(jane_location.clone()),
                ..JaneSimOptions::default()
            },
        )
        .await?;
        let dispense_time_zone = store.read(|s| {
            s.location(dispense_location)
                .and_then(|l| l.time_zone.clone())
        });
        let dispense = dispense::start(store, DispenseSimOptions::default()).await?;
        Ok(Self {
            dutchie,
            dutchie_location: dutchie_location.clone(),
            jane,
            dispense,
            dispense_location: dispense_location.clone(),
            dispense_time_zone,
        })
    }

    /// Each simulator's connection name and configuration (the connection id in it is
    /// a placeholder: the stored row has its own).
    pub(super) fn connections(&self) -> Vec<(&'static str, ConnectionConfig)> {
        let placeholder = Uuid::nil();
        let mut connections = Vec::with_capacity(3);
        if let Some(key) = self
            .dutchie
            .keys()
            .iter()
            .find(|k| k.location_id == self.dutchie_location)
        {
            connections.push((
                DUTCHIE,
                self.dutchie.connection_config_for(placeholder, key),
            ));
        }
        connections.push((JANE, self.jane.connection_config(placeholder)));
        let mut dispense = self.dispense.connection_config(placeholder);
        if let Some(settings) = dispense.settings.as_object_mut() {
            settings.remove("venue_ids");
            settings.insert("venue_id".to_owned(), self.dispense_location.clone().into());
            // Dispense's venues carry no time zone: the sync engine reads it from here
            if let Some(zone) = &self.dispense_time_zone {
                settings.insert(TIME_ZONE_SETTING.to_owned(), zone.clone().into());
            }
        }
        connections.push((DISPENSE, dispense));
        connections
    }

    /// The Dutchie simulator.
    pub fn dutchie(&self) -> &DutchieSimulator {
        &self.dutchie
    }

    /// The Jane simulator.
    pub fn jane(&self) -> &JaneSimulator {
        &self.jane
    }

    /// The Dispense simulator.
    pub fn dispense(&self) -> &DispenseSimulator {
        &self.dispense
    }

    pub(super) fn dutchie_url(&self) -> &Url {
        self.dutchie.base_url()
    }

    pub(super) fn jane_url(&self) -> &Url {
        self.jane.base_url()
    }

    pub(super) fn dispense_url(&self) -> &Url {
        self.dispense.base_url()
    }
}
