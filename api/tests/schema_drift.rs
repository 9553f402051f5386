//! `schema.graphql` at the repository root is exactly what `canopy export-schema` prints.
#![allow(clippy::unwrap_used)]

use std::{path::Path, process::Command};

#[test]
fn schema_graphql_matches_export_schema() {
    let output = Command::new(env!("CARGO_BIN_EXE_canopy"))
        .arg("export-schema")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "export-schema failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let exported = String::from_utf8(output.stdout).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == exported,
        "{} is out of date with the GraphQL schema; regenerate it with\n\n    \
         cargo run --bin canopy -- export-schema > schema.graphql\n\nat the repository root \
         and commit the result.",
        path.display()
    );
}
