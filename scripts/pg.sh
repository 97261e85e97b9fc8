#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL server on loopback for the store tests (used by make test).
#   scripts/pg.sh start   installs Debian's postgresql if missing, starts it on 127.0.0.1:$PORT
#   scripts/pg.sh stop    stops it and removes its data
set -euo pipefail
DIR=${REEMUD_PG_DIR:-/tmp/reemud-pg}
PORT=${REEMUD_PG_PORT:-54329}

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

as_owner() {  # PostgreSQL refuses to run as root: use the postgres account when root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    BIN=$(find_bin) || {
      echo "installing Debian's postgresql for the store tests" >&2
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
      BIN=$(find_bin)
    }
    if [ -f "$DIR/data/postmaster.pid" ]; then as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true; fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; fi
    as_owner "$BIN/initdb" -D "$DIR/data" -U postgres -A trust >/dev/null
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -o "-h 127.0.0.1 -p $PORT -k $DIR" -l "$DIR/server.log" -w start >/dev/null
    as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres reemud
    echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/reemud"
    ;;
  stop)
    if BIN=$(find_bin) && [ -f "$DIR/data/postmaster.pid" ]; then
      as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: scripts/pg.sh start|stop" >&2
    exit 2
    ;;
esac
