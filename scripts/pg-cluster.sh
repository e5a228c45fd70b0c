#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL cluster on a Unix socket (no TCP), as the postgres user.
# Usage: scripts/pg-cluster.sh start|stop|restart|status|env [DIR]
#   DIR defaults to /tmp/mlflow-pg-migrate-pg. `start` installs the Debian packages when missing,
#   runs initdb (UTF8, C collation) and pg_ctl start, and prints the environment to use it:
#     eval "$(scripts/pg-cluster.sh start)"
set -euo pipefail
cmd="${1:-}"; dir="${2:-${MLFLOW_PG_CLUSTER:-/tmp/mlflow-pg-migrate-pg}}"
data="$dir/data"; sock="$dir/socket"; port="${MLFLOW_PG_PORT:-55432}"

pgbin() {
  local b
  for b in /usr/lib/postgresql/*/bin; do [ -x "$b/pg_ctl" ] && { echo "$b"; return; }; done
  return 1
}

ensure_packages() {
  if ! pgbin >/dev/null 2>&1 || ! command -v psql >/dev/null || ! command -v pg_dump >/dev/null; then
    echo "pg-cluster: installing PostgreSQL from Debian" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql postgresql-client >&2
  fi
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
}

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

print_env() {
  echo "export PGHOST='$sock' PGPORT='$port' PGUSER=postgres PGDATABASE=postgres"
  echo "export MLFLOW_PG_TEST_CLUSTER='$dir'"
}

case "$cmd" in
  start)
    ensure_packages
    bin="$(pgbin)"
    mkdir -p "$dir" "$sock"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
    if [ ! -f "$data/PG_VERSION" ]; then
      as_pg "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust >/dev/null
    fi
    opts="-c listen_addresses='' -c unix_socket_directories='$sock' -p $port -c fsync=off -c max_connections=50"
    # TimescaleDB where this PostgreSQL has it (not packaged for Debian 12: its tests skip without it).
    if [ -f "$bin/../lib/timescaledb.so" ]; then
      opts="$opts -c shared_preload_libraries=timescaledb -c timescaledb.telemetry_level=off"
    fi
    if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_pg "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start -o "$opts" >/dev/null
    fi
    # A test that died mid-way may have left ALTER SYSTEM settings (FaultTests sets synchronous
    # replication for a moment); the cluster's own settings come from the command line above.
    as_pg psql -X -q -h "$sock" -p "$port" -U postgres -d postgres -c "ALTER SYSTEM RESET ALL" -c "SELECT pg_reload_conf()" >/dev/null
    print_env
    ;;
  stop)
    if [ -f "$data/PG_VERSION" ]; then as_pg "$(pgbin)/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
  restart)  # fast: open connections are terminated (the fault tests use it mid-load)
    as_pg "$(pgbin)/pg_ctl" -D "$data" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null
    ;;
  status) as_pg "$(pgbin)/pg_ctl" -D "$data" status ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|restart|status|env [DIR]" >&2; exit 64 ;;
esac
