//! Debian's Varnish in front of a test server: `varnishd` in the foreground with
//! `deploy/varnish/canopy.vcl` pointed at the server, its own work dir (`-n`) in a
//! tempdir, no jail (`-j none`: no root-only paths or users), on a free port; stopped
//! (SIGTERM, which also stops its worker child) when dropped.
#![allow(dead_code, clippy::unwrap_used)]

use std::{
    net::{SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use tempfile::TempDir;
use tokio::process::{Child, Command};

use super::{WAIT, process::send_signal, skip::skip, wait::until};

/// Where Debian installs `varnishd`.
const DEBIAN_VARNISHD: &str = "/usr/sbin/varnishd";

/// The VCL, with the backend to fill in.
const VCL: &str = include_str!("../../../deploy/varnish/canopy.vcl");

/// A free port on the loopback interface (Varnish is told to listen on it).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `varnishd`, if installed; [`skip`]s the calling test when it is not.
pub fn varnishd() -> Option<PathBuf> {
    let found = [
        Path::new(DEBIAN_VARNISHD).to_path_buf(),
        PathBuf::from("varnishd"),
    ]
    .into_iter()
    .find(|path| {
        std::process::Command::new(path)
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    });
    if found.is_none() {
        skip("varnishd is not installed (apt-get install varnish)");
    }
    found
}

/// A running `varnishd`.
pub struct Varnish {
    /// Where it listens.
    pub addr: SocketAddr,
    child: Child,
    _dir: TempDir,
}

impl Varnish {
    /// Starts `varnishd` on `port` in front of `backend`, ready when it accepts
    /// connections.
    pub async fn start(varnishd: &Path, port: u16, backend: SocketAddr) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vcl = dir.path().join("canopy.vcl");
        std::fs::write(
            &vcl,
            VCL.replace("CANOPY_HOST", &backend.ip().to_string())
                .replace("CANOPY_PORT", &backend.port().to_string()),
        )
        .unwrap();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let child = Command::new(varnishd)
            .arg("-F")
            .args(["-j", "none"])
            .arg("-n")
            .arg(dir.path().join("work"))
            .arg("-f")
            .arg(&vcl)
            .args(["-a", &addr.to_string()])
            .args(["-T", "127.0.0.1:0"])
            .args(["-s", "malloc,32m"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        until(WAIT, "varnishd to listen", || async move {
            tokio::net::TcpStream::connect(addr).await.is_ok()
        })
        .await;
        Self {
            addr,
            child,
            _dir: dir,
        }
    }

    /// `http://127.0.0.1:port{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Varnish {
    fn drop(&mut self) {
        if let Some(pid) = self.child.id() {
            // the manager stops its worker child on TERM; a KILL would orphan it
            send_signal(pid, "TERM");
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            while std::time::Instant::now() < deadline {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}
