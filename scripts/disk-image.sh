#!/usr/bin/env bash
# Prints the path of the disk image that `make run` and Bochs attach as the
# primary master, making it first if it does not exist: a 32 MiB disk with a
# 16 MiB swap partition (scripts/mkdisk.sh). Delete it to start afresh.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
img=$top/build/disks/run.img
if [ ! -f "$img" ]; then
    mkdir -p "$(dirname "$img")"
    "$top/scripts/mkdisk.sh" "$img" --size 32 --swap 16 --label pagoda-swap > "$img.log" 2>&1 ||
        { cat "$img.log" >&2; exit 1; }
fi
echo "$img"
