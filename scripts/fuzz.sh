#!/usr/bin/env bash
# `make fuzz`: runs each libFuzzer target given on the command line for
# FUZZ_SECONDS (default 60) and reports executions and crashes. Crash inputs
# are kept in build/fuzz/NAME/ for replay: build/host/fuzz_NAME CRASH_FILE.
set -uo pipefail
secs=${FUZZ_SECONDS:-60}
status=0
for f in "$@"; do
    name=${f##*/}
    dir=build/fuzz/$name
    mkdir -p "$dir/corpus"
    echo "== $name for ${secs}s"
    "$f" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$dir/" \
        "$dir/corpus" > "$dir/log" 2>&1
    rc=$?
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$dir/log"
    if [ $rc -ne 0 ]; then
        echo "$name: FOUND A PROBLEM (exit $rc); see $dir/log and $dir/crash-*"
        status=1
    else
        echo "$name: no crash"
    fi
done
exit $status
