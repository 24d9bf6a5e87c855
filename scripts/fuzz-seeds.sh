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
esac
exit 0
