//! The accept loop: owns the listening socket and every HTTP/1.1 connection's lifetime
//! until a request reaches the router.
//!
//! Each connection runs hyper's HTTP/1 server with websocket upgrades and a header-read
//! timeout (`CANOPY_HEADER_READ_TIMEOUT`). hyper starts that timer whenever the
//! connection waits for a request head, so it closes all three idle shapes: a
//! connection that never sends a byte, a request whose head trickles in, and a keep-alive
//! connection idle between requests. (hyper-util's `auto` builder is not used: with
//! upgrades it first sniffs for an HTTP/2 preface with no timeout at all, which would
//! keep a silent connection open forever.)
//!
//! On shutdown the loop stops accepting, asks every connection to finish its in-flight
//! request and close, and waits for them up to the grace period.

use std::{convert::Infallible, io, net::SocketAddr, time::Duration};

use axum::{Router, extract::connect_info::IntoMakeServiceWithConnectInfo};
use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tower::ServiceExt;

/// How long the loop pauses after an accept error that is not about one connection
/// (for example too many open files), so it does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// Serves `router` on `listener` until `shutdown`, then lets open connections finish for
/// up to `grace`.
pub(super) async fn serve(
    listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    shutdown: CancellationToken,
    grace: Duration,
) {
    let make = router.into_make_service_with_connect_info::<SocketAddr>();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let connections = TaskTracker::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shutdown.cancelled() => break,
        };
        match accepted {
            Ok((stream, peer)) => {
                connections.spawn(connection(
                    stream,
                    peer,
                    make.clone(),
                    builder.clone(),
                    shutdown.clone(),
                ));
            }
            Err(error) if is_connection_error(&error) => {}
            Err(error) => {
                tracing::warn!(%error, "cannot accept connections; retrying");
                tokio::select! {
                    () = tokio::time::sleep(ACCEPT_BACKOFF) => {}
                    () = shutdown.cancelled() => break,
                }
            }
        }
    }
    drop(listener);
    connections.close();
    if tokio::time::timeout(grace, connections.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            ?grace,
            "requests still running after the grace period; closing them"
        );
    }
}

/// Serves one connection; on `shutdown`, lets its in-flight request finish, then closes.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    make: IntoMakeServiceWithConnectInfo<Router, SocketAddr>,
    builder: http1::Builder,
    shutdown: CancellationToken,
) {
    let service = make
        .oneshot(peer)
        .await
        .unwrap_or_else(|never: Infallible| match never {});
    let connection = builder
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
        .with_upgrades();
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        () = shutdown.cancelled() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = result {
        tracing::debug!(%error, %peer, "connection closed with an error");
    }
}

/// Errors that concern one connection only: the loop goes on at once.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
