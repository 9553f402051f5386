//! Turns SIGTERM and Ctrl-C into the cancellation of a shutdown token, and a shutdown
//! token into the end of its grace period.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

/// A token cancelled `grace` after `shutdown` is: when work still running (requests,
/// POS calls) is abandoned, left to the next process as leases and outbox rows.
pub fn after_grace(shutdown: &CancellationToken, grace: Duration) -> CancellationToken {
    let ended = CancellationToken::new();
    let (shutdown, end) = (shutdown.clone(), ended.clone());
    tokio::spawn(async move {
        shutdown.cancelled().await;
        tokio::time::sleep(grace).await;
        end.cancel();
    });
    ended
}

/// Cancels `token` on the first SIGTERM or Ctrl-C.
pub fn cancel_on_signal(token: CancellationToken) {
    tokio::spawn(async move {
        signal().await;
        tracing::info!("shutdown signal received");
        token.cancel();
    });
}

/// Resolves on SIGTERM or Ctrl-C; if a handler cannot be installed, on the other one only.
async fn signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
