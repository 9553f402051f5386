//! Write transactions of checkout. On SQLite they start `BEGIN IMMEDIATE`, taking the
//! write lock at once (as the sync engine and the status applier do), so a transaction
//! that reads before it writes cannot fail with a lock upgrade; on PostgreSQL row locks
//! and conditional UPDATEs are the guards.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

/// Begins a write transaction on `db`.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}
