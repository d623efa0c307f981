#!/usr/bin/env bash
# A throwaway local PostgreSQL for the catalog tests: `up` (idempotent), `down`, `status`.
# Debian's postgresql package, a cluster under $SHAREHUB_PG_HOME owned by the postgres user,
# listening on 127.0.0.1:$SHAREHUB_PG_PORT with trust authentication for local tests only.
set -euo pipefail

PG_HOME=${SHAREHUB_PG_HOME:-/var/cache/sharehub-pg}
PG_PORT=${SHAREHUB_PG_PORT:-55432}
DATA="$PG_HOME/data"
LOG="$PG_HOME/postgres.log"

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && echo "$dir"
}

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

answering() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; }

up() {
    if answering; then echo "postgres: already answering on 127.0.0.1:$PG_PORT"; return 0; fi
    if [ -z "$(pg_bin)" ] || ! command -v pg_isready >/dev/null; then
        echo "postgres: installing Debian's postgresql package"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    local bin; bin=$(pg_bin)
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PG_HOME" --shell /usr/sbin/nologin postgres
    mkdir -p "$PG_HOME"
    chown postgres "$PG_HOME"
    if [ ! -f "$DATA/PG_VERSION" ]; then
        as_postgres "$bin/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_postgres "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
        -o "-h 127.0.0.1 -p $PG_PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
        || { tail -n 30 "$LOG" >&2; exit 1; }
    echo "postgres: up on 127.0.0.1:$PG_PORT"
}

down() {
    local bin; bin=$(pg_bin) || true
    if [ -n "$bin" ] && [ -f "$DATA/postmaster.pid" ]; then
        as_postgres "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null && echo "postgres: stopped"
    else
        echo "postgres: not running"
    fi
}

status() { if answering; then echo "postgres: up on 127.0.0.1:$PG_PORT"; else echo "postgres: down"; return 1; fi; }

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
