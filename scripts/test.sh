#!/usr/bin/env bash
# `make test`: every test Pagoda has, in one run, ending with one line
#   N passed, N failed
# Stages: host unit tests (check, ASan+UBSan), a short run of each fuzz
# target, kernel builds with clang and gcc, kernel scenarios in QEMU, Bochs
# debugger checks, the chapters' blocks (scripts/doctest.sh). Each result is a
# PASS/FAIL line; failures are listed again at the end with their logs.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
results=$top/build/test-results.txt
mkdir -p build
: > "$results"
export RESULTS=$results
start=$SECONDS

record() { echo "$1 $2" | tee -a "$results"; }
# A stage's heading, with the seconds since the start: make test must stay
# under 5 minutes on a two-core machine, and this shows where they go.
stage() { echo "== $1 (at $((SECONDS - start)) s)"; }

stage "host unit tests (check, ASan + UBSan)"
# Builds use both cores of a two-core machine: they are a good part of the run.
jobs=-j$(nproc 2>/dev/null || echo 2)
if make -s --no-print-directory "$jobs" unit-build; then
    # The test programs run side by side, one per core; their outputs are
    # read in order afterwards. CK_VERBOSITY=verbose makes check print one
    # line per test:  file:line:P|F|E:tcase:test:iteration: message
    mkdir -p build/unit
    # The two slowest (about 8 s each) start first, so that neither is left
    # running alone at the end.
    slow="build/host/test_kheap build/host/test_vma_model"
    # shellcheck disable=SC2016,SC2086
    printf '%s\n' $slow build/host/test_* | awk '!seen[$0]++' |
        xargs -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c \
        'n=$(basename "$1"); CK_VERBOSITY=verbose "$1" > "build/unit/$n.out" 2>&1; echo $? > "build/unit/$n.rc"' _ {}
    for t in build/host/test_*; do
        [ -x "$t" ] || continue
        out=$(cat "build/unit/${t##*/}.out")
        rc=$(cat "build/unit/${t##*/}.rc")
        echo "$out" | awk -F: -v suite="${t##*/test_}" '
            $3 == "P" { print "PASS unit/" suite "/" $5; next }
            $3 == "F" || $3 == "E" { print "FAIL unit/" suite "/" $5 ": " $0 }' | tee -a "$results"
        echo "$out" | grep -E '^[0-9]+%: Checks:'
        if [ "$rc" -ne 0 ] && ! echo "$out" | grep -q ':[FE]:'; then
            # Crashed outside a check test (e.g. a sanitizer report in main).
            record FAIL "unit/${t##*/test_} (exit $rc)"
            echo "$out" | tail -20
        fi
    done
else
    record FAIL "unit/build"
fi

stage "exercises answered by host tools (tests/exercises.sh)"
tests/exercises.sh

stage "fuzz targets, 1 s each (make fuzz runs them longer)"
fuzzers=$(for f in tests/fuzz/fuzz_*.c; do echo "build/host/$(basename "$f" .c)"; done)
# shellcheck disable=SC2086
make -s --no-print-directory "$jobs" -k $fuzzers > build/fuzz-build.log 2>&1
# The seeds first, one target after the other (some share disk images that
# scripts/fuzz-seeds.sh makes once); then the targets two at a time, one per
# core, their results read in order afterwards.
for f in tests/fuzz/fuzz_*.c; do
    name=$(basename "$f" .c)
    mkdir -p "build/fuzz/$name/seeds"
    scripts/fuzz-seeds.sh "$name" "build/fuzz/$name/seeds" > "build/$name.log" 2>&1
done
for f in tests/fuzz/fuzz_*.c; do
    name=$(basename "$f" .c)
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
    (
        make -s --no-print-directory "build/host/$name" >> "build/$name.log" 2>&1 &&
            FUZZ_SECONDS=1 scripts/fuzz.sh "build/host/$name" >> "build/$name.log" 2>&1
        echo $? > "build/$name.rc"
    ) &
done
wait
for f in tests/fuzz/fuzz_*.c; do
    name=$(basename "$f" .c)
    if [ "$(cat "build/$name.rc")" = 0 ]; then
        record PASS "fuzz/$name ($(sed -nE 's/^stat::number_of_executed_units: *//p' "build/fuzz/$name/log") runs)"
    else
        record FAIL "fuzz/$name (log: build/$name.log)"
    fi
done

stage "kernel and user program builds (-Wall -Wextra -Werror)"
for cc in clang gcc; do
    if make -s --no-print-directory "$jobs" CC=$cc kernel user > "build/build-$cc.log" 2>&1; then
        record PASS "build/$cc"
    else
        record FAIL "build/$cc (log: build/build-$cc.log)"
        tail -20 "build/build-$cc.log"
    fi
done

stage "kernel tests (QEMU)"
if [ -f build/clang/kernel.elf ]; then
    tests/kernel/run.sh
    # The gcc-built kernel boots and passes its boot checks too.
    [ -f build/gcc/kernel.elf ] && TOOLCHAIN=gcc tests/kernel/run.sh boot-kernel
    [ -f build/gcc/kernel.elf ] && TOOLCHAIN=gcc tests/kernel/run.sh procs
fi

stage "Bochs tests"
[ -f build/clang/kernel.elf ] && tests/bochs/run.sh

stage "doctests: the chapters' Try it and In Bochs blocks (make doctest)"
[ -f build/clang/kernel.elf ] && scripts/doctest.sh

passed=$(grep -c '^PASS' "$results")
failed=$(grep -c '^FAIL' "$results")
echo
if [ "$failed" -gt 0 ]; then
    echo "Failures:"
    grep '^FAIL' "$results" | sed 's/^/  /'
fi
echo "(took $((SECONDS - start)) s; results in build/test-results.txt)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
