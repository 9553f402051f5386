#!/usr/bin/env bash
# Peak day (4/20) on the production topology: bench/topology.sh's two API replicas,
# worker, HAProxy, PostgreSQL and Redis, with one simulator per registered POS kind.
# For BENCH_SECONDS (60) at once: shoppers read menus (every location × category × page
# size × search: 252 distinct GET queries), the registers make BENCH_CHANGES (50) stock
# changes/s, customers place BENCH_ORDERS (10) orders/s (10% cancelled), BENCH_SUBSCRIBERS
# (2000) `stockChanged` subscribers listen, and halfway api1 is SIGKILLed and restarted.
# Then the same readers load a bare axum handler serving a menu's bytes, and
# `canopy check` verifies the invariants.
#
# Prints: menu req/s and p50/p99 (Canopy through the balancer, then bare), placeOrder
# p50/p99 and outcomes, POS change → subscriber p50/p99, oversold units, orders lost or
# doubled, `canopy check` violations; writes timeline.csv and a plot (PNG, gnuplot) of
# menu throughput and p99 per second with the fault marked, and prints its path.
#
# Reading the plot: the top panel is menu requests served per second, the bottom one
# the p99 latency of menu reads and of placeOrder in that second; the red line is the
# second api1 was killed. A dip at the line is the balancer noticing the dead replica
# (its health check every 2 s); p99 should come back within a few seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"
# shellcheck source=bench/lib.sh
source bench/lib.sh

seconds=${BENCH_SECONDS:-60}
changes=${BENCH_CHANGES:-50}
orders=${BENCH_ORDERS:-10}
subscribers=${BENCH_SUBSCRIBERS:-2000}
readers=${BENCH_READERS:-16}
out=${BENCH_OUT:-$root/target/peak-day}
mkdir -p "$out"

ensure_tool gnuplot gnuplot-nox
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/canopy/target}
echo "building release binaries…" >&2
cargo build --quiet --release --locked -p api --bin canopy --example bare_json --example live_bench
export CANOPY_BIN=$CARGO_TARGET_DIR/release/canopy
export TOPOLOGY_DIR=${TOPOLOGY_DIR:-$(mktemp -d)}
# one load generator is one client: lift the per-client limits out of reach (they still run)
export CANOPY_RATE_LIMIT_PER_MINUTE=4000000000 CANOPY_RATE_LIMIT_BURST=1000000
export CANOPY_MAX_WS_PER_CLIENT=100000
export CANOPY_SYNC_RESCAN_INTERVAL=${CANOPY_SYNC_RESCAN_INTERVAL:-1s}

cleanup() { stop_servers; bench/topology.sh down >/dev/null 2>&1 || true; }
trap cleanup EXIT
bench/topology.sh up >&2
# shellcheck disable=SC1091
source "$TOPOLOGY_DIR/state.env"
lb="http://127.0.0.1:$LB_PORT"

bare_port=$(free_port)
rm -f "$out/menu.json"
"$CARGO_TARGET_DIR/release/examples/live_bench" "$lb" "$CANOPY_JWT_SECRET" "$API1_PID" peak-day \
  --seconds "$seconds" --changes-per-second "$changes" --orders-per-second "$orders" \
  --subscribers "$subscribers" --readers "$readers" --out "$out" \
  --menu-body "$out/menu.json" --bare "http://127.0.0.1:$bare_port" \
  --kill "TOPOLOGY_DIR=$TOPOLOGY_DIR bench/topology.sh kill api1" \
  >"$out/figures.txt" &
driver=$!
# the bare handler serves the bytes of the first menu page, once the driver wrote them
until [ -s "$out/menu.json" ]; do
  kill -0 "$driver" 2>/dev/null || { wait "$driver"; exit 1; }
  sleep 0.5
done
start_server "$out/bare.log" "$CARGO_TARGET_DIR/release/examples/bare_json" "$out/menu.json" "$bare_port"
wait "$driver"
cat "$out/figures.txt"

set +e
DATABASE_URL=$DATABASE_URL "$CANOPY_BIN" check >"$out/check.txt" 2>&1
check_status=$?
set -e
violations=$(grep -c $'\t' "$out/check.txt" || true)
echo "canopy_check_exit=$check_status violations=$violations (report: $out/check.txt)"

fault=$(awk -F, 'NR > 1 && $7 == 1 { print $1 }' "$out/timeline.csv")
gnuplot <<GNUPLOT
set terminal pngcairo size 1000,700
set output "$out/peak_day.png"
set datafile separator ","
set multiplot layout 2,1 title "Peak day: ${seconds}s, ${changes} changes/s, ${orders} orders/s, ${subscribers} subscribers"
set xlabel "second"
$( [ -n "$fault" ] && echo "set arrow from $fault, graph 0 to $fault, graph 1 nohead lc rgb 'red' lw 2" )
set ylabel "menu req/s"
plot "$out/timeline.csv" using 1:2 skip 1 with lines title "menu req/s"
set ylabel "p99 ms"
plot "$out/timeline.csv" using 1:3 skip 1 with lines title "menu p99", \
     "$out/timeline.csv" using 1:5 skip 1 with lines title "placeOrder p99"
unset multiplot
GNUPLOT
echo "plot=$out/peak_day.png"
