//! A TCP proxy whose live connections a test can cut, to simulate a restarting server.
#![allow(dead_code, clippy::unwrap_used)]

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex, Weak},
};

use tokio::net::{TcpListener, TcpStream};
use tokio_util::{sync::CancellationToken, task::AbortOnDropHandle};

/// Forwards every connection to `target` until dropped.
pub struct TcpProxy {
    addr: SocketAddr,
    generation: Mutex<CancellationToken>,
    _accept: AbortOnDropHandle<()>,
}

impl TcpProxy {
    /// Listens on `127.0.0.1:0` and forwards to `target` (`host:port`).
    pub async fn start(target: &str) -> Arc<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let target = target.to_owned();
        Arc::new_cyclic(|weak: &Weak<Self>| {
            let weak = weak.clone();
            let accept = tokio::spawn(async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    let Some(proxy) = weak.upgrade() else { return };
                    let cut = proxy.generation.lock().unwrap().clone();
                    let target = target.clone();
                    tokio::spawn(async move {
                        let Ok(mut outbound) = TcpStream::connect(&target).await else {
                            return;
                        };
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                            () = cut.cancelled() => {}
                        }
                    });
                }
            });
            Self {
                addr,
                generation: Mutex::new(CancellationToken::new()),
                _accept: AbortOnDropHandle::new(accept),
            }
        })
    }

    /// The proxy's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Closes every open connection; new ones are accepted as before.
    pub fn sever(&self) {
        let mut generation = self.generation.lock().unwrap();
        generation.cancel();
        *generation = CancellationToken::new();
    }
}
