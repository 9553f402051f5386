//! A fresh, empty database per test: a SQLite file in a temporary directory, or
//! a uniquely named PostgreSQL schema (dropped by [`TestDb::close`]) reached
//! through `search_path`.

#![allow(clippy::unwrap_used, dead_code)]

pub mod fixtures;
/// Visible skips, shared with the `api` tests.
#[path = "../../../api/tests/common/skip.rs"]
pub mod skip;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use tempfile::TempDir;

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    /// A SQLite file.
    Sqlite,
    /// A schema in the PostgreSQL at `TEST_DATABASE_URL`.
    Postgres,
}

/// A fresh database; call [`TestDb::close`] at the end of the test.
pub struct TestDb {
    /// The connection, with the test's schema as search path on PostgreSQL.
    pub db: DatabaseConnection,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(TempDir),
    Postgres {
        admin: DatabaseConnection,
        schema: String,
    },
}

impl TestDb {
    /// A fresh database on `backend`, or `None` when PostgreSQL is not
    /// configured (a failure instead when `CI=true`).
    pub async fn open(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => Some(Self::sqlite().await),
            Backend::Postgres => Self::postgres().await,
        }
    }

    async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("canopy.db").display()
        );
        let db = Database::connect(url).await.unwrap();
        TestDb {
            db,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    async fn postgres() -> Option<TestDb> {
        let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
            skip::skip("TEST_DATABASE_URL is not set");
            return None;
        };
        let schema = format!("test_{}", uuid::Uuid::now_v7().simple());
        let admin = Database::connect(&url).await.unwrap();
        admin
            .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
            .await
            .unwrap();
        let mut options = ConnectOptions::new(url);
        options
            .max_connections(4)
            .set_schema_search_path(schema.clone());
        let db = Database::connect(options).await.unwrap();
        Some(TestDb {
            db,
            cleanup: Cleanup::Postgres { admin, schema },
        })
    }

    /// Closes the connection and removes the database.
    pub async fn close(self) {
        self.db.close().await.unwrap();
        match self.cleanup {
            Cleanup::Sqlite(dir) => dir.close().unwrap(),
            Cleanup::Postgres { admin, schema } => {
                admin
                    .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
                    .await
                    .unwrap();
                admin.close().await.unwrap();
            }
        }
    }
}

/// Declares, for each `name => check;`, the tests `sqlite::name` and
/// `postgres::name`, each running `check(&DatabaseConnection)` (a function of
/// the calling module) on a fresh database.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident => $check:ident;)+) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let test_db = $crate::common::TestDb::open($crate::common::Backend::Sqlite)
                        .await
                        .unwrap();
                    super::$check(&test_db.db).await;
                    test_db.close().await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(test_db) =
                        $crate::common::TestDb::open($crate::common::Backend::Postgres).await
                    else {
                        return;
                    };
                    super::$check(&test_db.db).await;
                    test_db.close().await;
                }
            )+
        }
    };
}
