#!/usr/bin/env bash
# The chapters' exercises whose answer is the output of a host tool: each
# check runs the command the exercise names and looks for the answer the
# chapter gives (the kernel's own answers are kernel scenarios, the ex-*
# ones in tests/kernel/scenarios.sh, and unit tests). Needs
# `make unit-build`; scripts/test.sh runs it after the unit tests, whose
# outputs in build/unit/ it reads. Records PASS or FAIL lines in $RESULTS.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
results=${RESULTS:-/dev/null}
lab=build/lab-ex
mkdir -p "$lab"

# check NAME COMMAND-OUTPUT-FILE REGEX...: every regex must match a line.
check() {
    local name=$1 out=$2 why=()
    shift 2
    for re in "$@"; do
        grep -Eq -- "$re" "$out" || why+=("missing: $re")
    done
    if [ ${#why[@]} -eq 0 ]; then
        echo "PASS exercise/$name" | tee -a "$results"
    else
        echo "FAIL exercise/$name (output: $out)" | tee -a "$results"
        printf '     %s\n' "${why[@]}"
    fi
}

# A unit test's output: the one scripts/test.sh kept, or a fresh run.
unit_out() {
    local t=$1
    if [ ! -s "build/unit/$t.out" ] || [ "build/host/$t" -nt "build/unit/$t.out" ]; then
        mkdir -p build/unit
        "build/host/$t" > "build/unit/$t.out" 2>&1
    fi
    echo "build/unit/$t.out"
}

# Chapter 00, exercise 1: the number of checks of two suites.
check ch00-ex1-buddy "$(unit_out test_buddy)" '^100%: Checks: 14, Failures: 0, Errors: 0$'
check ch00-ex1-pte "$(unit_out test_pte)" '^100%: Checks: 3, Failures: 0, Errors: 0$'

# Chapter 11, exercises 1 to 3: lru-sim on the lab's traces.
sim=build/host/lru-sim
for t in sort xz; do
    [ -s "$lab/$t.trace" ] || xz -dc "traces/$t.trace.xz" > "$lab/$t.trace"
done
"$sim" --curve -f 12 "$lab/sort.trace" > "$lab/ch11-ex1.out" 2>&1
check ch11-ex1-sort-knee "$lab/ch11-ex1.out" \
    '^ +7 +206361 +967871$' '^ +8 +7089 +12916$'
"$sim" -p lru,clock -f 8,16,64 "$lab/xz.trace" > "$lab/ch11-ex2.out" 2>&1
check ch11-ex2-xz-clock "$lab/ch11-ex2.out" \
    '^ +8 +144930 +192057$' '^ +16 +45863 +51081$' '^ +64 +4079 +4247$'
"$sim" --curve -f 80 --csv "$lab/xz.trace" > "$lab/ch11-ex3.out" 2>&1
# LRU first below 5000 at 59 (22581 at 53); OPT first below 5000 at 52.
awk -F, 'NR > 1 && !l && $3 < 5000 { l = $1 } NR > 1 && !o && $2 < 5000 { o = $1 }
    END { print "lru below 5000 at " l; print "opt below 5000 at " o }' \
    "$lab/ch11-ex3.out" > "$lab/ch11-ex3.knee"
cat "$lab/ch11-ex3.knee" >> "$lab/ch11-ex3.out"
check ch11-ex3-xz-knee "$lab/ch11-ex3.out" \
    '^59,[0-9]+,4994$' '^53,[0-9]+,22581$' '^lru below 5000 at 59$' '^opt below 5000 at 52$'
