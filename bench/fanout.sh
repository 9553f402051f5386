#!/usr/bin/env bash
# Websocket subscribers on one replica: memory per subscriber and the delivery of one
# stock change to all of them, in steps up to 10,000 subscribers, in one run.
#
# Builds the release `canopy` binary and the `live_bench` example, raises the open-file
# limit (the server and the bench each hold one socket per subscriber), starts
# `canopy serve` (no demo, per-client websocket and rate limits off: every subscriber
# comes from this one machine), then runs `live_bench fanout`: a Dispense simulator
# connected through `createProviderConnection`, and at each step enough new sessions on
# /graphql/ws, each subscribed to `stockChanged` of one product. Per step it prints the
# server's resident memory growth per subscriber (VmRSS after the step minus before the
# first subscriber, divided by the subscribers) and, for one register sale of that
# product (POST /_sim/stock, then `triggerSync`), the time from the sale to the event's
# arrival at each subscriber: p50, p99, max.
#
# Settings (environment): BENCH_STEPS (1000,2500,5000,10000), BENCH_DATABASE
# (sqlite | postgres).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

steps=${BENCH_STEPS:-1000,2500,5000,10000}
largest=${steps##*,}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((largest + 1024)) ]; then
  echo "the open-file limit ($(ulimit -n)) is too low for $largest subscribers" >&2
  exit 1
fi

start_live_server "$root" fanout

echo "measuring: subscribers in steps of $steps…" >&2
figures=$("$LIVE_BENCH" "$LIVE_URL" "$LIVE_SECRET" "${BENCH_PIDS[0]}" fanout --steps "$steps")
echo "$figures"
awk -v db="${BENCH_DATABASE:-sqlite}" '
  /^baseline_rss_kib=/ { split($0, kv, "="); printf "one replica (%s), server RSS before subscribers: %.1f MiB\n", db, kv[2] / 1024
    printf "%12s %10s %10s %11s %10s %9s %9s %9s\n", "subscribers", "connect s", "RSS MiB", "KiB/sub", "delivered", "p50 ms", "p99 ms", "max ms" }
  /^subscribers=/ {
    delete f
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    printf "%12s %10s %10.1f %11s %10s %9s %9s %9s\n", f["subscribers"], f["connect_s"], f["rss_kib"] / 1024, f["kib_per_subscriber"], f["delivered"], f["p50_ms"], f["p99_ms"], f["max_ms"]
  }' <<<"$figures"
