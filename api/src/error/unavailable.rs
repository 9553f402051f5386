//! Telling a database that cannot answer apart from one that answered with an error.
//!
//! A request made while PostgreSQL is stopped, restarting or unreachable fails with a
//! connection error (refused, reset, the pool's acquire timeout, the server shutting
//! down). That is not a fault of ours to report as `INTERNAL` but an upstream outage:
//! the client is told `UPSTREAM_UNAVAILABLE` with a `Retry-After`, and the pool
//! reconnects by itself once the database is back.

use std::time::Duration;

use sea_orm::{DbErr, RuntimeErr, sqlx};

/// When a client may try again after the database did not answer.
pub const DATABASE_RETRY_AFTER: Duration = Duration::from_secs(2);

/// SQLSTATE classes and codes that mean the server is going away or not there yet:
/// class 08 (connection exception), 57P01 admin shutdown, 57P02 crash shutdown,
/// 57P03 cannot connect now (starting up or shutting down).
fn is_unavailable_state(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03")
}

/// Whether `error` says the database could not be reached, rather than refused a
/// statement.
pub fn database_unavailable(error: &DbErr) -> bool {
    match error {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(runtime) | DbErr::Exec(runtime) | DbErr::Query(runtime) => {
            runtime_unavailable(runtime)
        }
        _ => false,
    }
}

fn runtime_unavailable(error: &RuntimeErr) -> bool {
    let RuntimeErr::SqlxError(error) = error else {
        return false;
    };
    match error.as_ref() {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(database) => database
            .code()
            .is_some_and(|code| is_unavailable_state(&code)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sea_orm::ConnAcquireErr;

    use super::*;

    fn sqlx_error(error: sqlx::Error) -> DbErr {
        DbErr::Query(RuntimeErr::SqlxError(Arc::new(error)))
    }

    #[test]
    fn connection_failures_are_unavailable() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(database_unavailable(&sqlx_error(sqlx::Error::Io(refused))));
        assert!(database_unavailable(&sqlx_error(sqlx::Error::PoolTimedOut)));
        assert!(database_unavailable(&DbErr::ConnectionAcquire(
            ConnAcquireErr::Timeout
        )));
    }

    #[test]
    fn statement_errors_are_not() {
        assert!(!database_unavailable(&sqlx_error(sqlx::Error::RowNotFound)));
        assert!(!database_unavailable(&DbErr::RecordNotFound("x".into())));
        assert!(!database_unavailable(&DbErr::Custom("x".into())));
    }

    #[test]
    fn shutdown_states_are_unavailable() {
        assert!(is_unavailable_state("57P01"));
        assert!(is_unavailable_state("08006"));
        assert!(!is_unavailable_state("23505"));
        assert!(!is_unavailable_state("40001"));
    }
}
