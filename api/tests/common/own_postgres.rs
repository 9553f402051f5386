//! A PostgreSQL cluster of the test's own (`initdb` into a temporary directory, `pg_ctl`
//! on a free port), which the test can stop and start again: the machine's shared server
//! is never stopped. As root, the cluster's commands run as the `postgres` user (the
//! server refuses to run as root). Without PostgreSQL's binaries the test is skipped,
//! except under `CI=true`.

use std::{
    net::TcpListener,
    os::unix::fs::{PermissionsExt, chown},
    path::PathBuf,
    process::Command,
};

use tempfile::TempDir;

use super::skip;

/// A running cluster, stopped (immediately) and removed when dropped.
pub struct OwnPostgres {
    bin: PathBuf,
    dir: TempDir,
    port: u16,
    owner: Option<String>,
}

impl OwnPostgres {
    /// Creates and starts a cluster with trust authentication on a free port; `None`
    /// (skip) without `initdb`, a failure under `CI=true`.
    pub fn start() -> Option<Self> {
        let Some(bin) = bin_dir() else {
            skip::skip(format_args!("PostgreSQL's initdb is not installed"));
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let owner = is_root().then(|| "postgres".to_owned());
        if owner.is_some() {
            // the server runs as `postgres`: it must reach and own its directory
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
            let uid = user_id("postgres");
            chown(dir.path(), Some(uid), None).unwrap();
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Self {
            bin,
            dir,
            port,
            owner,
        };
        let data = cluster.data();
        cluster.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        );
        cluster.start_server();
        Some(cluster)
    }

    /// `postgres://postgres@127.0.0.1:{port}/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server (fast shutdown: sessions are cut, as in a restart) and waits.
    pub fn stop(&self) {
        self.pg_ctl(&["-m", "fast", "stop"]);
    }

    /// Starts the server again on the same port and waits until it accepts connections.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log");
        self.pg_ctl(&["-o", &options, "-l", log.to_str().unwrap(), "start"]);
    }

    /// Freezes the server and its sessions (`SIGSTOP`), as a hung host or network would:
    /// connections are accepted by the kernel and never answered.
    pub fn hang(&self) {
        for pid in self.processes() {
            super::process::send_signal(pid, "STOP");
        }
    }

    /// Lets a [`hung`](Self::hang) server go on (`SIGCONT`).
    pub fn resume(&self) {
        for pid in self.processes().into_iter().rev() {
            super::process::send_signal(pid, "CONT");
        }
    }

    /// The postmaster (first line of `postmaster.pid`), then its children.
    fn processes(&self) -> Vec<u32> {
        let pid_file = std::fs::read_to_string(self.data().join("postmaster.pid")).unwrap();
        let postmaster: u32 = pid_file.lines().next().unwrap().trim().parse().unwrap();
        let children = Command::new("pgrep")
            .args(["-P", &postmaster.to_string()])
            .output()
            .unwrap();
        let mut pids = vec![postmaster];
        pids.extend(
            String::from_utf8_lossy(&children.stdout)
                .lines()
                .filter_map(|line| line.trim().parse::<u32>().ok()),
        );
        pids
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn pg_ctl(&self, args: &[&str]) {
        let data = self.data();
        let mut all = vec!["-D", data.to_str().unwrap(), "-w"];
        all.extend_from_slice(args);
        self.run("pg_ctl", &all);
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self.command(program).args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// `program` of the cluster's binaries, as the cluster's owner.
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        match &self.owner {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(program);
                command
            }
            None => Command::new(program),
        }
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        // a hung server would not stop
        if let Ok(pid_file) = std::fs::read_to_string(self.data().join("postmaster.pid"))
            && let Some(postmaster) = pid_file.lines().next()
        {
            let _ = Command::new("pkill")
                .args(["-CONT", "-P", postmaster.trim()])
                .output();
            let _ = Command::new("kill")
                .args(["-CONT", postmaster.trim()])
                .output();
        }
        let data = self.data();
        let _ = self
            .command("pg_ctl")
            .args([
                "-D",
                data.to_str().unwrap_or_default(),
                "-m",
                "immediate",
                "stop",
            ])
            .output();
    }
}

/// The newest `/usr/lib/postgresql/*/bin` holding `initdb`.
fn bin_dir() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    found.sort();
    found.pop()
}

fn is_root() -> bool {
    user_id_of(&["-u"]) == 0
}

fn user_id(user: &str) -> u32 {
    user_id_of(&["-u", user])
}

fn user_id_of(args: &[&str]) -> u32 {
    let output = Command::new("id").args(args).output().unwrap();
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap()
}
