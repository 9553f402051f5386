#!/usr/bin/env bash
# Incremental against full sync as the catalog grows, in one run: for each catalog size
# (BENCH_CATALOGS, default 10000,100000 products), a Dispense simulator is imported, then
# BENCH_CHANGES (1000: 1% of the largest catalog) register sales of distinct products
# are made and an incremental run times their sync, then as many more sales and a full
# reconciliation. Prints wall time, HTTP requests served by the simulator and stock rows
# changed per run; incremental cost should follow the changes, not the catalog.
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
    printf "%10s %-12s %10s %10s %14s\n", "catalog", "run", "seconds", "requests", "stock changed"
  }
  /^catalog=/ {
    delete f
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    printf "%10s %-12s %10s %10s %14s\n", f["catalog"], f["run"], f["seconds"], f["requests"], f["stock_rows_changed"]
    t[f["catalog"] "," f["run"]] = f["seconds"]; r[f["catalog"] "," f["run"]] = f["requests"]
    if (!(f["catalog"] in seen)) { seen[f["catalog"]] = 1; order[++n] = f["catalog"] }
  }
  END {
    for (i = 1; i <= n; i++) {
      c = order[i]
      if (t[c ",incremental"] > 0)
        printf "catalog %s: full / incremental = %.1fx time, %.1fx requests\n", c, t[c ",full"] / t[c ",incremental"], r[c ",full"] / r[c ",incremental"]
    }
    if (n >= 2 && t[order[1] ",incremental"] > 0)
      printf "incremental, %s vs %s products: %.2fx time, %.2fx requests (catalog %.0fx)\n", order[n], order[1],
        t[order[n] ",incremental"] / t[order[1] ",incremental"], r[order[n] ",incremental"] / r[order[1] ",incremental"], order[n] / order[1]
  }' <<<"$figures"
