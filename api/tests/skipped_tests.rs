//! A test whose service is missing shows as skipped under plain `cargo test` (a
//! `SKIPPED` line past the output capture), and fails under `CI=true`.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Command, Output};

/// The variable that turns the stand-in below on; nothing else sets it.
const STAND_IN: &str = "CANOPY_TEST_SKIP_STAND_IN";
/// A service variable that is never set.
const ABSENT: &str = "CANOPY_TEST_ABSENT_SERVICE_URL";

/// Stands for a test whose service is out of reach; does nothing unless run by the test
/// below.
#[test]
fn stand_in_without_its_service() {
    if std::env::var_os(STAND_IN).is_none() {
        return;
    }
    assert!(common::service_url(ABSENT).is_none());
}

/// Runs the stand-in in a child test process, as `cargo test` would.
fn run_stand_in(ci: Option<&str>) -> Output {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "--exact",
            "stand_in_without_its_service",
            "--test-threads=1",
        ])
        .env(STAND_IN, "1")
        .env_remove(ABSENT)
        .env_remove("CI");
    if let Some(ci) = ci {
        command.env("CI", ci);
    }
    command.output().unwrap()
}

#[test]
fn a_test_without_its_service_says_it_was_skipped() {
    let output = run_stand_in(None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "SKIPPED stand_in_without_its_service: {ABSENT} is not set"
        )),
        "{stderr}"
    );
}

#[test]
fn a_test_without_its_service_fails_under_ci() {
    let output = run_stand_in(Some("true"));
    assert!(!output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("CI=true"), "{stdout}");
}
