//! A `redis-server` of the test's own, on a free port, that the test can hang (SIGSTOP),
//! stop and start again on the same port.

use std::{net::TcpListener, process::Stdio, time::Duration};

use tokio::process::{Child, Command};

use super::{WAIT, process::send_signal, skip};

/// A `redis-server` child process, killed when dropped.
pub struct OwnRedis {
    child: Option<Child>,
    port: u16,
}

impl OwnRedis {
    /// Starts one on a free port and waits until it answers; `None` (skip) without
    /// `redis-server`, a failure under `CI=true`.
    pub async fn start() -> Option<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = match spawn(port) {
            Ok(child) => child,
            Err(error) => {
                skip::skip(format_args!("redis-server cannot run ({error})"));
                return None;
            }
        };
        let redis = Self {
            child: Some(child),
            port,
        };
        redis.answering().await;
        Some(redis)
    }

    /// `redis://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// SIGSTOP (`STOP`) or SIGCONT (`CONT`).
    pub fn signal(&self, signal: &str) {
        send_signal(self.running().id().unwrap(), signal);
    }

    /// Kills the server (its data is gone: it keeps nothing on disk) and waits for it to exit.
    pub async fn stop(&mut self) {
        let mut child = self.child.take().expect("redis is running");
        child.kill().await.unwrap();
    }

    /// Starts it again on the same port and waits until it answers.
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "redis is already running");
        self.child = Some(spawn(self.port).unwrap());
        self.answering().await;
    }

    fn running(&self) -> &Child {
        self.child.as_ref().expect("redis is running")
    }

    async fn answering(&self) {
        let client = redis::Client::open(self.url()).unwrap();
        tokio::time::timeout(WAIT, async {
            loop {
                if let Ok(mut connection) = client.get_multiplexed_async_connection().await
                    && redis::cmd("PING")
                        .query_async::<String>(&mut connection)
                        .await
                        .is_ok()
                {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("redis-server did not answer in time");
    }
}

fn spawn(port: u16) -> std::io::Result<Child> {
    Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
}
