#!/usr/bin/env bash
# Installs the system packages Threadline needs when they are missing (Debian/Ubuntu).
#   scripts/ensure-deps.sh        build deps: libedit-dev, libsqlite3-dev, pkg-config
#   scripts/ensure-deps.sh test   also what the test suite drives: tmux, python3-venv, postgresql (the tests
#                                 start their own throw-away cluster with its initdb and pg_ctl)
#   scripts/ensure-deps.sh bench  also what make bench drives: wrk, GNU time, python3-venv
#   scripts/ensure-deps.sh install  also libcurl's link library: the MCP SDK brings Foundation's
#                                   networking, which a static Swift runtime links against -lcurl
set -euo pipefail

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if command -v pkg-config >/dev/null 2>&1; then
  pkg-config --exists libedit || missing+=(libedit-dev)
  pkg-config --exists sqlite3 || missing+=(libsqlite3-dev)
else
  missing+=(libedit-dev libsqlite3-dev)
fi
if [ "${1:-}" = "test" ]; then
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)
  # Debian's python3 leaves venv (with ensurepip) to a separate package.
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
  # Debian keeps initdb and pg_ctl off PATH, under /usr/lib/postgresql/VERSION/bin.
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
fi

if [ "${1:-}" = "install" ] && ! pkg-config --exists libcurl 2>/dev/null; then
  missing+=(libcurl4-openssl-dev)
fi

if [ "${1:-}" = "bench" ]; then
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  [ -x /usr/bin/time ] || missing+=(time)
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
