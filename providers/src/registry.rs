//! From a [`ConnectionConfig`] to a working adapter: the one place that knows which
//! vendor module serves which [`PosKind`]. The rest of Canopy calls [`connect`] and
//! holds the result as `Arc<dyn PosProvider>`.

use std::sync::Arc;

use crate::dispense::DispenseProvider;
use crate::dutchie::DutchieProvider;
use crate::error::ProviderResult;
use crate::jane::JaneProvider;
use crate::model::PosKind;
use crate::provider::{ConnectionConfig, PosProvider};

/// Builds the adapter for `config.kind`. Fails with
/// [`crate::ProviderErrorKind::Config`] when the settings are unusable; makes no call
/// to the POS.
pub fn connect(config: ConnectionConfig) -> ProviderResult<Arc<dyn PosProvider>> {
    Ok(match config.kind {
        PosKind::Dutchie => Arc::new(DutchieProvider::new(config)?),
        PosKind::Jane => Arc::new(JaneProvider::new(&config)?),
        PosKind::Dispense => Arc::new(DispenseProvider::new(&config)?),
    })
}
