//! The sync engine: keeps Canopy's database in step with each POS connection.
//!
//! Data flows one way here: adapter ([`providers::PosProvider`]) → [`apply`] (inside
//! one database transaction per stream and batch, together with the stream's cursor)
//! → commit → [`crate::effects`] (cache invalidation, stock events, alerts). A cursor moves
//! only with the data it covers, so a transient POS or database failure leaves it
//! where it was and the next run reads the same changes again; applying them twice
//! changes nothing. [`engine`] runs the streams of one connection in order,
//! [`workers`] polls every enabled connection on its interval with a slower full
//! reconciliation, each connection polled by one replica at a time ([`lease`]), and
//! [`status`] reports how each connection is doing, from the cursors and the run
//! accounting ([`runs`], [`rejections`]). [`crate::state::control`] is the API's handle on
//! the workers (`triggerSync`, webhook wake-ups); [`discrepancy`] spots POS counts that
//! contradict Canopy's and raises alerts for them.
//!
//! This module does not talk HTTP to a POS itself (the adapters do), does not own
//! reservations (orders do) and never writes `stock_levels.reserved`.

pub mod apply;
pub mod cursor;
pub mod discrepancy;
pub mod engine;
pub mod lease;
pub(crate) mod lookup;
pub mod rejections;
pub mod runs;
pub mod status;
pub mod workers;

use providers::ProviderError;
use sea_orm::DbErr;

use crate::connections::ConnectionError;

pub use self::{
    cursor::Stream,
    engine::{RunMode, RunReport, Synchronizer},
    status::SyncStatus,
    workers::SyncWorkers,
};

/// Why a sync run stopped.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The POS call failed (after the adapter's retries).
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The connection could not be loaded or its adapter built.
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    /// A database failure; the batch was rolled back.
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

impl SyncError {
    /// Whether the next run may succeed without anyone changing anything.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Provider(error) => error.is_transient(),
            SyncError::Database(_) => true,
            SyncError::Connection(_) => false,
        }
    }
}
