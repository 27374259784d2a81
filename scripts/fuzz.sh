#!/usr/bin/env bash
# Runs one libFuzzer target (Fuzz/NAME) for SECONDS, then minimises its corpus back into
# Fuzz/Corpus/NAME (-merge=1: only inputs that add coverage are kept), and prints one summary line.
# Exits non-zero when the target crashed; the crashing input is left in .build-fuzz/crashes/NAME/.
#
#   scripts/fuzz.sh NAME [SECONDS]      (built first with the fuzz flags into .build-fuzz)
set -euo pipefail

name=${1:?usage: fuzz.sh NAME [SECONDS]}
seconds=${2:-600}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
THREADLINE_FUZZ=1 ${SWIFT:-swift} build --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address --product "$name" \
    2>&1 | grep -v 'ld.gold: warning: Cannot export local symbol' || true
binary=.build-fuzz/debug/$name
[ -x "$binary" ] || { echo "fuzz: $binary was not built" >&2; exit 1; }

seeds=Fuzz/Corpus/$name
work=.build-fuzz/corpus/$name
crashes=.build-fuzz/crashes/$name
log=.build-fuzz/$name.log
mkdir -p "$seeds" "$work" "$crashes"
status=0
# New inputs go to the first directory (work), never straight into the committed seeds.
nice -n 19 "$binary" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$work" "$seeds" >"$log" 2>&1 || status=$?

fresh=$(mktemp -d)
"$binary" -merge=1 -max_len=4096 "$fresh" "$seeds" "$work" >>"$log" 2>&1
rm -f "$seeds"/*
cp "$fresh"/* "$seeds"/
rm -rf "$fresh"

executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
found=$(find "$crashes" -type f | wc -l)
echo "$name: ${seconds}s, ${executions:-?} executions, corpus $(ls "$seeds" | wc -l) files / $(cat "$seeds"/* | wc -c) bytes, crashes $found (log $log)"
[ "$status" -eq 0 ] && [ "$found" -eq 0 ]
