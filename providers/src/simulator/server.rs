//! Serving a simulator: [`spawn`] binds a router (on `127.0.0.1:0` in tests)
//! and serves it until the [`SimServer`] is shut down or dropped.

use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

/// A running simulator server; dropping it stops the server.
#[derive(Debug)]
pub struct SimServer {
    /// Where it listens, e.g. `http://127.0.0.1:41234/`.
    pub base_url: Url,
    /// The bound address.
    pub local_addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// Binds `addr` (port 0 for a free port) and serves `router` in the background.
pub async fn spawn(router: Router, addr: SocketAddr) -> std::io::Result<SimServer> {
    let listener = TcpListener::bind(addr).await?;
    let local_addr = listener.local_addr()?;
    let base_url = Url::parse(&format!("http://{local_addr}/"))
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                // A dropped sender also means shut down.
                let _ = rx.await;
            })
            .await
    });
    tracing::info!(%base_url, "simulator listening");
    Ok(SimServer {
        base_url,
        local_addr,
        shutdown: Some(tx),
        task: Some(task),
    })
}

impl SimServer {
    /// Stops accepting connections and waits for in-flight requests to finish.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
