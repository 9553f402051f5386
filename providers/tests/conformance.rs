//! The conformance suite, once per vendor: every adapter against its own
//! simulator, through the same generic cases (see `conformance/cases.rs`).
#![allow(clippy::unwrap_used)]

#[macro_use]
#[path = "conformance/mod.rs"]
mod kit;

conformance_suite!(
    dutchie,
    simulator = |store| async move {
        providers::dutchie::simulator::start(store, Default::default())
            .await
            .unwrap()
    },
    adapter = providers::dutchie::DutchieProvider::new
);

conformance_suite!(
    jane,
    simulator = |store| async move {
        providers::jane::simulator::start(store, Default::default())
            .await
            .unwrap()
    },
    adapter = |config| providers::jane::JaneProvider::new(&config)
);

conformance_suite!(
    dispense,
    simulator = |store| async move {
        providers::dispense::simulator::start(store, Default::default())
            .await
            .unwrap()
    },
    adapter = |config| providers::dispense::DispenseProvider::new(&config)
);
