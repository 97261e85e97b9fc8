#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL server on loopback for the store tests (used by make test).
#   scripts/pg.sh start   installs Debian's postgresql if missing, starts it on 127.0.0.1 (port
#                         $REEMUD_PG_PORT or a free one) and prints its SQLAlchemy URL
#   scripts/pg.sh stop    stops it and removes its data
set -euo pipefail
# One server per checkout (two checkouts testing at once must not share or stop each other's).
DIR=${REEMUD_PG_DIR:-/tmp/reemud-pg-$(printf %s "$PWD" | md5sum | cut -c1-8)}
free_port() {  # a port nobody listens on now
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

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
      bash "$(dirname "$0")/debian-install.sh" postgresql "the store tests"
      BIN=$(find_bin)
    }
    if [ -f "$DIR/data/postmaster.pid" ]; then as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true; fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    PORT=${REEMUD_PG_PORT:-$(free_port)}
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
