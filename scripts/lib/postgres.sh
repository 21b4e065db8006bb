# shellcheck shell=bash
# Shared by scripts/start-postgres and scripts/stop-postgres (sourced, not executed).

# Sets DIR (absolute), DATA and SOCKDIR for the cluster directory given as $1.
pg_resolve_dir() {
    mkdir -p "$1"
    DIR="$(cd "$1" && pwd)"
    DATA="$DIR/data"
    SOCKDIR="$DIR/run"
    # A unix socket path may be at most 107 bytes: fall back to a short directory in /tmp.
    if [ $(( ${#SOCKDIR} + 20 )) -gt 107 ]; then
        SOCKDIR="/tmp/suanli-pg-$(printf '%s' "$DIR" | sha256sum | cut -c1-12)"
        mkdir -p "$SOCKDIR"
        [ "$(id -u)" -ne 0 ] || chown postgres: "$SOCKDIR"
    fi
}

# Sets PG_BINDIR to a PostgreSQL 15 bin directory with a working initdb and pg_ctl,
# and PSQL and PG_ISREADY to the client programs.
pg_find_bindir() {
    local candidate
    local candidates=("${PG_BINDIR:-}" /usr/lib/postgresql/15/bin)
    if command -v pg_config >/dev/null 2>&1; then
        candidates+=("$(pg_config --bindir 2>/dev/null || true)")
    fi
    candidates+=(/usr/local/bin)
    for candidate in "${candidates[@]}"; do
        [ -n "$candidate" ] || continue
        if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ] && [ -x "$candidate/postgres" ] &&
            "$candidate/initdb" --version 2>/dev/null | grep -q ' 15\.'; then
            PG_BINDIR="$candidate"
            # psql and pg_isready live beside the server on Debian; otherwise take PATH's.
            PSQL="$PG_BINDIR/psql"
            [ -x "$PSQL" ] || PSQL="$(command -v psql)"
            PG_ISREADY="$PG_BINDIR/pg_isready"
            [ -x "$PG_ISREADY" ] || PG_ISREADY="$(command -v pg_isready)"
            return 0
        fi
    done
    echo "postgres: no PostgreSQL 15 server binaries found (tried: ${candidates[*]});" \
        "run scripts/setup-system or set PG_BINDIR" >&2
    exit 1
}

# Runs a command as the cluster's owner: `postgres` when we are root (initdb refuses root).
pg_as() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# Removes DATA/postmaster.pid when its server is gone: dead, or a zombie nobody reaped
# (seen in containers whose init does not reap), either of which blocks a restart.
pg_clear_stale_pid() {
    local pid state
    [ -f "$DATA/postmaster.pid" ] || return 0
    pid="$(head -n 1 "$DATA/postmaster.pid")"
    state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
    if [ -z "$state" ] || [ "$state" = Z ] || [ "$state" = X ]; then
        echo "postgres: removing stale $DATA/postmaster.pid (pid $pid is gone)" >&2
        rm -f "$DATA/postmaster.pid"
    fi
}

pg_is_running() {
    pg_clear_stale_pid
    [ -f "$DATA/postmaster.pid" ] && [ -f "$DIR/port" ] &&
        pg_as "$PG_BINDIR/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

pg_free_port() {
    python3 - <<'EOF'
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
EOF
}

pg_port_free() {
    python3 - "$1" <<'EOF'
import socket, sys
with socket.socket() as s:
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
EOF
}
