#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL cluster on a Unix socket and on loopback TCP with TLS (a
# throwaway CA and server certificate made here, for the connection-security tests), as the postgres user.
# Usage: scripts/pg-cluster.sh start|stop|restart|status|env [DIR]
#   DIR defaults to /tmp/mlflow-pg-migrate-pg. `start` installs the Debian packages when missing,
#   runs initdb (UTF8, C collation) and pg_ctl start, and prints the environment to use it:
#     eval "$(scripts/pg-cluster.sh start)"
set -euo pipefail
cmd="${1:-}"; dir="${2:-${MLFLOW_PG_CLUSTER:-/tmp/mlflow-pg-migrate-pg}}"
data="$dir/data"; sock="$dir/socket"; tls="$dir/tls"
# The port of the socket and of 127.0.0.1: chosen once per cluster (another cluster may hold 55432 on loopback).
# The loopback listener accepts any local user without a password (initdb --auth=trust), as the socket does.
if [ -f "$dir/port" ]; then port="$(cat "$dir/port")"; else port="${MLFLOW_PG_PORT:-}"; fi

pgbin() {
  local b
  for b in /usr/lib/postgresql/*/bin; do [ -x "$b/pg_ctl" ] && { echo "$b"; return; }; done
  return 1
}

ensure_packages() {
  if ! pgbin >/dev/null 2>&1 || ! command -v psql >/dev/null || ! command -v pg_dump >/dev/null || ! command -v openssl >/dev/null; then
    echo "pg-cluster: installing PostgreSQL and OpenSSL from Debian" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql postgresql-client openssl >&2
  fi
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
}

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

print_env() {
  [ -n "$port" ] || { echo "pg-cluster: no cluster in $dir (run: $0 start $dir)" >&2; exit 1; }
  echo "export PGHOST='$sock' PGPORT='$port' PGUSER=postgres PGDATABASE=postgres"
  echo "export MLFLOW_PG_TEST_CLUSTER='$dir'"
  # Only a cluster that serves TLS (one started by an older version of this script does not).
  if [ "$(as_pg psql -X -Atq -h "$sock" -p "$port" -U postgres -d postgres -c 'SHOW ssl' 2>/dev/null)" = on ]; then
    echo "export MLFLOW_PG_TLS_CA='$tls/ca.crt'"
  else
    echo "pg-cluster: the cluster in $dir serves no TLS; stop and start it again for the connection-security tests" >&2
  fi
}

# A loopback TCP port nothing listens on, 55432 when free.
free_port() {
  command -v python3 >/dev/null || { echo 55432; return; }
  python3 - <<'PY'
import socket
for port in [55432, 0]:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port)); print(s.getsockname()[1]); break
    except OSError:
        pass
    finally:
        s.close()
PY
}

# A throwaway CA and a server certificate for localhost, 127.0.0.1 and pg.example.test.
make_tls() {
  # Made again when missing, half made or expiring within a day.
  if [ -f "$tls/server.crt" ] && [ -f "$tls/server.key" ] && openssl x509 -checkend 86400 -noout -in "$tls/server.crt" >/dev/null 2>&1; then
    return
  fi
  rm -rf "$tls"
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=mlflow-pg-migrate test CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:pg.example.test\n' > "$tls/ext.cnf"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days 30 \
    -extfile "$tls/ext.cnf" -out "$tls/server.crt" 2>/dev/null
  chmod 600 "$tls/server.key"
}

case "$cmd" in
  start)
    ensure_packages
    bin="$(pgbin)"
    mkdir -p "$dir" "$sock"
    make_tls
    [ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
    if [ ! -f "$data/PG_VERSION" ]; then
      as_pg "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust >/dev/null
    fi
    if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      started=""
      for attempt in 1 2 3; do
        [ -n "$port" ] || port="$(free_port)"
        echo "$port" > "$dir/port"
        opts="-c listen_addresses='127.0.0.1' -c unix_socket_directories='$sock' -p $port -c fsync=off -c max_connections=50"
        opts="$opts -c ssl=on -c ssl_cert_file='$tls/server.crt' -c ssl_key_file='$tls/server.key'"
        # TimescaleDB where this PostgreSQL has it (not packaged for Debian 12: its tests skip without it).
        if [ -f "$bin/../lib/timescaledb.so" ]; then
          opts="$opts -c shared_preload_libraries=timescaledb -c timescaledb.telemetry_level=off"
        fi
        if as_pg "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start -o "$opts" >/dev/null; then
          started=1
          break
        fi
        # Another server may have taken the port since it was chosen: choose again (unless it was given).
        [ -z "${MLFLOW_PG_PORT:-}" ] || break
        port=""
      done
      if [ -z "$started" ]; then
        echo "pg-cluster: the server did not start; the end of $dir/server.log:" >&2
        tail -5 "$dir/server.log" >&2 || true
        exit 1
      fi
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
