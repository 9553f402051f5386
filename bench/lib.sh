# Shared helpers for the benchmark scripts: tools, free ports, background servers, waiting,
# and reading wrk's figures. Sourced, never run.

# Installs Debian's PACKAGE (default: named like COMMAND) when COMMAND is missing.
# Usage: ensure_tool COMMAND [PACKAGE]
ensure_tool() {
  command -v "$1" >/dev/null 2>&1 && return 0
  local package=${2:-$1}
  echo "installing $package (apt-get)…" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "$package" >/dev/null
}

# Installs wrk from Debian's packages when it is missing.
ensure_wrk() {
  ensure_tool wrk
}

# A free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# PIDs of the servers this script started; stop_servers ends exactly those.
BENCH_PIDS=()

# Starts "$@" in the background with output to LOG, remembering its PID.
# Usage: start_server LOG command args…
start_server() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  BENCH_PIDS+=("$!")
}

# Stops every server start_server started (SIGTERM, then waits).
stop_servers() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  BENCH_PIDS=()
}

# Waits until URL answers 2xx, for at most 120 s.
wait_ready() {
  local url=$1
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "server at $url did not become ready" >&2
  return 1
}

# Runs wrk and prints "<requests/s> <p50 ms> <p99 ms> <failed requests>" on one line.
wrk_latency_figures() {
  local out
  out=$(wrk "$@" --latency)
  awk '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v }
      if (v ~ /s$/) { sub(/s$/, "", v); return v * 1000 }
      return v
    }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses/ { failed += $NF }
    /Socket errors/ { failed += $4 + $6 + $8 + $10 }
    END { printf "%s %s %s %d\n", rps, p50, p99, failed }
  ' <<<"$out"
}

# Runs wrk and prints "<requests/s> <p99 ms> <failed requests>" on one line.
wrk_figures() {
  local rps p50 p99 failed
  read -r rps p50 p99 failed < <(wrk_latency_figures "$@")
  echo "$rps $p99 $failed"
}

# A fresh database for a bench named NAME: a SQLite file in WORK, or with
# BENCH_DATABASE=postgres a new PostgreSQL database next to TEST_DATABASE_URL
# (default postgres://postgres@127.0.0.1:5432/test). Sets BENCH_DATABASE_URL;
# drop_bench_database removes the PostgreSQL one.
# Usage: bench_database WORK NAME
BENCH_PG_DATABASE=""
bench_database() {
  local work=$1 name=$2 base
  case "${BENCH_DATABASE:-sqlite}" in
    sqlite) BENCH_DATABASE_URL="sqlite://$work/$name.db?mode=rwc" ;;
    postgres)
      base=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
      BENCH_PG_DATABASE="canopy_bench_${name}_$$"
      psql "$base" -qc "CREATE DATABASE $BENCH_PG_DATABASE" >/dev/null
      BENCH_DATABASE_URL="${base%/*}/$BENCH_PG_DATABASE"
      ;;
    *) echo "BENCH_DATABASE must be sqlite or postgres" >&2; return 1 ;;
  esac
}

# Drops the PostgreSQL database bench_database created, if any.
drop_bench_database() {
  [ -n "$BENCH_PG_DATABASE" ] || return 0
  psql "${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}" -qc \
    "DROP DATABASE IF EXISTS $BENCH_PG_DATABASE WITH (FORCE)" >/dev/null 2>&1 || true
}

# A throwaway HS256 secret and master key for a bench server.
bench_secret() { head -c 48 /dev/urandom | base64 -w0; }
bench_master_key() { head -c 32 /dev/urandom | base64 -w0; }

# Builds the release `canopy` binary and the `live_bench` example, then starts
# `canopy serve` (no demo) on a fresh bench database named NAME, with the per-client
# rate and websocket limits lifted (every bench client comes from this one machine).
# Sets LIVE_BENCH (the example's path), LIVE_SECRET (the server's HS256 secret),
# LIVE_URL (its base URL) and LIVE_WORK (a scratch folder removed on exit).
# Usage: start_live_server ROOT NAME
start_live_server() {
  local root=$1 name=$2 port
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/canopy/target}
  echo "building release binaries…" >&2
  (cd "$root" && cargo build --quiet --release -p api --bin canopy --example live_bench)
  LIVE_BENCH=$CARGO_TARGET_DIR/release/examples/live_bench
  LIVE_WORK=$(mktemp -d)
  trap 'stop_servers; drop_bench_database; rm -rf "$LIVE_WORK"' EXIT
  bench_database "$LIVE_WORK" "$name"
  LIVE_SECRET=$(bench_secret)
  port=$(free_port)
  LIVE_URL="http://127.0.0.1:$port"
  unset REDIS_URL
  DATABASE_URL=$BENCH_DATABASE_URL CANOPY_JWT_SECRET=$LIVE_SECRET \
    CANOPY_MASTER_KEY=$(bench_master_key) CANOPY_RATE_LIMIT_PER_MINUTE=0 \
    CANOPY_MAX_WS_PER_CLIENT=0 RUST_LOG=warn \
    start_server "$LIVE_WORK/canopy.log" "$CARGO_TARGET_DIR/release/canopy" serve \
    --addr "127.0.0.1:$port"
  wait_ready "$LIVE_URL/readyz" || { tail -n 20 "$LIVE_WORK/canopy.log" >&2; return 1; }
}
