#!/usr/bin/env bash
# Canopy's storefront menu read against a bare axum handler sending the same bytes.
#
# Builds the release `canopy` binary and the `bare_json` example, starts two demo servers
# (`canopy serve --demo`, fresh SQLite files): one with the response cache on, one with
# it off (CANOPY_RESPONSE_CACHE=false). Fetches the products page once from the first and
# serves exactly those bytes with the bare server, then loads all three with wrk in
# alternating rounds (same connections, threads and duration) and prints req/s, p99 and
# the ratio to the bare handler. The goal: cached Canopy at 0.6 of the bare handler or more.
#
# Settings (environment): BENCH_ROUNDS (3), BENCH_DURATION (5s), BENCH_CONNECTIONS (32),
# BENCH_THREADS (1). The demo keeps moving stock (register traffic, polls every 3 s), so
# the cached server also pays for the invalidations a live store causes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

rounds=${BENCH_ROUNDS:-3}
duration=${BENCH_DURATION:-5s}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-1}
goal=0.6

query='query Menu { products(first: 50) { totalCount edges { cursor node { id name brand category price { amount currency } stock { location { id } onHand reserved available updatedAt } } } } }'

# The servers use the in-process cache and bus, whatever this shell points at.
unset REDIS_URL DATABASE_URL
ensure_wrk
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/canopy/target}
echo "building release binaries…" >&2
(cd "$root" && cargo build --quiet --release -p api --bin canopy --example bare_json)
canopy=$CARGO_TARGET_DIR/release/canopy
bare=$CARGO_TARGET_DIR/release/examples/bare_json

work=$(mktemp -d)
trap 'stop_servers; rm -rf "$work"' EXIT

# The request body every load run sends, and a wrk script that POSTs it.
python3 -c 'import json, sys; print(json.dumps({"query": sys.argv[1]}))' "$query" >"$work/body.json"
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/graphql-response+json"
wrk.body = [==[$(cat "$work/body.json")]==]
LUA

# post URL: the response body of one POST of the menu query.
post() {
  curl -fsS -X POST "$1" -H 'Content-Type: application/json' \
    -H 'Accept: application/graphql-response+json' --data-binary "@$work/body.json"
}

# Waits until the demo catalog and its stock have arrived through the adapters.
wait_for_demo() {
  local url=$1
  for _ in $(seq 1 240); do
    if post "$url" 2>/dev/null | python3 -c '
import json, sys
page = json.load(sys.stdin)["data"]["products"]
edges = page["edges"]
sys.exit(0 if page["totalCount"] >= 40 and len(edges) == 50 and all(e["node"]["stock"] for e in edges) else 1)
' 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  echo "the demo data did not arrive at $url" >&2
  return 1
}

# start_canopy NAME CACHE(true|false): a demo server on a free port, at $canopy_url.
start_canopy() {
  local name=$1 cache=$2 port
  port=$(free_port)
  # One load generator is one client: lift its rate limit out of reach (the limiter still
  # runs on every request, as in production).
  DATABASE_URL="sqlite://$work/$name.db?mode=rwc" CANOPY_RESPONSE_CACHE=$cache \
    CANOPY_RATE_LIMIT_PER_MINUTE=4000000000 CANOPY_RATE_LIMIT_BURST=1000000 \
    start_server "$work/$name.log" "$canopy" serve --demo --addr "127.0.0.1:$port"
  canopy_url="http://127.0.0.1:$port"
}

echo "starting the demo servers…" >&2
start_canopy cached true
cached_url=$canopy_url
start_canopy uncached false
uncached_url=$canopy_url
for url in "$cached_url" "$uncached_url"; do
  wait_ready "$url/readyz" || { tail -n 20 "$work"/*.log >&2; exit 1; }
  wait_for_demo "$url/graphql" || { tail -n 20 "$work"/*.log >&2; exit 1; }
done

post "$cached_url/graphql" >"$work/products.json"
bare_port=$(free_port)
bare_url="http://127.0.0.1:$bare_port"
start_server "$work/bare.log" "$bare" "$work/products.json" "$bare_port"
wait_ready "$bare_url/" || { cat "$work/bare.log" >&2; exit 1; }
cmp -s "$work/products.json" <(post "$bare_url/graphql") \
  || { echo "the bare server does not send the same bytes" >&2; exit 1; }

hits_before=$(curl -fsS "$cached_url/metrics" | awk '/^graphql_response_cache_total\{outcome="hit"\}/ {print $2}')

names=(bare cached uncached)
declare -A urls=([bare]="$bare_url/graphql" [cached]="$cached_url/graphql" [uncached]="$uncached_url/graphql")
declare -A figures=()
echo "measuring: $rounds rounds of $duration per server, $connections connections, $threads thread(s)…" >&2
for name in "${names[@]}"; do # warm-up: connections, caches, allocator
  wrk -t"$threads" -c"$connections" -d1s -s "$work/post.lua" "${urls[$name]}" >/dev/null
done
for round in $(seq 1 "$rounds"); do
  for name in "${names[@]}"; do
    read -r rps p99 failed < <(wrk_figures -t"$threads" -c"$connections" -d"$duration" -s "$work/post.lua" "${urls[$name]}")
    if [ "$failed" -ne 0 ]; then
      echo "$name: $failed failed requests in round $round" >&2
      exit 1
    fi
    figures[$name]+="$rps $p99;"
    echo "  round $round  $name: $rps req/s, p99 $p99 ms" >&2
  done
done

hits_after=$(curl -fsS "$cached_url/metrics" | awk '/^graphql_response_cache_total\{outcome="hit"\}/ {print $2}')
misses=$(curl -fsS "$cached_url/metrics" | awk '/^graphql_response_cache_total\{outcome="miss"\}/ {print $2}')

python3 - "$goal" "${hits_before:-0}" "${hits_after:-0}" "${misses:-0}" "$(wc -c <"$work/products.json")" \
  "bare=${figures[bare]}" "cached=${figures[cached]}" "uncached=${figures[uncached]}" <<'PY'
import statistics, sys

goal, hits_before, hits_after, misses, size = sys.argv[1:6]
runs = {}
for arg in sys.argv[6:]:
    name, data = arg.split("=", 1)
    pairs = [entry.split() for entry in data.split(";") if entry]
    runs[name] = (statistics.median(float(r) for r, _ in pairs),
                  statistics.median(float(p) for _, p in pairs))

labels = {
    "bare": "bare axum handler (same bytes)",
    "cached": "canopy, response cache on",
    "uncached": "canopy, response cache off",
}
bare_rps = runs["bare"][0]
print(f"products(first: 50) with stock, {int(size)} bytes per response; medians of the rounds")
print(f"{'server':34} {'req/s':>10} {'p99 ms':>9} {'vs bare':>8}")
for name in ("bare", "cached", "uncached"):
    rps, p99 = runs[name]
    print(f"{labels[name]:34} {rps:10.0f} {p99:9.2f} {rps / bare_rps:8.2f}")
print(f"response cache: {int(float(hits_after) - float(hits_before))} hits during the runs, "
      f"{int(float(misses))} misses since start")
ratio = runs["cached"][0] / bare_rps
verdict = "met" if ratio >= float(goal) else "NOT met"
print(f"goal (cached >= {goal} x bare): {verdict} ({ratio:.2f})")
PY
