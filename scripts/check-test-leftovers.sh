#!/bin/sh
# Fails when a process started by this test run is still alive: `make test` starts every test
# command with THREADLINE_TEST_RUN=ID, which each tmux server, threadline and helper it starts
# inherits, so a leftover is recognised by that exact value (a developer's own tmux or threadline
# never carries it). Leftovers are listed, then killed, and the run fails.
# Usage: scripts/check-test-leftovers.sh ID
set -u
id=${1:?usage: check-test-leftovers.sh ID}
[ -d /proc/self ] || { echo "check-test-leftovers: no /proc; skipped" >&2; exit 0; }

leftovers() {
    # One grep over every readable environment (NUL-separated); others' processes are not readable.
    grep -lzx "THREADLINE_TEST_RUN=$id" /proc/[0-9]*/environ 2>/dev/null | sed 's|^/proc/||; s|/environ$||' | grep -vx "$$"
}

# Processes ended by the last test may take a moment to go: look again for up to 3 seconds.
tries=0
found=$(leftovers)
while [ -n "$found" ] && [ $tries -lt 30 ]; do
    sleep 0.1
    tries=$((tries + 1))
    found=$(leftovers)
done
[ -z "$found" ] && exit 0

echo "error: the tests left processes running (each test must end what it starts) — killing them:" >&2
for pid in $found; do
    printf '  %s %s\n' "$pid" "$(tr '\0' ' ' < /proc/"$pid"/cmdline 2>/dev/null)" >&2
    kill -KILL "$pid" 2>/dev/null
done
exit 1
