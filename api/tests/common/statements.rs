//! Counting the SQL statements a GraphQL request runs, with sea-orm's metric callback.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use api::{
    AppState,
    auth::Viewer,
    graphql::{CanopySchema, build_schema},
    operations::Safelist,
};
use async_graphql::{Request, Variables};
use serde_json::Value;

/// A schema over a copy of an app's state whose database connection records every
/// statement it runs.
pub struct CountingSchema {
    schema: CanopySchema,
    statements: Arc<Mutex<Vec<String>>>,
}

impl CountingSchema {
    /// A schema like the server's, reading `state`'s database through a recorder.
    pub fn new(state: &AppState) -> Self {
        let statements = Arc::new(Mutex::new(Vec::new()));
        let mut db = state.db.clone();
        let recorder = Arc::clone(&statements);
        db.set_metric_callback(move |info| {
            recorder.lock().unwrap().push(info.statement.sql.clone());
        });
        let safelist = Safelist::new(db.clone(), state.config.persisted_queries);
        let schema = build_schema(
            AppState {
                db,
                ..state.clone()
            },
            safelist,
        );
        Self { schema, statements }
    }

    /// Runs `query` as `viewer`, asserting no errors; returns `data` and the SQL of every
    /// statement the request ran.
    pub async fn run(&self, viewer: Viewer, query: &str, variables: Value) -> (Value, Vec<String>) {
        self.statements.lock().unwrap().clear();
        let request = Request::new(query)
            .variables(Variables::from_json(variables))
            .data(viewer);
        let response = self.schema.execute(request).await;
        assert!(response.errors.is_empty(), "errors: {:?}", response.errors);
        let data = response.data.into_json().unwrap();
        let statements = std::mem::take(&mut *self.statements.lock().unwrap());
        (data, statements)
    }
}

/// How many of `statements` read from `table`.
pub fn reading(statements: &[String], table: &str) -> usize {
    let from = format!("FROM \"{table}\"");
    statements.iter().filter(|sql| sql.contains(&from)).count()
}

/// How many of `statements` load rows of `table` (not only filter on it in a subquery).
pub fn loading(statements: &[String], table: &str) -> usize {
    let select = format!("SELECT \"{table}\".");
    statements
        .iter()
        .filter(|sql| sql.starts_with(&select))
        .count()
}
