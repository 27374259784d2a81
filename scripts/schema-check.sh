#!/usr/bin/env bash
# Checks `threadline serve` against docs/openapi.yaml with schemathesis: starts its own serve on a
# free loopback port with a temporary THREADLINE_HOME, runs the generated requests, stops the serve.
# Fails on any server error (5xx), a status the schema does not list, a wrong content type or a
# response body that breaks the schema.
#
#   scripts/schema-check.sh BINARY [EXAMPLES [SECONDS]]   (EXAMPLES per operation, default 20)
set -euo pipefail

binary=${1:?usage: schema-check.sh BINARY [EXAMPLES [SECONDS]]}
examples=${2:-20}
seconds=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
st=$root/.venv/bin/st
[ -x "$st" ] || { echo "schema-check: $st is missing; run make venv" >&2; exit 1; }

home=$(mktemp -d)
log=$home/serve.log
serve_pid=
cleanup() {
    if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true; fi
    rm -rf "$home"
}
trap cleanup EXIT

THREADLINE_HOME=$home "$binary" serve --port 0 2>"$log" &
serve_pid=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/v1.*|\1|p' "$log" | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$serve_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$port" ] || { echo "schema-check: serve printed no address" >&2; cat "$log" >&2; exit 1; }

# All phases (examples, coverage, fuzzing, stateful), valid and invalid data; one worker, so the
# requests on a thread come one at a time. The summary it prints counts the generated requests
# ("Test cases: N generated"); SCHEMA_CHECK_ARGS adds options (e.g. --seed N to replay a run).
"$st" run "$root/docs/openapi.yaml" --url "http://127.0.0.1:$port/v1" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "$examples" ${seconds:+--max-time "$seconds"} --workers 1 \
    --request-timeout 30 --no-color ${SCHEMA_CHECK_ARGS:-}
