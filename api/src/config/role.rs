//! Which part of Canopy one process runs: the API, the background work, or both.
//!
//! Any number of `api` and `worker` processes share one PostgreSQL and one Redis: the
//! workers divide the work through leases and `SKIP LOCKED`, the API replicas hold no
//! state of their own, so each side scales on its own.

use clap::ValueEnum;

/// The part of Canopy a process runs (`canopy serve --role`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ProcessRole {
    /// The API and the background work, in one process (the embedded default).
    #[default]
    All,
    /// GraphQL over HTTP and websockets, webhook intake, `/admin` and the widget; no
    /// background work.
    Api,
    /// The background work: sync pollers, webhook processing, the outbox sender, order
    /// status polls, reservation expiry, customer pushes and the reconciler, with only
    /// `/healthz`, `/readyz` and `/metrics` served.
    Worker,
}

impl ProcessRole {
    /// This process answers API requests.
    pub const fn serves_api(self) -> bool {
        !matches!(self, Self::Worker)
    }

    /// This process runs the background work.
    pub const fn runs_workers(self) -> bool {
        !matches!(self, Self::Api)
    }
}
