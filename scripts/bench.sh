#!/usr/bin/env bash
# `make bench`: runs each benchmark program given on the command line. Each
# prints its own table of wall-clock figures and ratios against baselines
# measured in the same run; nothing here is a pass/fail test. Where a
# benchmark has a tests/bench/callgrind.sh, instruction counts follow (they
# do not depend on the machine's load).
set -euo pipefail
for b in "$@"; do
    echo "== ${b##*/}: wall clock"
    "$b"
    echo
done
if command -v valgrind >/dev/null; then
    echo "== instructions per operation (callgrind)"
    tests/bench/callgrind.sh
else
    echo "(valgrind not installed: no instruction counts; scripts/install-deps.sh adds it)"
fi
