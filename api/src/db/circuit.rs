//! Fails fast while PostgreSQL does not answer.
//!
//! Without it, every request made while the database is unreachable waits out the pool's
//! acquire timeout (`CANOPY_DB_TIMEOUT`) before it is told `UPSTREAM_UNAVAILABLE`; when
//! the network to the database hangs rather than refuses, queries on pooled connections
//! wait longer still. A background probe pings the database every
//! `CANOPY_DB_PROBE_INTERVAL`, each ping bounded by the database timeout: after
//! [`THRESHOLD`] failed pings in a row the circuit opens, and requests that need the
//! database are refused at once (the GraphQL endpoint answers 503 `UPSTREAM_UNAVAILABLE`
//! with `Retry-After`; responses cached earlier are still served). The first ping that
//! succeeds closes it. Only the probe decides, never a request's error, so a slow
//! statement or a busy pool under load does not open it.
//!
//! SQLite is a file in the process: its circuit never opens. State changes are logged and
//! shown in the gauge `canopy_database_circuit_open`.

use std::{
    sync::{
        Arc, Weak,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use sea_orm::{DatabaseConnection, DbBackend};

/// Failed pings in a row that open the circuit: one lost ping is not an outage.
pub const THRESHOLD: u32 = 2;

/// Whether the database is known to be unreachable; cheap to query per request.
pub struct DbCircuit {
    open: AtomicBool,
    db: DatabaseConnection,
}

impl DbCircuit {
    /// The circuit of `db`: for PostgreSQL, probed every `interval` (each ping allowed
    /// `timeout`) by a task that ends when the circuit is dropped; for SQLite, always
    /// closed.
    pub fn start(db: DatabaseConnection, interval: Duration, timeout: Duration) -> Arc<Self> {
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        let circuit = Arc::new(Self {
            open: AtomicBool::new(false),
            db,
        });
        if postgres {
            metrics::gauge!("canopy_database_circuit_open").set(0.0);
            tokio::spawn(probe(Arc::downgrade(&circuit), interval, timeout));
        }
        circuit
    }

    /// `true` while the database is known not to answer.
    pub fn is_open(&self) -> bool {
        self.open.load(Ordering::Relaxed)
    }

    fn set(&self, open: bool) {
        if self.open.swap(open, Ordering::Relaxed) != open {
            metrics::gauge!("canopy_database_circuit_open").set(if open { 1.0 } else { 0.0 });
            if open {
                tracing::warn!(
                    "database unreachable: requests that need it are refused at once until it answers"
                );
            } else {
                tracing::info!("database answers again");
            }
        }
    }
}

/// Pings the circuit's database every `interval` while the circuit lives.
async fn probe(circuit: Weak<DbCircuit>, interval: Duration, timeout: Duration) {
    let mut failed = 0_u32;
    loop {
        tokio::time::sleep(interval).await;
        let Some(circuit) = circuit.upgrade() else {
            return;
        };
        let answered = matches!(
            tokio::time::timeout(timeout, circuit.db.ping()).await,
            Ok(Ok(()))
        );
        failed = if answered {
            0
        } else {
            failed.saturating_add(1)
        };
        if answered {
            circuit.set(false);
        } else if failed >= THRESHOLD {
            circuit.set(true);
        }
    }
}
