//! The database connection: pool settings, SQLite pragmas and migrations.
//!
//! SQLite runs in WAL mode with a busy timeout and foreign keys on, so readers never block
//! the writer and concurrent writers wait instead of failing; PostgreSQL gets a statement
//! timeout. Both get bounded connect and acquire timeouts, and a PostgreSQL that stops
//! answering is noticed by a probe that makes requests fail fast ([`circuit`]).

mod circuit;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

pub use self::circuit::DbCircuit;
use crate::config::Config;

/// Most ids bound in one `IN (…)` list (well under SQLite's and PostgreSQL's limits).
pub const CHUNK: usize = 500;

/// Connects to `config.database_url` with the configured pool settings.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    let busy_timeout = config.db_timeout;
    let mut options = ConnectOptions::new(config.database_url.expose());
    options
        .max_connections(config.db_max_connections)
        .min_connections(config.db_min_connections)
        .connect_timeout(config.db_timeout)
        .acquire_timeout(config.db_timeout)
        .idle_timeout(config.db_idle_timeout)
        .sqlx_logging(false)
        .statement_timeout(config.db_statement_timeout)
        .map_sqlx_sqlite_opts(move |sqlite| {
            sqlite
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(busy_timeout)
                .foreign_keys(true)
        });
    Database::connect(options).await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}
