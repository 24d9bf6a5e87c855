#!/usr/bin/env bash
# `make fuzz`: runs each libFuzzer target given on the command line, one after
# the other, and reports for each its executions, executions per second,
# coverage (edges reached) and crashes.
#
# How long: the parser targets make tens of thousands of executions a second
# and run FUZZ_RUNS executions each (default 10 million). The model targets
# (fuzz_buddy, fuzz_vma, fuzz_swap_map) drive a whole core and its model per
# input, and fuzz_trace every replacement policy on each trace it accepts, a
# few thousand a second: they run 60 seconds each instead. FUZZ_SECONDS, when
# set, stops every target after that
# many seconds (scripts/test.sh: 1).
#
# Each target starts from build/fuzz/NAME/corpus (what earlier runs found)
# and the seeds scripts/fuzz-seeds.sh makes in build/fuzz/NAME/seeds. A crash
# input is kept in build/fuzz/NAME/ for replay: build/host/fuzz_NAME FILE.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${FUZZ_RUNS:-10000000}

# libFuzzer's flags for target $1.
budget() {
    if [ -n "${FUZZ_SECONDS:-}" ]; then
        echo "-runs=$runs -max_total_time=$FUZZ_SECONDS"
    elif [ "$1" = fuzz_buddy ] || [ "$1" = fuzz_vma ] || [ "$1" = fuzz_swap_map ] ||
        [ "$1" = fuzz_trace ]; then
        echo "-max_total_time=60"
    else
        echo "-runs=$runs"
    fi
}

status=0
table=""
for f in "$@"; do
    name=${f##*/}
    dir=build/fuzz/$name
    mkdir -p "$dir/corpus" "$dir/seeds"
    scripts/fuzz-seeds.sh "$name" "$dir/seeds"
    limits=$(budget "$name")
    echo "== $name: $limits, $(ls "$dir/seeds" | wc -l) seeds"
    # shellcheck disable=SC2086
    "$f" $limits -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" "$dir/seeds" \
        > "$dir/log" 2>&1
    rc=$?
    execs=$(sed -nE 's/^stat::number_of_executed_units: *//p' "$dir/log")
    rate=$(sed -nE 's/^stat::average_exec_per_sec: *//p' "$dir/log")
    # Coverage: the edges of the last status line, "#N ... cov: E ft: F ...".
    cov=$(sed -nE 's/^#[0-9]+.* cov: ([0-9]+) .*/\1/p' "$dir/log" | tail -1)
    crashes=$(grep -ac 'Test unit written to' "$dir/log") # -a: a crash prints the input's bytes
    line=$(printf '%-18s %12s %10s %10s %8s' "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
        "$crashes")
    echo "$line"
    table+="$line"$'\n'
    if [ $rc -ne 0 ] || [ "$crashes" -ne 0 ]; then
        echo "$name: FOUND A PROBLEM (exit $rc); see $dir/log and $dir/crash-*"
        status=1
    fi
done
echo
printf '%-18s %12s %10s %10s %8s\n' target executions exec/s coverage crashes
printf '%s' "$table"
exit $status
