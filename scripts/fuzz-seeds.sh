#!/usr/bin/env bash
# Starting inputs for a fuzz target, made here by the repository's own
# tools (nothing is downloaded):
#
#   scripts/fuzz-seeds.sh NAME DIR
#
# writes seeds for the target NAME (fuzz_mbr, ...) into
# DIR. libFuzzer mutates them; without them it would take long to guess a
# valid partition table or ELF header. A target with no recipe here gets
# none. Disk images are made once, so a second run costs little.
#
#   fuzz_mbr          sector 0 of the disk images scripts/mkdisk.sh makes
#   fuzz_swap_header  the swap header page (at 1 MiB) of the same images
#   fuzz_elf          the user programs (make user), without their symbols
#   fuzz_cmdline      the command lines of tests/kernel/scenarios.sh
#   fuzz_memmap       raw Multiboot memory maps: QEMU's for 128 MiB and
#                     3.5 GiB, and every map printed in a kernel test log
#                     (build/*/ktest/*.log), if tests/kernel/run.sh has run
#   fuzz_trace        the hand-made traces in traces/, and the first 4 KiB
#                     of each recorded one
set -euo pipefail
shopt -s nullglob
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
name=$1
dir=$2
mkdir -p "$dir"

# The kinds of disk the kernel scenarios use (tests/kernel/scenarios.sh),
# plus one with a swap and a Linux partition, made once.
disks=build/fuzz/disks
make_disks() {
    mkdir -p "$disks"
    disk std --size 32 --swap 16 --label pagoda-swap --uuid 0a1b2c3d-0000-4000-8000-00000000cafe
    disk small --size 4 --swap 1
    disk noswap --size 32 --swap 8 --second 8 --no-mkswap
    disk two --size 32 --swap 8 --second 8
    disk notable --size 32 --no-table
}
disk() {
    local img=$disks/$1.img
    shift
    [ -f "$img" ] && return 0
    scripts/mkdisk.sh "$img.tmp" "$@" > "$img.log" 2>&1 && mv "$img.tmp" "$img" ||
        echo "fuzz-seeds: scripts/mkdisk.sh $img $* failed (see $img.log)" >&2
}

# seed_from IMG FIRST COUNT OUT: sectors FIRST.. of a disk image, as a seed.
seed_from() {
    dd if="$1" of="$4" bs=512 skip="$2" count="$3" status=none
}

# le N BYTES: the number N as BYTES little-endian bytes, on stdout.
le() {
    local i hex
    for ((i = 0; i < $2; i++)); do
        printf -v hex %02x $((($1 >> (8 * i)) & 255))
        printf "\\x$hex"
    done
}
# map_entry BASE LEN TYPE: one raw memory map entry, its size field 20.
map_entry() {
    le 20 4
    le "$1" 8
    le "$2" 8
    le "$3" 4
}
# The lines "  [ 3] 0xBASE-0xLAST len 0xLEN ... (TYPE)" multiboot_print()
# writes, as raw entries; other lines are skipped.
map_from_log() {
    local line re='^  \[ *[0-9]+\] 0x([0-9a-f]+)-0x[0-9a-f]+ len 0x([0-9a-f]+) .*\(([0-9]+)\)$'
    while IFS= read -r line; do
        if [[ $line =~ $re ]]; then
            map_entry "0x${BASH_REMATCH[1]}" "0x${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
        fi
    done
}

case $name in
fuzz_mbr)
    make_disks
    for img in "$disks"/*.img; do
        seed_from "$img" 0 1 "$dir/$(basename "$img" .img).sector0"
    done
    ;;
fuzz_swap_header)
    make_disks
    for img in "$disks"/*.img; do
        seed_from "$img" 2048 8 "$dir/$(basename "$img" .img).swap" # partition 1's first page
    done
    ;;
fuzz_elf)
    # Stripped: the debug sections would make every input three times longer,
    # and the loader reads only the headers and the segments' bytes.
    if make -s --no-print-directory CC=clang user > "$dir.make.log" 2>&1; then
        for prog in build/clang/user/*; do
            out=$dir/$(basename "$prog")
            strip --strip-all -o "$out" "$prog" 2>/dev/null || cp "$prog" "$out"
        done
    else
        echo "fuzz-seeds: make user failed (see $dir.make.log): no ELF seeds" >&2
    fi
    ;;
fuzz_cmdline)
    # Each --args "..." once as GRUB passes it, once after the kernel's path
    # as QEMU's -kernel does.
    i=0
    sed -nE 's/.*--args "([^"]*)".*/\1/p' tests/kernel/scenarios.sh | sort -u |
        while IFS= read -r args; do
            i=$((i + 1))
            printf '%s' "$args" > "$dir/args$i"
            printf '%s' "build/clang/kernel.elf $args" > "$dir/args$i.qemu"
        done
    ;;
fuzz_memmap)
    # QEMU (SeaBIOS) with -m 128, as in README.md.
    {
        map_entry 0x0 0x9fc00 1
        map_entry 0x9fc00 0x400 2
        map_entry 0xf0000 0x10000 2
        map_entry 0x100000 0x7ee0000 1
        map_entry 0x7fe0000 0x20000 2
        map_entry 0xfffc0000 0x40000 2
    } > "$dir/qemu-128m"
    # With -m 3584: 3 GiB below 4 GiB, the rest above it.
    {
        map_entry 0x0 0x9fc00 1
        map_entry 0x9fc00 0x400 2
        map_entry 0xf0000 0x10000 2
        map_entry 0x100000 0xbfee0000 1
        map_entry 0xbffe0000 0x20000 2
        map_entry 0xfffc0000 0x40000 2
        map_entry 0x100000000 0x20000000 1
    } > "$dir/qemu-3584m"
    # Each "memory map (N entries):" in a log starts a map; one seed per
    # different map.
    for log in build/*/ktest/*.log; do
        awk -v out="$dir/part" '/^memory map \(/ { n++ } n { print > (out "." n) }' "$log"
        for part in "$dir"/part.*; do
            map_from_log < "$part" > "$dir/map"
            rm -f "$part"
            if [ -s "$dir/map" ]; then
                mv "$dir/map" "$dir/log-$(md5sum < "$dir/map" | cut -c1-12)"
            fi
        done
    done
    rm -f "$dir/map"
    ;;
fuzz_trace)
    cp traces/*.trace "$dir/"
    for t in traces/*.trace.xz; do
        xz -dc "$t" | head -c 4096 > "$dir/$(basename "$t" .xz)" || true
    done
    ;;
esac
exit 0
