#!/usr/bin/env bash
# Orders end to end on PostgreSQL: sustained placeOrder throughput and latency while the
# outbox drains to the three POS simulators.
#
# Builds the release `canopy` binary and the `orders_load` example, starts
# `canopy serve --demo` on a fresh PostgreSQL database (the simulators run in process,
# the outbox sender and status pollers with it), lets the demo import its catalog, then
# runs the load generator: BENCH_CONCURRENCY customers placing one-unit orders with
# unique idempotency keys for BENCH_SECONDS, then waiting until no order is PENDING.
# Prints orders/s, p50/p99 latency of placeOrder, refusals (stock and compliance, expected
# once the demo stock runs low) and how the outbox drained: orders delivered to the POS
# simulators, still pending after BENCH_DRAIN_SECONDS, and the delivery rate. The
# simulators enforce the vendors' documented rate limits (Dutchie 120 calls/min per key,
# Dispense 500 per 5 min) and the adapters pace themselves to them, so a burst larger
# than those budgets drains at the POS's pace, not Canopy's.
#
# Settings (environment): TEST_DATABASE_URL (postgres://postgres@127.0.0.1:5432/test),
# BENCH_SECONDS (10), BENCH_CONCURRENCY (16), BENCH_DRAIN_SECONDS (60).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

seconds=${BENCH_SECONDS:-10}
concurrency=${BENCH_CONCURRENCY:-16}
drain=${BENCH_DRAIN_SECONDS:-60}
base=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
secret="bench-secret-that-is-long-enough-for-hs256!"

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/canopy/target}
echo "building release binaries…" >&2
(cd "$root" && cargo build --quiet --release -p api --bin canopy --example orders_load)
canopy=$CARGO_TARGET_DIR/release/canopy
load=$CARGO_TARGET_DIR/release/examples/orders_load

work=$(mktemp -d)
database="canopy_bench_orders_$$"
psql "$base" -qc "CREATE DATABASE $database" >/dev/null
trap 'stop_servers; psql "$base" -qc "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
url="${base%/*}/$database"

port=$(free_port)
unset REDIS_URL
DATABASE_URL=$url CANOPY_JWT_SECRET=$secret CANOPY_OUTBOX_POLL_INTERVAL=50ms \
  CANOPY_ORDER_STATUS_INTERVAL=5s RUST_LOG=warn \
  start_server "$work/canopy.log" "$canopy" serve --demo --addr "127.0.0.1:$port"
wait_ready "http://127.0.0.1:$port/readyz"
# the demo imports its catalog in the background: give it a moment
sleep 3

echo "placing orders for ${seconds}s with $concurrency customers at once…" >&2
figures=$("$load" "http://127.0.0.1:$port/graphql" "$secret" "$seconds" "$concurrency" "$drain")
echo "$figures"
awk '{
  for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
  printf "orders/s (placeOrder, sustained): %s\n", f["orders_per_s"]
  printf "placeOrder latency p50 / p99:     %s ms / %s ms\n", f["p50_ms"], f["p99_ms"]
  printf "placed / refused / errors:        %s / %s / %s\n", f["placed"], f["refused"], f["errors"]
  printf "delivered to the POS / pending:   %s / %s, %s s after the load\n", f["delivered"], f["pending"], f["drain_s"]
  printf "delivery rate (load + drain):     %s orders/s (paced by the POS rate limits)\n", f["delivered_per_s"]
}' <<<"$figures"
