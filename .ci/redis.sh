#!/usr/bin/env bash
# A throw-away Redis on a local port for the Socket.IO message-queue tests.
#   bash .ci/redis.sh start   -> prints the redis:// URL (installs Debian's redis-server if missing)
#   bash .ci/redis.sh stop
set -euo pipefail
PORT=${REDISTEST_PORT:-56379}
DIR=${REDISTEST_DIR:-/tmp/continuum-redis-$PORT}

case "${1:-}" in
start)
  if ! command -v redis-server >/dev/null; then
    echo "installing redis-server" >&2
    if [ "$(id -u)" != 0 ]; then echo "redis-server is missing and this is not root" >&2; exit 1; fi
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
  fi
  mkdir -p "$DIR"
  if [ -f "$DIR/redis.pid" ] && kill -0 "$(cat "$DIR/redis.pid")" 2>/dev/null; then
    kill "$(cat "$DIR/redis.pid")" 2>/dev/null || true
    sleep 0.5
  fi
  redis-server --port "$PORT" --bind 127.0.0.1 --daemonize yes --pidfile "$DIR/redis.pid" \
    --dir "$DIR" --save "" --appendonly no --logfile "$DIR/redis.log" >&2
  for _ in $(seq 1 50); do
    if redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG; then
      echo "redis://127.0.0.1:$PORT/0"
      exit 0
    fi
    sleep 0.1
  done
  echo "redis-server did not start: $(tail -n 20 "$DIR/redis.log" 2>/dev/null)" >&2
  exit 1
  ;;
stop)
  if [ -f "$DIR/redis.pid" ]; then
    kill "$(cat "$DIR/redis.pid")" 2>/dev/null || true
    rm -f "$DIR/redis.pid"
  fi
  ;;
*)
  echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
