//! Leases: one holder per named job (one poller per connection) across every replica
//! sharing the database, in the `sync_leases` table.
//!
//! Taking and renewing a lease is one atomic upsert: the row is written only when it is
//! free, lapsed, or already ours, so two replicas racing for it cannot both win (the
//! same statement works on PostgreSQL and on SQLite, where it elects within one process).
//! A holder renews well before expiry; a holder that dies stops renewing and the lease
//! lapses, so a standby takes it over within one lease period (plus its retry interval).
//! Expiry uses the replicas' clocks, which are assumed to agree to well within a period.

use std::{future::Future, time::Duration};

use chrono::{TimeDelta, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbErr, DeriveIden,
    sea_query::{Expr, ExprTrait, OnConflict, Query},
};

/// The `sync_leases` table.
#[derive(Clone, Copy, DeriveIden)]
enum SyncLeases {
    Table,
    Name,
    Holder,
    ExpiresAt,
}

/// A lease on one named job, as one holder sees it. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Lease {
    db: DatabaseConnection,
    name: String,
    holder: String,
    period: Duration,
}

impl Lease {
    /// `holder`'s view of the lease `name`, held for `period` after each renewal.
    pub fn new(
        db: DatabaseConnection,
        name: impl Into<String>,
        holder: impl Into<String>,
        period: Duration,
    ) -> Self {
        Self {
            db,
            name: name.into(),
            holder: holder.into(),
            period,
        }
    }

    /// The lease period.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// How often a holder renews: a third of the period, so two renewals may fail
    /// before the lease lapses.
    pub fn renew_interval(&self) -> Duration {
        self.period / 3
    }

    /// Takes the lease when it is free or lapsed, or renews it when already held;
    /// `true` when this holder holds it for the next period.
    pub async fn acquire(&self) -> Result<bool, DbErr> {
        let now = Utc::now();
        let expires = now + TimeDelta::from_std(self.period).unwrap_or(TimeDelta::MAX);
        let mut upsert = Query::insert();
        upsert
            .into_table(SyncLeases::Table)
            .columns([SyncLeases::Name, SyncLeases::Holder, SyncLeases::ExpiresAt])
            .values([
                self.name.clone().into(),
                self.holder.clone().into(),
                expires.into(),
            ])
            .map_err(|error| DbErr::Custom(error.to_string()))?
            .on_conflict(
                OnConflict::column(SyncLeases::Name)
                    .update_columns([SyncLeases::Holder, SyncLeases::ExpiresAt])
                    .action_and_where(
                        Expr::col((SyncLeases::Table, SyncLeases::Holder))
                            .eq(self.holder.clone())
                            .or(Expr::col((SyncLeases::Table, SyncLeases::ExpiresAt)).lt(now)),
                    )
                    .to_owned(),
            );
        Ok(self.db.execute(&upsert).await?.rows_affected() > 0)
    }

    /// Gives the lease up (when held by this holder), so a standby need not wait for
    /// it to lapse.
    pub async fn release(&self) -> Result<(), DbErr> {
        let delete = Query::delete()
            .from_table(SyncLeases::Table)
            .and_where(Expr::col(SyncLeases::Name).eq(self.name.clone()))
            .and_where(Expr::col(SyncLeases::Holder).eq(self.holder.clone()))
            .to_owned();
        self.db.execute(&delete).await.map(|_| ())
    }

    /// Runs `work` while renewing the lease every [`Self::renew_interval`]; `None`
    /// when the lease was lost first (then `work` is dropped, which rolls back any
    /// transaction it had open). A renewal that fails on a database error counts as
    /// lost: this holder can no longer prove it holds the lease.
    pub async fn hold_while<F: Future>(&self, work: F) -> Option<F::Output> {
        tokio::pin!(work);
        loop {
            tokio::select! {
                output = &mut work => return Some(output),
                () = tokio::time::sleep(self.renew_interval()) => match self.acquire().await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!(lease = %self.name, "lease lost to another holder");
                        return None;
                    }
                    Err(error) => {
                        tracing::warn!(lease = %self.name, %error, "lease renewal failed");
                        return None;
                    }
                },
            }
        }
    }
}
