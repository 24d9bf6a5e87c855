#!/usr/bin/env bash
# Bochs tests: boot the GRUB ISO in Bochs with no terminal, stop at a magic
# breakpoint, and check the machine's state from the debugger's own output.
# Environment: TOOLCHAIN (clang|gcc), RESULTS (file to append PASS/FAIL lines).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$top/build/${TOOLCHAIN:-clang}
kernel=$build/kernel.elf
logs=$build/bochs-test
results=${RESULTS:-/dev/null}
mkdir -p "$logs"
"$top/scripts/disk-image.sh" > /dev/null || exit 1 # made once, before the cases copy it

# report NAME LOG [WHY...]: PASS if no reason is given, else FAIL with each.
report() {
    local name=$1 log=$2
    shift 2
    if [ $# -eq 0 ]; then
        echo "PASS bochs/$name"
    else
        echo "FAIL bochs/$name (log: ${log#"$top"/})"
        printf '     %s\n' "$@"
    fi
}

# inspect NAME KERNEL_ARGS COMMANDS_FILE: scripts/bochs-inspect.sh in a
# directory of NAME's own, so that two cases can run side by side; the
# kernel's serial log is then $logs/NAME.work/serial.log.
inspect() {
    BOCHS_WORK=$logs/$1.work "$top/scripts/bochs-inspect.sh" "$2" "$3"
}

# start_case NAME COMMAND...: runs a case's COMMAND in the background, its
# output kept in $logs/NAME.out; two cases run at a time, one per core (each
# Bochs is one thread). The results are printed in order at the end.
cases=()
start_case() {
    local name=$1
    shift
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
    "$@" > "$logs/$name.out" 2>&1 &
    cases+=("$name")
}

# bochs_case NAME KERNEL_ARGS COMMANDS [CHECK_FN] -- REGEX...
# Runs Bochs with the debugger commands and checks each regex is in its
# output; CHECK_FN, if given, is called with the debugger log and the
# kernel's serial log and prints a reason for each problem it finds.
bochs_case() {
    local name=$1 args=$2 cmds=$3 check=""
    shift 3
    [ "$1" != -- ] && { check=$1; shift; }
    shift
    local log=$logs/$name.log serial=$logs/$name.serial
    printf '%s\n' "$cmds" > "$logs/$name.rc"
    BOCHS_TIMEOUT=60 inspect "$name" "$args" "$logs/$name.rc" > "$log" 2>&1
    tr -d '\r' < "$logs/$name.work/serial.log" > "$serial"
    local why=() re
    grep -q 'Magic breakpoint' "$log" || why+=("Bochs never reached the magic breakpoint")
    for re in "$@"; do
        grep -Eq -- "$re" "$log" || why+=("missing: $re")
    done
    if [ -n "$check" ]; then
        local line
        while IFS= read -r line; do why+=("$line"); done < <($check "$log" "$serial")
    fi
    report "$name" "$log" "${why[@]}"
}

sym() { nm "$kernel" | awk -v s="$1" '$3 == s { print "0x" $1 }'; }
gdt=$(sym gdt)
tss=$(sym tss)

# break=gdt stops in kmain right after the GDT, IDT and PIC are set up.
# Descriptor words (low, high), Intel SDM vol. 3A, 3.4.5: base 0, limit
# 0xFFFFF in 4 KiB units, and access bytes 0x9B/0x93 (ring 0 code/data,
# accessed) and 0xFA/0xF2 (ring 3 code/data).
# LDTR holds the null selector and is not valid: the kernel loaded it with
# lldt 0 (gdt_init), so no selector can name an LDT entry.
start_case gdt bochs_case gdt "break=gdt" "$(printf 'c\ncreg\nsreg\ninfo gdt\nx /12wx %s\nq' "$gdt")" -- \
    '^ldtr:0x0000, dh=0x[0-9a-f]{8}, dl=0x[0-9a-f]{8}, valid=0$' \
    '^CR0=0x[0-9a-f]{8}: PG .* PE$' \
    '^CR3=0x[0-9a-f]{12}$' \
    'GDT\[0x0008\]=Code segment, base=0x00000000, limit=0xffffffff, Execute/Read, .*32-bit' \
    'GDT\[0x0010\]=Data segment, base=0x00000000, limit=0xffffffff, Read/Write' \
    'GDT\[0x0018\]=Code segment, base=0x00000000, limit=0xffffffff, Execute/Read, .*32-bit' \
    'GDT\[0x0020\]=Data segment, base=0x00000000, limit=0xffffffff, Read/Write' \
    "GDT\\[0x0028\\]=32-Bit TSS \\(Busy\\) at ${tss}, length 0x00067" \
    "0x0*${gdt#0x}"' <bogus\+ +0>:\s0x00000000\s0x00000000\s0x0000ffff\s0x00cf9b00' \
    '<bogus\+ +16>:\s0x0000ffff\s0x00cf9300\s0x0000ffff\s0x00cffa00' \
    '<bogus\+ +32>:\s0x0000ffff\s0x00cff200\s'

# break=paging stops right after CR3 is loaded with the kernel's own page
# directory; the kernel has printed that directory's physical address.
cr3_matches_printed() {
    local printed cr3
    printed=$(sed -nE 's/^vmm: kernel page directory at phys 0x([0-9a-f]{8}).*/\1/p' "$2")
    cr3=$(sed -nE 's/^CR3=0x0000([0-9a-f]{8})$/\1/p' "$1")
    [ -n "$printed" ] || echo "the kernel did not print its page directory's address"
    [ -n "$cr3" ] || echo "no CR3 in the debugger output"
    [ "$printed" = "$cr3" ] || echo "CR3 is 0x$cr3 but the kernel printed 0x$printed"
    # info tab lists every mapping; none may be in the user half (below 0xC0000000).
    grep -E '^0x00000000[0-9ab][0-9a-f]{7}-' "$1" | sed 's/^/user-half mapping in info tab: /'
}
start_case paging bochs_case paging "break=paging" "$(printf 'c\ncreg\ninfo tab\npage 0xc0100000\npage 0\nq')" \
    cr3_matches_printed -- \
    '^CR4=0x[0-9a-f]{8}: .* PGE .*PSE' \
    '^0x00000000c0000000-0x00000000c[0-9a-f]{7} -> 0x000000000000-0x0000[0-9a-f]{8}$' \
    '^ PTE: 0x0000000000100101 +G .* S R P$' \
    '^linear page 0x00000000c0100000 maps to physical page 0x000000100000$' \
    '^physical address not available for linear 0x0000000000000000$'

# break=switch stops right after CR3 is loaded for a process (lazy=off, so
# that its data page is already there at the first switch). Two consecutive
# stops must show two different directories, each the one the kernel printed
# for that pid; the same kernel half (PDEs 768-1023); and user pages marked
# user while kernel pages are not. Bochs runs are repeatable (clock:
# sync=none), so a first run learns the directories' addresses and a second
# one dumps them.
switch_case() {
    local name=switch log=$logs/switch.log serial=$logs/switch.serial why=()
    printf 'c\nc\nq\n' > "$logs/switch-learn.rc"
    BOCHS_TIMEOUT=60 inspect "$name" "test=procs break=switch lazy=off" \
        "$logs/switch-learn.rc" > "$logs/switch-learn.log" 2>&1
    local learned
    learned=$(tr -d '\r' < "$logs/$name.work/serial.log" |
        sed -nE 's/^switch to pid [0-9]+ \(.*\), page directory at phys 0x([0-9a-f]{8})$/\1/p' | head -2)
    local a b
    a=$(sed -n 1p <<< "$learned") b=$(sed -n 2p <<< "$learned")
    if [ -z "$a" ] || [ -z "$b" ]; then
        echo "FAIL bochs/$name (the first run printed no two switches; log: ${logs#"$top"/}/switch-learn.log)"
        return
    fi
    printf 'c\ncreg\nxp /256wx 0x%x\npage 0x0804b000\npage 0xc0100000\nc\ncreg\nxp /256wx 0x%x\nq\n' \
        $((0x$a + 0xc00)) $((0x$b + 0xc00)) > "$logs/switch.rc"
    BOCHS_TIMEOUT=60 inspect "$name" "test=procs break=switch lazy=off" "$logs/switch.rc" > "$log" 2>&1
    tr -d '\r' < "$logs/$name.work/serial.log" > "$serial"

    local printed cr3s
    printed=$(sed -nE 's/^switch to pid [0-9]+ \(.*\), page directory at phys 0x([0-9a-f]{8})$/\1/p' "$serial" | head -2 | paste -sd' ')
    cr3s=$(sed -nE 's/^CR3=0x0000([0-9a-f]{8})$/\1/p' "$log" | paste -sd' ')
    [ "$printed" = "$a $b" ] || why+=("the second run switched to other directories ($printed, not $a $b)")
    [ "$cr3s" = "$a $b" ] || why+=("CR3 at the two stops was '$cr3s', the kernel printed '$a $b'")
    [ "$a" != "$b" ] || why+=("both stops had the same directory $a")
    # The two 256-entry dumps, without their addresses, must be identical,
    # but for the Accessed bit (0x20): the CPU sets it in whichever copy of a
    # kernel PDE it walked, so it differs between directories.
    local dumps
    dumps=$(grep -E '^0x[0-9a-f]{16} <bogus\+ +[0-9]+>:' "$log" | sed 's/^[^:]*://' |
        while read -r -a words; do
            for w in "${words[@]}"; do printf '%08x ' $((w & 0xffffffdf)); done
            echo
        done)
    local n
    n=$(wc -l <<< "$dumps")
    if [ "$n" -ne 128 ]; then
        why+=("expected two dumps of 64 lines, got $n lines")
    elif [ "$(head -64 <<< "$dumps")" != "$(tail -64 <<< "$dumps")" ]; then
        why+=("PDEs 768-1023 differ between the two directories")
    fi
    grep -Eq '^ PTE: 0x[0-9a-f]{16} .* U W P$' "$log" || why+=("page 0x0804b000 is not a user, writable page")
    grep -Eq '^ PTE: 0x0000000000100101 +G .* S R P$' "$log" || why+=("page 0xc0100000 is not a supervisor, read-only, global page")
    report "$name" "$log" "${why[@]}"
}
start_case switch switch_case

# break=cow stops before and after each copy-on-write fault. test=cow runs
# cowpage; its first such fault is on the stack's top page, right after
# fork. The kernel prints the writer's PTE and the other process's PTE for
# the same page, with their physical addresses; a first run learns those
# addresses (Bochs runs are repeatable) and a second reads both entries from
# physical memory at each stop. Before the write, both name the same frame,
# read-only with PTE_COW (bit 9); after it, the writer's names a new frame,
# writable, and the other's is unchanged.
cow_case() {
    local name=cow log=$logs/cow.log serial=$logs/cow.serial why=()
    printf 'c\nq\n' > "$logs/cow-learn.rc"
    BOCHS_TIMEOUT=60 inspect "$name" "test=cow break=cow" "$logs/cow-learn.rc" \
        > "$logs/cow-learn.log" 2>&1
    local learned writer other
    learned=$(tr -d '\r' < "$logs/$name.work/serial.log")
    writer=$(sed -nE '0,/^cow: copy: page 0xbffff000, its PTE at phys (0x[0-9a-f]{8}) .*/s//\1/p' <<< "$learned")
    other=$(sed -nE '0,/^cow: copy: also in directory 0x[0-9a-f]{8}: its PTE at phys (0x[0-9a-f]{8}) .*/s//\1/p' <<< "$learned")
    if [ -z "$writer" ] || [ -z "$other" ]; then
        echo "FAIL bochs/$name (the first run printed no copy with two PTEs; log: ${logs#"$top"/}/cow-learn.log)"
        return
    fi
    printf 'c\nxp /1wx %s\nxp /1wx %s\nc\nxp /1wx %s\nxp /1wx %s\nq\n' "$writer" "$other" "$writer" "$other" \
        > "$logs/cow.rc"
    BOCHS_TIMEOUT=60 inspect "$name" "test=cow break=cow" "$logs/cow.rc" > "$log" 2>&1
    tr -d '\r' < "$logs/$name.work/serial.log" > "$serial"
    local v
    read -r -a v <<< "$(grep -E '^0x[0-9a-f]{16} <bogus\+ +0>:' "$log" | awk '{ print $NF }' | paste -sd' ')"
    if [ ${#v[@]} -ne 4 ]; then
        why+=("expected 4 entries read from physical memory, got ${#v[@]}")
    else
        local wb=$((v[0])) ob=$((v[1])) wa=$((v[2])) oa=$((v[3]))
        [ $((wb & ~0xfff)) -eq $((ob & ~0xfff)) ] || why+=("before the write the two PTEs (${v[0]}, ${v[1]}) name different frames")
        [ $((wb & 0x202)) -eq $((0x200)) ] && [ $((ob & 0x202)) -eq $((0x200)) ] ||
            why+=("before the write the PTEs (${v[0]}, ${v[1]}) are not both read-only with PTE_COW")
        [ $((wa & 0x202)) -eq 2 ] || why+=("after the write the writer's PTE ${v[2]} is not writable without PTE_COW")
        [ $((wa & ~0xfff)) -ne $((wb & ~0xfff)) ] || why+=("after the write the writer still maps the shared frame")
        [ "$oa" -eq "$ob" ] || why+=("the other process's PTE changed: ${v[1]} -> ${v[3]}")
        grep -q "holds ${v[0]} (frame" "$serial" || why+=("the kernel did not print the writer's PTE ${v[0]}")
        grep -q "cow: done: page 0xbffff000, its PTE at phys $writer holds ${v[2]} " "$serial" ||
            why+=("the kernel printed another PTE after the copy than Bochs read (${v[2]})")
    fi
    grep -q 'Magic breakpoint' "$log" || why+=("Bochs never reached the magic breakpoint")
    report "$name" "$log" "${why[@]}"
}
start_case cow cow_case

# break=swapout stops after a page's entries became swap entries; the kernel
# prints each entry's physical address and value. test=swap runs swapfill
# under userpages=64; its first page to go is the stack's top page. A first
# run learns where that entry is; a second reads it from physical memory:
# it must hold what the kernel printed, present bit clear, PTE_SWAP (bit 1)
# set, and the slot in its upper 20 bits.
swapout_case() {
    local name=swapout log=$logs/swapout.log serial=$logs/swapout.serial why=()
    local args="test=swap userpages=64 break=swapout"
    printf 'c\nq\n' > "$logs/swapout-learn.rc"
    BOCHS_TIMEOUT=90 inspect "$name" "$args" "$logs/swapout-learn.rc" \
        > "$logs/swapout-learn.log" 2>&1
    local line at
    line=$(tr -d '\r' < "$logs/$name.work/serial.log" | grep -m1 '^swapout: page ')
    at=$(sed -nE 's/.* its PTE at phys (0x[0-9a-f]{8}) .*/\1/p' <<< "$line")
    if [ -z "$at" ]; then
        echo "FAIL bochs/$name (the first run printed no swap-out; log: ${logs#"$top"/}/swapout-learn.log)"
        return
    fi
    printf 'c\nxp /1wx %s\nq\n' "$at" > "$logs/swapout.rc"
    BOCHS_TIMEOUT=90 inspect "$name" "$args" "$logs/swapout.rc" > "$log" 2>&1
    tr -d '\r' < "$logs/$name.work/serial.log" > "$serial"
    local printed slot seen
    printed=$(sed -nE 's/.* now holds (0x[0-9a-f]{8}) \(slot ([0-9]+)\)$/\1/p' <<< "$line")
    slot=$(sed -nE 's/.* \(slot ([0-9]+)\)$/\1/p' <<< "$line")
    seen=$(grep -E '^0x[0-9a-f]{16} <bogus\+ +0>:' "$log" | awk '{ print $NF }' | head -1)
    grep -q 'Magic breakpoint' "$log" || why+=("Bochs never reached the magic breakpoint")
    grep -qF "$line" "$serial" || why+=("the second run stopped at another page than the first")
    [ "$seen" = "$printed" ] || why+=("Bochs read '$seen' at $at, the kernel printed '$printed'")
    [ $((${seen:-0} & 3)) -eq 2 ] || why+=("entry $seen is not a swap entry (P clear, PTE_SWAP set)")
    [ $((${seen:-0} >> 12)) -eq "${slot:--1}" ] || why+=("entry $seen does not name slot $slot")
    report "$name" "$log" "${why[@]}"
}
start_case swapout swapout_case

# Bus-master DMA on Bochs's own PIIX IDE controller: test=ata_frames writes
# every slot of the swap area in runs of up to 32 pages and reads them back
# (src/kernel/ktest_disk.c), then powers off. The swapout case above swaps
# by DMA too.
dma_case() {
    local name=dma log=$logs/dma.log serial=$logs/dma.serial why=() re
    printf 'c\nq\n' > "$logs/dma.rc"
    BOCHS_TIMEOUT=90 inspect "$name" "test=ata_frames" "$logs/dma.rc" > "$log" 2>&1
    tr -d '\r' < "$logs/$name.work/serial.log" > "$serial"
    for re in '^ata: PCI IDE controller 8086:7010 at 0:1\.1, bus-master registers at 0x[0-9a-f]+$' \
        '^ok [0-9]+ - [0-9]+ slots written in [0-9]+ requests and read back in [0-9]+: 0 I/O errors, 0 pages wrong$' \
        '^ok [0-9]+ - DMA: ([0-9]+) interrupts for the reads \(want \1\)$' \
        "^ktest: 'ata_frames' done: 5 ok, 0 not ok$"; do
        grep -Eq -- "$re" "$serial" || why+=("missing in the serial log: $re")
    done
    report "$name" "$log" "${why[@]}"
}
start_case dma dma_case

wait
for name in "${cases[@]}"; do
    # A case that died before its verdict still counts, as a failure.
    grep -qE '^(PASS|FAIL) ' "$logs/$name.out" ||
        echo "FAIL bochs/$name (no result; log: ${logs#"$top"/}/$name.out)" >> "$logs/$name.out"
    cat "$logs/$name.out"
    grep -E '^(PASS|FAIL) ' "$logs/$name.out" >> "$results"
done
