//! The demo's command-line options (`canopy serve --demo …`): the seed, and the staff
//! who work the stores' online orders.

use clap::Args;

use super::{
    DemoConfig,
    staff::{StaffDelays, StaffSettings},
};

/// Options of the demo store (flags and environment variables).
#[derive(Args, Clone, Debug, PartialEq, Eq)]
pub struct DemoArgs {
    /// Seed of the demo store's data, register traffic and order fates.
    #[arg(long = "demo-seed", env = "CANOPY_DEMO_SEED", default_value_t = 42)]
    pub seed: u64,
    /// Time the staff leave an online order in each status (accepted, ready, …), for
    /// every POS or per POS: `10s` or `10s,jane=4s,dispense=15s`.
    #[arg(
        long = "demo-staff-delay",
        env = "CANOPY_DEMO_STAFF_DELAY",
        default_value = "10s"
    )]
    pub staff_delay: StaffDelays,
    /// Percentage of online orders the demo stores reject or cancel.
    #[arg(
        long = "demo-staff-cancel-percent",
        env = "CANOPY_DEMO_STAFF_CANCEL_PERCENT",
        default_value_t = 10,
        value_parser = clap::value_parser!(u8).range(0..=100)
    )]
    pub cancel_percent: u8,
    /// No staff at the demo stores: online orders stay as submitted.
    #[arg(long = "demo-no-staff", env = "CANOPY_DEMO_NO_STAFF")]
    pub no_staff: bool,
}

impl DemoArgs {
    /// The demo these options describe (the rest as [`DemoConfig::default`]).
    pub fn config(&self) -> DemoConfig {
        let mut config = DemoConfig::default();
        config.seed.seed = self.seed;
        config.staff = (!self.no_staff).then(|| StaffSettings {
            delays: self.staff_delay.clone(),
            cancel_percent: self.cancel_percent,
        });
        config
    }
}

impl Default for DemoArgs {
    /// The clap defaults, without flags or environment.
    fn default() -> Self {
        crate::config::clap_defaults()
    }
}
