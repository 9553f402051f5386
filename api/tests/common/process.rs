//! `canopy serve` as a separate operating-system process, for tests where replicas must
//! share nothing but the database (and Redis): its own runtime, pools, caches and
//! workers. It listens on a random port, learnt from its `canopy listening` log line,
//! and is killed when dropped.
#![allow(dead_code, clippy::unwrap_used)]

use std::{
    net::SocketAddr,
    process::{ExitStatus, Stdio},
};

use base64::{Engine, engine::general_purpose::STANDARD};
use rand::RngCore;
use serde_json::Value;
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

use super::{TEST_JWT_SECRET, WAIT};

/// A `canopy serve` process.
pub struct ServerProcess {
    /// Where it listens.
    pub addr: SocketAddr,
    child: Child,
}

impl ServerProcess {
    /// Starts `canopy serve` on `database_url` (and `redis_url` when given) with the test
    /// JWT secret, a fresh master key and `extra` environment variables; returns once it
    /// listens.
    pub async fn start(
        database_url: &str,
        redis_url: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Self {
        let mut master_key = [0_u8; 32];
        rand::rng().fill_bytes(&mut master_key);
        let mut command = Command::new(env!("CARGO_BIN_EXE_canopy"));
        command
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env_clear()
            .env("DATABASE_URL", database_url)
            .env("CANOPY_JWT_SECRET", TEST_JWT_SECRET)
            .env("CANOPY_MASTER_KEY", STANDARD.encode(master_key))
            .env("CANOPY_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .envs(extra.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(redis) = redis_url {
            command.env("REDIS_URL", redis);
        }
        let mut child = command.spawn().unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = tokio::time::timeout(WAIT, async {
            while let Some(line) = lines.next_line().await.unwrap() {
                let Ok(record) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                if record["message"] == "canopy listening" {
                    return record["addr"].as_str().unwrap().parse().unwrap();
                }
            }
            panic!("canopy serve exited before listening")
        })
        .await
        .expect("canopy serve did not start listening in time");
        // Keep draining its log so the process never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self { addr, child }
    }

    /// Its operating-system process id.
    pub fn pid(&self) -> u32 {
        self.child.id().unwrap()
    }

    /// Its resident set size (`VmRSS`), in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    /// `http://127.0.0.1:port{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends the process `signal` (`TERM`, `STOP`, …) with `kill`.
    pub fn signal(&self, signal: &str) {
        send_signal(self.pid(), signal);
    }

    /// Waits for the process to exit.
    pub async fn exited(&mut self) -> ExitStatus {
        self.child.wait().await.unwrap()
    }
}

/// Sends `signal` (`TERM`, `STOP`, `CONT`, …) to process `pid` with `kill`.
pub fn send_signal(pid: u32, signal: &str) {
    let status = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal} {pid} failed");
}
