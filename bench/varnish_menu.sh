#!/usr/bin/env bash
# One store's menu page served by Varnish in front of Canopy, against Canopy alone.
#
# Builds the release `canopy` binary and starts `canopy serve --demo` (fresh SQLite
# file), with Debian's varnishd in front of it (deploy/varnish/canopy.vcl, its own work
# dir, no jail, a free port) and Canopy purging Varnish by surrogate key as the demo's
# registers move stock (every few seconds). Then loads the same GET of one store's menu
# (`products(locationId:, first: 50)` with that store's stock) through Varnish and
# straight from Canopy (response cache on) in alternating rounds, same connections,
# threads and duration, and prints req/s, p50 and p99 of each side by side, with how
# many of the Varnish-served requests reached Canopy (Canopy's own count, /metrics).
#
# Settings (environment): BENCH_ROUNDS (3), BENCH_DURATION (5s), BENCH_CONNECTIONS (32),
# BENCH_THREADS (1).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

rounds=${BENCH_ROUNDS:-3}
duration=${BENCH_DURATION:-5s}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-1}
varnishd=$(command -v varnishd || echo /usr/sbin/varnishd)

# The server uses the in-process cache and bus, whatever this shell points at.
unset REDIS_URL DATABASE_URL
ensure_wrk
[ -x "$varnishd" ] || { ensure_tool varnishd varnish; varnishd=/usr/sbin/varnishd; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/canopy/target}
echo "building the release binary…" >&2
(cd "$root" && cargo build --quiet --release -p api --bin canopy)
canopy=$CARGO_TARGET_DIR/release/canopy

work=$(mktemp -d)
trap 'stop_servers; rm -rf "$work"' EXIT

canopy_port=$(free_port)
varnish_port=$(free_port)
canopy_url="http://127.0.0.1:$canopy_port"
varnish_url="http://127.0.0.1:$varnish_port"

echo "starting the demo server and Varnish…" >&2
# One load generator is one client: lift its rate limit out of reach.
DATABASE_URL="sqlite://$work/canopy.db?mode=rwc" RUST_LOG=warn \
  CANOPY_RATE_LIMIT_PER_MINUTE=4000000000 CANOPY_RATE_LIMIT_BURST=1000000 \
  CANOPY_PURGE_URL="$varnish_url/" CANOPY_PURGE_METHOD=PURGE \
  CANOPY_PURGE_HEADERS='Surrogate-Key: {keys}' \
  start_server "$work/canopy.log" "$canopy" serve --demo --addr "127.0.0.1:$canopy_port"
sed -e "s/CANOPY_HOST/127.0.0.1/" -e "s/CANOPY_PORT/$canopy_port/" \
  "$root/deploy/varnish/canopy.vcl" >"$work/canopy.vcl"
start_server "$work/varnish.log" "$varnishd" -F -j none -n "$work/varnish" \
  -f "$work/canopy.vcl" -a "127.0.0.1:$varnish_port" -T 127.0.0.1:0 -s malloc,64m
wait_ready "$canopy_url/readyz" || { tail -n 20 "$work/canopy.log" >&2; exit 1; }

# The menu of the demo's first store, as a GET URL path, once its stock has arrived.
menu_path=""
for _ in $(seq 1 240); do
  menu_path=$(curl -fsS "$canopy_url/graphql" -H 'Content-Type: application/json' \
    --data-binary '{"query":"{ locations { id } }"}' 2>/dev/null | python3 -c '
import json, sys, urllib.parse
locations = json.load(sys.stdin)["data"]["locations"]
if not locations:
    sys.exit(1)
query = ("query Menu($l: ID) { products(locationId: $l, first: 50) { totalCount edges { node "
         "{ id name brand category price { amount currency } stock(locationId: $l) "
         "{ onHand reserved available updatedAt } } } } }")
variables = json.dumps({"l": locations[0]["id"]})
print("/graphql?" + urllib.parse.urlencode({"query": query, "variables": variables}))
' 2>/dev/null) && curl -fsS "$canopy_url$menu_path" | python3 -c '
import json, sys
page = json.load(sys.stdin)["data"]["products"]
sys.exit(0 if len(page["edges"]) >= 10 and all(e["node"]["stock"] for e in page["edges"]) else 1)
' 2>/dev/null && break
  menu_path=""
  sleep 0.5
done
[ -n "$menu_path" ] || { echo "the demo's menu did not arrive" >&2; tail -n 20 "$work"/*.log >&2; exit 1; }
wait_ready "$varnish_url$menu_path" || { tail -n 20 "$work/varnish.log" >&2; exit 1; }
size=$(curl -fsS "$canopy_url$menu_path" | wc -c)

# GET /graphql requests Canopy has answered so far.
reached() {
  curl -fsS "$canopy_url/metrics" | awk '
    /^http_requests_total\{/ && /method="GET"/ && /path="\/graphql"/ { n += $NF }
    END { printf "%d\n", n }'
}

names=(varnish canopy)
declare -A urls=([varnish]="$varnish_url$menu_path" [canopy]="$canopy_url$menu_path")
declare -A figures=()
load() { wrk_latency_figures -t"$threads" -c"$connections" -d"$1" -H 'Accept: application/json' "$2"; }
echo "measuring: $rounds rounds of $duration per side, $connections connections, $threads thread(s)…" >&2
for name in "${names[@]}"; do # warm-up: connections, caches, allocator
  load 1s "${urls[$name]}" >/dev/null
done
through=0
for round in $(seq 1 "$rounds"); do
  for name in "${names[@]}"; do
    before=$(reached)
    read -r rps p50 p99 failed < <(load "$duration" "${urls[$name]}")
    after=$(reached)
    if [ "$failed" -ne 0 ]; then
      echo "$name: $failed failed requests in round $round" >&2
      exit 1
    fi
    [ "$name" = varnish ] && through=$((through + after - before))
    figures[$name]+="$rps $p50 $p99;"
    echo "  round $round  $name: $rps req/s, p50 $p50 ms, p99 $p99 ms" >&2
  done
done
purged=$(curl -fsS "$canopy_url/metrics" | awk '/^canopy_edge_purges_total\{outcome="purged"\}/ { print $NF }')

python3 - "$size" "$through" "${purged:-0}" "$("$varnishd" -V 2>&1 | head -n 1)" \
  "varnish=${figures[varnish]}" "canopy=${figures[canopy]}" <<'PY'
import statistics, sys

size, through, purged, version = sys.argv[1:5]
runs = {}
for arg in sys.argv[5:]:
    name, data = arg.split("=", 1)
    rows = [[float(x) for x in entry.split()] for entry in data.split(";") if entry]
    runs[name] = [statistics.median(column) for column in zip(*rows)]

labels = {"varnish": "Varnish-served (in front of Canopy)", "canopy": "Canopy-served (response cache on)"}
print(f"one store's menu, GET products(locationId:, first: 50) with its stock, {int(size)} bytes; "
      f"medians of the rounds; {version}")
print(f"{'server':38} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
for name in ("varnish", "canopy"):
    rps, p50, p99 = runs[name]
    print(f"{labels[name]:38} {rps:10.0f} {p50:8.2f} {p99:8.2f}")
print(f"Varnish / Canopy: {runs['varnish'][0] / runs['canopy'][0]:.1f}x req/s; "
      f"{through} of the Varnish-served requests reached Canopy (misses after purges or expiry); "
      f"{int(float(purged))} purges sent by Canopy since start")
PY
