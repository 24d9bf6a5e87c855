#!/usr/bin/env bash
# Records the page references of a program as a trace for lru-sim
# (docs/11-page-replacement.md), with valgrind's lackey tool:
#
#   scripts/trace.sh [-n REFS] OUT.trace.xz PROGRAM [ARGS...]
#   scripts/trace.sh --shipped     remake the traces in traces/ (a few minutes)
#
# lackey runs PROGRAM on a simulated CPU and prints one line per memory
# access: "I  ADDR,SIZE" for an instruction fetch, " L", " S" or " M" for a
# data load, store or modify. Each access becomes the number of the 4 KiB
# page holding its first byte (the address without its last three hex
# digits). A run of accesses to the same page is written once: repeating
# the page just used is a hit under every policy and changes nothing they
# decide, so no fault count changes, and the trace is far shorter. The
# first REFS page references are kept (default 3000000), and xz -9
# compresses them. PROGRAM's own output is thrown away.
#
# Only PROGRAM's process is traced, not its children: trace the program
# that does the work (cc1 rather than the gcc driver, say).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

# record REFS OUT PROGRAM [ARGS...]
record() {
    local refs=$1 out=$2
    shift 2
    command -v valgrind >/dev/null || { echo "trace.sh: valgrind is not installed" >&2; exit 1; }
    echo "trace.sh: $* -> $out ($refs references)"
    # lackey writes its lines into a pipe that awk reads; awk stops after
    # REFS pages. valgrind does not stop when its log's reader goes away
    # (it would run the program to its end, slowly), so it is killed then.
    local fifo
    fifo=$(mktemp -u "${TMPDIR:-/tmp}/trace.XXXXXX")
    mkfifo "$fifo"
    valgrind --tool=lackey --trace-mem=yes --log-file="$fifo" "$@" >/dev/null 2>&1 &
    local vg=$!
    awk -v limit="$refs" '
        $1 ~ /^[ILSM]$/ {
            addr = $2
            sub(/,.*/, "", addr)
            page = substr(addr, 1, length(addr) - 3)
            sub(/^0+/, "", page)
            if (page == "")
                page = "0"
            if (page != last) {
                print page
                last = page
                if (++n == limit)
                    exit
            }
        }' < "$fifo" | xz -9 > "$out.tmp"
    kill -KILL "$vg" 2>/dev/null || true
    wait "$vg" 2>/dev/null || true
    rm -f "$fifo"
    mv "$out.tmp" "$out"
    echo "trace.sh: $out: $(xz -dc "$out" | wc -l) references, $(xz -dc "$out" | sort -u | wc -l) distinct pages, $(stat -c %s "$out") bytes"
}

# The shipped traces: three programs of different character, on inputs
# made here from fixed seeds.
shipped() {
    local work=$top/build/lab
    mkdir -p "$work"
    # 200000 lines of pseudo-random words (a fixed linear congruential
    # generator, the same on every machine).
    awk 'BEGIN {
        x = 12345
        for (i = 0; i < 200000; i++) {
            line = ""
            for (w = 0; w < 4; w++) {
                x = (x * 1103515245 + 12345) % 2147483648
                line = line sprintf("%s%06d", w ? " " : "", x % 1000000)
            }
            print line
        }
    }' > "$work/words.txt"
    # sort: reads its input into one buffer and merge-sorts the lines.
    LC_ALL=C record 3000000 "$top/traces/sort.trace.xz" sort --parallel=1 -o /dev/null "$work/words.txt"
    # xz: a compressor, here the sorted words; its match finder's hash
    # tables and dictionary are touched all over.
    LC_ALL=C sort "$work/words.txt" > "$work/sorted.txt"
    record 3000000 "$top/traces/xz.trace.xz" xz -6 -c "$work/sorted.txt"
    # cc1: the C compiler proper, optimising one of Pagoda's larger files;
    # a big program with a big working set.
    gcc -E -I"$top/src" -DHOST_TEST "$top/src/mem/buddy.c" -o "$work/buddy.i"
    record 3000000 "$top/traces/cc1.trace.xz" "$(gcc -print-prog-name=cc1)" -quiet -O2 "$work/buddy.i" -o /dev/null
}

refs=3000000
if [ "${1:-}" = --shipped ]; then
    shipped
    exit 0
fi
if [ "${1:-}" = -n ]; then
    refs=$2
    shift 2
fi
if [ $# -lt 2 ]; then
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
out=$1
shift
record "$refs" "$out" "$@"
