#!/usr/bin/env bash
# `make bench`: runs each benchmark program given on the command line. Each
# prints its own table of figures and ratios against baselines measured in
# the same run; nothing here is a pass/fail test.
set -euo pipefail
for b in "$@"; do
    echo "== ${b##*/}"
    "$b"
    echo
done
