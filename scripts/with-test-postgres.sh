#!/usr/bin/env bash
# Runs COMMAND with a throw-away PostgreSQL cluster: initdb in a temp dir, pg_ctl start on a free
# loopback port (as the postgres user when run as root: initdb refuses root), then the cluster is
# stopped and removed, whatever COMMAND did. COMMAND sees THREADLINE_TEST_DATABASE_URL, the URL of
# the cluster's `postgres` database (its own databases are created beside it).
# Usage: scripts/with-test-postgres.sh COMMAND [ARGS...]
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "error: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb) — make test-deps installs it" >&2; exit 1; }

dir=$(mktemp -d /tmp/threadline-pg-XXXXXXXX)
password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups)
fi
chmod 700 "$dir"
printf '%s\n' "$password" > "$dir/pwfile"
[ "$(id -u)" -ne 0 ] || chown postgres: "$dir/pwfile"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  "${as_owner[@]}" "$bin/pg_ctl" stop -D "$dir/data" -m immediate -w >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

mkdir -p "$dir/sock"
[ "$(id -u)" -ne 0 ] || chown postgres: "$dir/sock"
(cd "$dir" && "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U threadline --pwfile="$dir/pwfile" \
  --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.out" 2>&1) \
  || { cat "$dir/initdb.out" >&2; exit 1; }
(cd "$dir" && "${as_owner[@]}" "$bin/pg_ctl" start -D "$dir/data" -l "$dir/log" -w -t 60 \
  -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" >/dev/null </dev/null) \
  || { cat "$dir/log" >&2; exit 1; }

export THREADLINE_TEST_DATABASE_URL="postgres://threadline:$password@127.0.0.1:$port/postgres?sslmode=disable"
export THREADLINE_TEST_PSQL="$bin/psql"
"$@"
