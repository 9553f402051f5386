#!/usr/bin/env bash
# Propagation latency of a register stock change to a GraphQL `stockChanged` subscriber
# over /graphql/ws, for the webhook path and the poll path, side by side in one run.
#
# Builds the release `canopy` binary and the `live_bench` example, starts `canopy serve`
# (workers on, no demo) on a fresh database, then runs `live_bench propagation`, which
# starts a Jane and a Dispense simulator, creates a connection to each through
# `createProviderConnection` (Jane's webhooks registered at the simulator, Jane polled
# hourly; Dispense polled every BENCH_POLL_SECONDS) and makes BENCH_CHANGES stock changes
# per path through the simulators' HTTP control API:
#   webhook: staff complete an open Jane order (POST /_sim/orders/{id}/status), which
#            sells it at the register and POSTs the cart webhook to Canopy;
#   poll:    a register sale at Dispense (POST /_sim/stock), seen at the next poll.
# A change's latency runs from the control call to the event's arrival at a subscriber.
# Goals: webhook p99 < 250 ms; poll p99 < poll interval + 250 ms.
#
# Settings (environment): BENCH_CHANGES (1000), BENCH_POLL_SECONDS (5, the API's
# smallest), BENCH_PRODUCTS (250), BENCH_WEBHOOK_RATE (20 changes/s), BENCH_POLL_RATE
# (100 changes/s), BENCH_DATABASE (sqlite | postgres; postgres uses TEST_DATABASE_URL,
# default postgres://postgres@127.0.0.1:5432/test).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

changes=${BENCH_CHANGES:-1000}
poll_seconds=${BENCH_POLL_SECONDS:-5}
products=${BENCH_PRODUCTS:-250}
webhook_rate=${BENCH_WEBHOOK_RATE:-20}
poll_rate=${BENCH_POLL_RATE:-100}

start_live_server "$root" propagation

echo "measuring: $changes changes per path (webhook at $webhook_rate/s, poll at $poll_rate/s, polled every ${poll_seconds}s)…" >&2
figures=$("$LIVE_BENCH" "$LIVE_URL" "$LIVE_SECRET" "${BENCH_PIDS[0]}" propagation \
  --changes "$changes" --products "$products" --poll-seconds "$poll_seconds" \
  --webhook-rate "$webhook_rate" --poll-rate "$poll_rate")
echo "$figures"
awk -v db="${BENCH_DATABASE:-sqlite}" '
  /^path=/ {
    delete f
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    n++; path[n] = f["path"]; vendor[n] = f["vendor"]; sent[n] = f["changes"]
    got[n] = f["delivered"]; p50[n] = f["p50_ms"]; p99[n] = f["p99_ms"]; max[n] = f["max_ms"]
  }
  /^poll_interval_ms=/ { split($0, kv, "="); interval = kv[2] }
  END {
    printf "stock change -> stockChanged subscriber (release server, %s)\n", db
    printf "%-8s %-9s %8s %10s %9s %9s %9s %12s %8s\n", "path", "vendor", "changes", "delivered", "p50 ms", "p99 ms", "max ms", "goal p99", "verdict"
    for (i = 1; i <= n; i++) {
      goal = (path[i] == "webhook") ? 250 : interval + 250
      verdict = (got[i] == sent[i] && p99[i] < goal) ? "met" : "NOT met"
      printf "%-8s %-9s %8s %10s %9s %9s %9s %9s ms %8s\n", path[i], vendor[i], sent[i], got[i], p50[i], p99[i], max[i], "< " goal, verdict
    }
  }' <<<"$figures"
