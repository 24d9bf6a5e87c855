#!/usr/bin/env bash
# `make bench-swap`: times swapbench (src/user/swapbench.c), the workload of
# the swap chapter's benchmark, under QEMU, and prints each configuration's
# median and range over BENCH_RUNS runs (default 3; FAULT_RUNS, default 15,
# for the quick fault-path lines) with its ratio to the baseline measured in
# the same run. Not a pass/fail test: a run whose data check fails is
# reported as such.
#   - the fault path: 32 MiB touched in 64 MiB of memory, no swapping, with
#     the byte loops (fastpage=off, the baseline), with REP STOSD/MOVSD
#     (fastpage=rep) and with the word loop (fastpage=on, the default);
#   - swapping: 32 and 64 MiB in 16 MiB of memory, on a 160 MiB partition.
#     The baseline moves one page per request by PIO, one sector per
#     interrupt, with no clustering or read-ahead (ata=single cluster=1
#     readahead=0); then each speed-up on its own (READ/WRITE MULTIPLE, DMA,
#     clustered writes, read-ahead), all of them by PIO, DMA with each of
#     clustering and read-ahead, and all together.
#     Each line gives the pages moved per disk request, and the pages read
#     ahead that a fault used (hit) or that were let go unused (miss).
# Times are taken on the host as swapbench's two lines reach the serial
# port, so they include the serial port's delay (well under 1 ms).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=build/${TOOLCHAIN:-clang}
runs=${BENCH_RUNS:-3}
img=build/disks/bench.img # 160 MiB of swap: under half full even at 64 MiB, so the swap cache keeps slots
if [ ! -f "$img" ]; then
    mkdir -p build/disks
    scripts/mkdisk.sh "$img" --size 176 --swap 160 --label pagoda-bench > "$img.log" 2>&1 ||
        { cat "$img.log" >&2; exit 1; }
fi
mods=$(find "$build/user" -maxdepth 1 -type f | sort | paste -sd, -)

# One boot: run swapbench MIB, then vmstat. Prints "SECONDS PSWPOUT PSWPIN
# WRONG OUT_REQUESTS IN_REQUESTS RA_HIT RA_MISS" (WRONG is 1 if the
# program's check failed or it never ended).
one_run() {
    local mem=$1 args=$2 mib=$3 line start="" end="" wrong=1
    local -A v=([pswpout]=0 [pswpin]=0 [swpout_requests]=0 [swpin_requests]=0 [swap_ra_hit]=0
        [swap_ra_miss]=0)
    while IFS= read -r line; do
        line=${line%$'\r'}
        case $line in
        "swapbench: start"*) start=$EPOCHREALTIME ;;
        "swapbench: end"*)
            end=$EPOCHREALTIME
            [[ $line == *", 0 pages wrong" ]] && wrong=0
            ;;
        pswpout* | pswpin* | swpout_requests* | swpin_requests* | swap_ra_hit* | swap_ra_miss*)
            v[${line%% *}]=${line##* } ;;
        esac
    done < <(printf 'run swapbench %s\nvmstat\npoweroff\n' "$mib" |
        timeout 600 qemu-system-i386 -kernel "$build/kernel.elf" -append "$args" -initrd "$mods" \
            -m "$mem" -display none -serial stdio -no-reboot \
            -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
            -drive "file=$img,format=raw,if=ide,index=0,snapshot=on" 2>/dev/null || true)
    if [ -z "$start" ] || [ -z "$end" ]; then echo "0 0 0 1 0 0 0 0"; return; fi
    echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') ${v[pswpout]}" \
        "${v[pswpin]} $wrong ${v[swpout_requests]} ${v[swpin_requests]} ${v[swap_ra_hit]}" \
        "${v[swap_ra_miss]}"
}

# measure MEM ARGS MIB: runs it $runs times; sets med, lo, hi (seconds),
# bad (runs that failed) and, from the median run, pages (swapped out +
# in), per_req (pages per disk request) and ra ("hits/misses").
measure() {
    local i r times=() runs_of=() sorted
    bad=0
    for ((i = 0; i < runs; i++)); do
        read -r -a r <<< "$(one_run "$1" "$2" "$3")"
        times+=("${r[0]}")
        runs_of+=("${r[*]}")
        bad=$((bad + r[3]))
    done
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    lo=$(head -1 <<< "$sorted")
    hi=$(tail -1 <<< "$sorted")
    med=$(sed -n "$(((runs + 1) / 2))p" <<< "$sorted")
    read -r -a r <<< "$(printf '%s\n' "${runs_of[@]}" | awk -v m="$med" '$1 == m { print; exit }')"
    pages=$((r[1] + r[2]))
    per_req=$(awk -v p="$pages" -v q="$((r[4] + r[5]))" 'BEGIN { printf "%.1f", q ? p / q : 0 }')
    ra="${r[6]}/${r[7]}"
}

# row LABEL BASELINE_SECONDS PER_WHAT [LAST_COLUMN]: one line of a table.
row() {
    awk -v l="$1" -v m="$med" -v lo="$lo" -v hi="$hi" -v b="$2" -v n="$3" -v last="${4:-}" \
        -v bad="$bad" 'BEGIN {
        per = n > 0 ? sprintf("%8.1f", m * 1e6 / n) : "       -"
        printf "  %-50s %7.3f s (%.3f-%.3f)  %s  %6.2f  %s%s\n", l, m, lo, hi, per, m / b, last,
            bad ? "   (" bad " runs FAILED their check)" : ""
    }'
}

runs=${FAULT_RUNS:-15}
echo "== the fault path: swapbench 32 in 64 MiB of memory, no swapping ($runs runs each)"
echo "  configuration                                      median (range)          us/fault  ratio"
measure 64 "fastpage=off" 32
base=$med
row "byte loops (fastpage=off): baseline" "$base" 8192
measure 64 "fastpage=rep" 32
row "REP STOSD / MOVSD (fastpage=rep)" "$base" 8192
measure 64 "fastpage=on" 32
row "word loop (fastpage=on)" "$base" 8192
echo "  Linux 6.1, measured elsewhere:                     0.05 s, about 6 us per fault"
# Zeroing and copying alone, timed inside the kernel by test=vmm, the three
# methods in turns (src/kernel/ktest_vmm.c): far less noisy than a run.
ops=$(timeout 120 qemu-system-i386 -kernel "$build/kernel.elf" -append "test=vmm" -m 64 \
    -display none -serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    </dev/null 2>/dev/null | tr -d '\r' | grep '^page ops' || true)
echo "  one page alone, TSC ticks (test=vmm):  zero  ratio   copy  ratio"
awk '{ gsub(",", ""); z["words"] = $9; z["rep"] = $11; z["bytes"] = $13
       c["words"] = $16; c["rep"] = $18; c["bytes"] = $20
       if (z["bytes"] + 0 == 0 || c["bytes"] + 0 == 0) { print "  (test=vmm printed no timing)"; exit }
       split("bytes rep words", m, " ")
       for (i = 1; i <= 3; i++)
           printf "    %-34s %6d  %5.2f  %6d  %5.2f\n", m[i], z[m[i]], z[m[i]] / z["bytes"],
               c[m[i]], c[m[i]] / c["bytes"] }' <<< "${ops:-none}"
echo
runs=${BENCH_RUNS:-3}
# The swapping configurations: a label, then the kernel's arguments.
configs="baseline|ata=single cluster=1 readahead=0
+ READ/WRITE MULTIPLE alone (ata=pio)|ata=pio cluster=1 readahead=0
+ DMA alone (ata=dma)|ata=dma cluster=1 readahead=0
+ clustered writes alone (cluster=32)|ata=single cluster=32 readahead=0
+ read-ahead alone (readahead=3)|ata=single cluster=1 readahead=3
PIO, all the rest together (ata=pio)|ata=pio cluster=32 readahead=3
DMA + clustered writes|ata=dma cluster=32 readahead=0
DMA + read-ahead|ata=dma cluster=1 readahead=3
all together (the defaults)|"
for mib in 32 64; do
    echo "== swapping: swapbench $mib in 16 MiB of memory, 160 MiB swap partition ($runs runs)"
    echo "  configuration                                      median (range)           us/page  ratio  pages out+in  per request  read-ahead hit/miss"
    while IFS='|' read -r label args; do
        measure 16 "$args" "$mib"
        if [ "$label" = baseline ]; then
            base=$med
            label="PIO, a page a request, a sector an IRQ: baseline"
        fi
        row "$label" "$base" "$pages" "$(printf '%12s  %11s  %s' "$pages" "$per_req" "$ra")"
    done <<< "$configs"
done
echo
echo "  Linux 6.1 under the same emulator, measured elsewhere (medians of 6, noise about 30%):"
echo "    32 MiB: DMA + read-ahead 1.01 s, PIO + read-ahead 2.59 s, PIO one page per fault 4.09 s"
echo "    64 MiB: DMA + read-ahead 2.22 s, PIO + read-ahead 5.99 s, PIO one page per fault 7.66 s"
