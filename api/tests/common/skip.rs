//! Skipping a test whose service (PostgreSQL, Redis, Chromium, Node) is out of reach, so
//! that it shows: plain `cargo test` captures what passing tests print, so a test that
//! returned early would read as `ok`. [`skip`] writes its line straight to the terminal,
//! past the capture, and counts the skips of the test binary; under `CI=true` it fails
//! the test instead, so a missing service never passes silently.

use std::{
    fmt::Display,
    io::Write,
    process::{Command, Stdio},
    sync::atomic::{AtomicUsize, Ordering},
};

/// Tests of this binary skipped so far.
static SKIPPED: AtomicUsize = AtomicUsize::new(0);

/// Whether this is a CI run (`CI=true`), where no test may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|ci| ci == "true")
}

/// Skips the calling test because of `reason` (what is missing): a failure under
/// `CI=true`, otherwise a `SKIPPED <test>: <reason>` line on the terminal. The caller
/// returns right after.
pub fn skip(reason: impl Display) {
    assert!(!in_ci(), "{reason}, and CI=true allows no skipped test");
    let skipped = SKIPPED.fetch_add(1, Ordering::Relaxed) + 1;
    let current = std::thread::current();
    let test = current.name().unwrap_or("a test");
    // `eprintln!` would be captured with the output of a passing test
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {reason} ({skipped} skipped in this test binary so far)"
    );
}

/// Whether `program --version` runs (a tool a test needs, such as Node); [`skip`]s the
/// calling test when it does not.
pub fn require_program(program: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        skip(format_args!("{program} is not installed"));
    }
    found
}
