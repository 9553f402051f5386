#!/usr/bin/env bash
# The production topology as plain processes on this machine: a fresh PostgreSQL
# database, the local Redis (under a fresh key prefix), one `canopy serve --role worker`,
# two `--role api` replicas and HAProxy in front of them with deploy/haproxy.cfg's
# settings (Debian's haproxy, installed when missing).
#
#   bench/topology.sh up     starts it; prints the balancer's URL and writes the state
#                            (pids, ports, database) to $TOPOLOGY_DIR/state.env
#   bench/topology.sh down   stops every process and drops the database
#   bench/topology.sh kill NAME      SIGKILLs replica NAME (api1, api2, worker) and starts
#                            it again on its port once it is gone (a crash and a restart)
#
# Environment: CANOPY_BIN (default: target/release/canopy, built when missing),
# TOPOLOGY_DIR (default: /tmp/canopy-topology), PG_ADMIN_URL (default:
# postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL (default:
# redis://127.0.0.1:6379), and any CANOPY_* setting, passed to every replica.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

TOPOLOGY_DIR=${TOPOLOGY_DIR:-/tmp/canopy-topology}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
STATE=$TOPOLOGY_DIR/state.env

# Starts one replica: start_replica NAME ROLE PORT
start_replica() {
  local name=$1 role=$2 port=$3
  CANOPY_ROLE=$role CANOPY_ADDR=127.0.0.1:$port DATABASE_URL=$DATABASE_URL \
    REDIS_URL=$REDIS_URL CANOPY_REDIS_PREFIX=$CANOPY_REDIS_PREFIX \
    CANOPY_JWT_SECRET=$CANOPY_JWT_SECRET CANOPY_MASTER_KEY=$CANOPY_MASTER_KEY \
    RUST_LOG=${RUST_LOG:-info} \
    "$CANOPY_BIN" serve >>"$TOPOLOGY_DIR/$name.log" 2>&1 &
  echo "${name^^}_PID=$!" >>"$STATE"
  echo "${name^^}_PORT=$port" >>"$STATE"
}

up() {
  [ -f "$STATE" ] && { echo "a topology is already up ($STATE); run: $0 down" >&2; exit 1; }
  ensure_tool haproxy
  CANOPY_BIN=${CANOPY_BIN:-target/release/canopy}
  [ -x "$CANOPY_BIN" ] || cargo build --release --locked --bin canopy
  mkdir -p "$TOPOLOGY_DIR"
  local db="canopy_topology_$(date +%s)_$$"
  psql -q "$PG_ADMIN_URL" -c "CREATE DATABASE $db"
  DATABASE_URL="${PG_ADMIN_URL%/*}/$db"
  CANOPY_REDIS_PREFIX="canopy-topology-$db"
  # throwaway secrets for this topology, shared by its processes, kept in its state file
  CANOPY_JWT_SECRET=${CANOPY_JWT_SECRET:-$(head -c 32 /dev/urandom | base64)}
  CANOPY_MASTER_KEY=${CANOPY_MASTER_KEY:-$(head -c 32 /dev/urandom | base64)}
  umask 077
  {
    echo "CANOPY_BIN=$CANOPY_BIN"
    echo "DATABASE=$db"
    echo "DATABASE_URL=$DATABASE_URL"
    echo "REDIS_URL=$REDIS_URL"
    echo "CANOPY_REDIS_PREFIX=$CANOPY_REDIS_PREFIX"
    echo "CANOPY_JWT_SECRET=$CANOPY_JWT_SECRET"
    echo "CANOPY_MASTER_KEY=$CANOPY_MASTER_KEY"
  } >"$STATE"
  DATABASE_URL=$DATABASE_URL "$CANOPY_BIN" migrate >"$TOPOLOGY_DIR/migrate.log" 2>&1
  start_replica worker worker "$(free_port)"
  start_replica api1 api "$(free_port)"
  start_replica api2 api "$(free_port)"
  # shellcheck disable=SC1090
  source "$STATE"
  local lb_port
  lb_port=$(free_port)
  sed -e "s/bind \*:8080/bind 127.0.0.1:$lb_port/" \
    -e "s/server api1 api1:8080/server api1 127.0.0.1:$API1_PORT/" \
    -e "s/server api2 api2:8080/server api2 127.0.0.1:$API2_PORT/" \
    deploy/haproxy.cfg >"$TOPOLOGY_DIR/haproxy.cfg"
  haproxy -f "$TOPOLOGY_DIR/haproxy.cfg" -D -p "$TOPOLOGY_DIR/haproxy.pid"
  echo "LB_PORT=$lb_port" >>"$STATE"
  for port in "$WORKER_PORT" "$API1_PORT" "$API2_PORT" "$lb_port"; do
    wait_ready "http://127.0.0.1:$port/readyz"
  done
  echo "topology up: http://127.0.0.1:$lb_port/graphql (state: $STATE, logs: $TOPOLOGY_DIR)"
}

down() {
  [ -f "$STATE" ] || { echo "no topology is up" >&2; return 0; }
  # shellcheck disable=SC1090
  source "$STATE"
  [ -f "$TOPOLOGY_DIR/haproxy.pid" ] && kill "$(cat "$TOPOLOGY_DIR/haproxy.pid")" 2>/dev/null || true
  for pid in ${WORKER_PID:-} ${API1_PID:-} ${API2_PID:-}; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in ${WORKER_PID:-} ${API1_PID:-} ${API2_PID:-}; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  done
  psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)"
  rm -f "$STATE" "$TOPOLOGY_DIR/haproxy.pid"
  echo "topology down"
}

# kill NAME: SIGKILL the replica, then start it again with its role on the same port.
kill_replica() {
  local name=$1 pid_var port_var role
  [ -f "$STATE" ] || { echo "no topology is up" >&2; exit 1; }
  # shellcheck disable=SC1090
  source "$STATE"
  pid_var="${name^^}_PID"
  port_var="${name^^}_PORT"
  [ -n "${!pid_var:-}" ] || { echo "no replica $name" >&2; exit 1; }
  kill -KILL "${!pid_var}" 2>/dev/null || true
  while kill -0 "${!pid_var}" 2>/dev/null; do sleep 0.05; done
  case "$name" in worker) role=worker ;; *) role=api ;; esac
  start_replica "$name" "$role" "${!port_var}"
  # shellcheck disable=SC1090
  source "$STATE"
  wait_ready "http://127.0.0.1:${!port_var}/readyz"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  kill) kill_replica "${2:?usage: $0 kill NAME}" ;;
  *) echo "usage: $0 up|down|kill NAME" >&2; exit 2 ;;
esac
