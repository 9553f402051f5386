//! Key rotation: re-reads the JWKS file when it changes, so an identity provider's new
//! signing key is trusted without a restart.

use std::{sync::Arc, time::Duration, time::SystemTime};

use tokio_util::sync::CancellationToken;

use super::JwtKeys;

/// Checks the JWKS file of `keys` every `every` and reloads it when its modification time
/// changes, until `shutdown` is cancelled. A file that cannot be read or parsed is logged
/// and the previous keys stay in use. Returns at once when there is no JWKS file or
/// `every` is zero.
pub async fn watch_jwks(keys: Arc<JwtKeys>, every: Duration, shutdown: CancellationToken) {
    let Some(path) = keys.jwks_file().map(ToOwned::to_owned) else {
        return;
    };
    if every.is_zero() {
        return;
    }
    let modified = |path: &std::path::Path| -> Option<SystemTime> {
        std::fs::metadata(path)
            .and_then(|meta| meta.modified())
            .ok()
    };
    let mut seen = modified(&path);
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        let now = modified(&path);
        if now == seen {
            continue;
        }
        seen = now;
        match keys.reload_jwks() {
            Ok(count) => tracing::info!(keys = count, "reloaded the JWKS file"),
            Err(error) => tracing::warn!(%error, "kept the previous JWKS keys"),
        }
    }
}
