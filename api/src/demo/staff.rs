//! The demo's store staff: how long they leave an online order in each status, per POS
//! kind, and the desks they work (one per demo simulator, at the store it serves).

use std::{str::FromStr, sync::Arc, time::Duration};

use providers::{
    model::PosKind,
    simulator::staff::{Desk, Staff, StaffConfig},
};

use super::Simulators;

/// Time an online order waits in each status before the staff move it on: one delay
/// for every POS kind, with overrides per kind.
///
/// Written as `10s` or `10s,jane=4s,dispense=15s` (durations as `humantime` reads
/// them; kinds by their lower-case names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffDelays {
    default: Duration,
    per_kind: Vec<(PosKind, Duration)>,
}

impl StaffDelays {
    /// The same delay at every store.
    pub fn uniform(delay: Duration) -> Self {
        Self {
            default: delay,
            per_kind: Vec::new(),
        }
    }

    /// The delay at the stores of `kind`.
    pub fn for_kind(&self, kind: PosKind) -> Duration {
        self.per_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(self.default, |(_, delay)| *delay)
    }
}

impl FromStr for StaffDelays {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut default = None;
        let mut per_kind = Vec::new();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (kind, delay) = match item.split_once('=') {
                Some((name, delay)) => {
                    let kind = PosKind::parse(name.trim())
                        .ok_or_else(|| format!("unknown POS kind `{}`", name.trim()))?;
                    (Some(kind), delay.trim())
                }
                None => (None, item),
            };
            let delay =
                humantime::parse_duration(delay).map_err(|e| format!("delay `{delay}`: {e}"))?;
            match kind {
                Some(kind) => per_kind.push((kind, delay)),
                None if default.is_some() => {
                    return Err("more than one delay without a POS kind".to_owned());
                }
                None => default = Some(delay),
            }
        }
        let default = default.ok_or("a delay for every POS kind (e.g. `10s`) is needed")?;
        Ok(Self { default, per_kind })
    }
}

/// How the demo's staff work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffSettings {
    /// Time an order waits in each status, per POS kind.
    pub delays: StaffDelays,
    /// Percentage (0–100) of online orders the stores reject or cancel.
    pub cancel_percent: u8,
}

/// Starts staff at every demo store, deciding fates from `seed`.
pub(super) fn start(simulators: &Simulators, settings: &StaffSettings, seed: u64) -> Staff {
    let desks = simulators
        .all()
        .iter()
        .map(|demo| Desk {
            location: demo.location().to_owned(),
            simulator: Arc::clone(demo.shared()),
            delay: settings.delays.for_kind(demo.kind().kind),
        })
        .collect();
    Staff::start(
        desks,
        StaffConfig {
            seed,
            cancel_percent: settings.cancel_percent,
        },
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_default_with_overrides_per_kind() {
        let delays: StaffDelays = "10s, jane=4s,dispense=1m".parse().unwrap();
        assert_eq!(delays.for_kind(PosKind::Dutchie), Duration::from_secs(10));
        assert_eq!(delays.for_kind(PosKind::Jane), Duration::from_secs(4));
        assert_eq!(delays.for_kind(PosKind::Dispense), Duration::from_secs(60));
        assert_eq!(
            "250ms".parse::<StaffDelays>().unwrap(),
            StaffDelays::uniform(Duration::from_millis(250))
        );
    }

    #[test]
    fn bad_delays_say_what_is_wrong() {
        for (text, fault) in [
            ("jane=4s", "a delay for every POS kind"),
            ("10s,square=4s", "unknown POS kind `square`"),
            ("10s,5s", "more than one delay"),
            ("soon", "delay `soon`"),
        ] {
            let error = text.parse::<StaffDelays>().unwrap_err();
            assert!(error.contains(fault), "{text}: {error}");
        }
    }
}
