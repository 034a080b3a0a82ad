#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on a local port for the test suite.
#   bash .ci/postgres.sh start   -> prints the SQLAlchemy URL
#   bash .ci/postgres.sh stop
set -euo pipefail
PORT=${PGTEST_PORT:-55432}
DATA=${PGTEST_DIR:-/tmp/continuum-pg}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
  if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    echo "installing postgresql" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >&2  # contrib: unaccent, pg_trgm (search)
    BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  fi
  if [ -f "$DATA/postmaster.pid" ]; then as_pg "$BIN/pg_ctl" -D "$DATA" -m immediate stop >&2 || true; fi
  rm -rf "$DATA"; mkdir -p "$DATA"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$DATA"
  as_pg "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 >/dev/null
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >&2
  "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE continuum_test" >&2
  echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/continuum_test"
  ;;
stop)
  [ -n "$BIN" ] && [ -f "$DATA/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DATA" -m fast stop >&2 || true
  ;;
*)
  echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
