#!/usr/bin/env bash
# Full catalog pull per registered vendor from its simulator through its adapter (release build):
# items, HTTP requests and seconds, side by side in one run.
# Usage: bench/catalog_pull.sh [products]   (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/canopy/target}"
cargo run --quiet --release -p providers --example catalog_pull -- "${1:-10000}"
