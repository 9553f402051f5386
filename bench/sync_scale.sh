#!/usr/bin/env bash
# Incremental against full sync as the catalog grows, in one run: for each catalog size
# (BENCH_CATALOGS, default 10000,100000 products), a Dispense simulator is imported, then
# BENCH_CHANGES (1000: 1% of the largest catalog) register sales of distinct products
# are made and an incremental run times their sync, then as many more sales and a full
# reconciliation. Prints per run the wall time and its split between pulling (HTTP to
# the simulator and the adapter) and applying (the sync engine and the database), the
# HTTP requests the simulator served, the rows the adapter returned and the stock rows
# changed; incremental cost should follow the changes, not the catalog. The simulator
# filters its whole catalog for every page it serves, so at 100k products the pulling
# time says more about the simulator than about a real POS; applying is Canopy's own.
#
# The sync engine runs in the `sync_scale` example (release build) on a fresh database,
# as the pollers run it; the simulator's server-side rate limit is off.
# Settings (environment): BENCH_CATALOGS, BENCH_CHANGES, BENCH_DATABASE (sqlite | postgres).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

catalogs=${BENCH_CATALOGS:-10000,100000}
changes=${BENCH_CHANGES:-1000}

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/canopy/target}
echo "building the release example…" >&2
(cd "$root" && cargo build --quiet --release -p api --example sync_scale)

work=$(mktemp -d)
trap 'drop_bench_database; rm -rf "$work"' EXIT
bench_database "$work" sync_scale

echo "measuring catalogs of $catalogs products with $changes changes…" >&2
figures=$(RUST_LOG=warn "$CARGO_TARGET_DIR/release/examples/sync_scale" "$BENCH_DATABASE_URL" "$catalogs" "$changes")
echo "$figures"
awk -v db="${BENCH_DATABASE:-sqlite}" -v changes="$changes" '
  BEGIN {
    printf "Dispense catalog sync on %s, %s sales before each measured run\n", db, changes
    printf "(pulling: HTTP to the simulator and the adapter; applying: the sync engine and the database)\n"
    printf "%8s %-12s %9s %9s %9s %9s %10s %14s\n", "catalog", "run", "total s", "pulling", "applying", "requests", "rows read", "stock changed"
  }
  /^catalog=/ {
    delete f
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    apply = f["seconds"] - f["pulling_s"]
    printf "%8s %-12s %9.3f %9.3f %9.3f %9s %10s %14s\n", f["catalog"], f["run"], f["seconds"], f["pulling_s"], apply, f["requests"], f["rows_read"], f["stock_rows_changed"]
    k = f["catalog"] "," f["run"]
    t[k] = f["seconds"]; a[k] = apply; r[k] = f["requests"]; rows[k] = f["rows_read"]
    if (!(f["catalog"] in seen)) { seen[f["catalog"]] = 1; order[++n] = f["catalog"] }
  }
  END {
    for (i = 1; i <= n; i++) {
      c = order[i]
      printf "catalog %s: full / incremental = %.1fx total time, %.1fx applying, %.1fx requests, %.1fx rows\n", c,
        t[c ",full"] / t[c ",incremental"], a[c ",full"] / a[c ",incremental"], r[c ",full"] / r[c ",incremental"], rows[c ",full"] / rows[c ",incremental"]
    }
    if (n >= 2) {
      lo = order[1] ",incremental"; hi = order[n] ",incremental"
      printf "incremental, %s vs %s products (catalog %.0fx): %.2fx total time, %.2fx applying, %.2fx requests, %.2fx rows\n", order[n], order[1], order[n] / order[1],
        t[hi] / t[lo], a[hi] / a[lo], r[hi] / r[lo], rows[hi] / rows[lo]
    }
  }' <<<"$figures"
