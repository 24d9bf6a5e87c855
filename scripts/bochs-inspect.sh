#!/usr/bin/env bash
# Runs Bochs with no terminal, stops at the kernel's magic breakpoint(s) and
# prints what Bochs's debugger says about the CPU there.
#   scripts/bochs-inspect.sh [KERNEL_ARGS] [DEBUGGER_COMMANDS_FILE]
# KERNEL_ARGS defaults to break=gdt. The commands file defaults to one that
# continues to the first break and shows creg, info gdt and info idt.
# Output: the debugger transcript on stdout; the kernel's serial output is
# kept in build/bochs-inspect-serial.log. With BOCHS_WORK=DIR, the ISO, a
# copy of the disk, the serial log (DIR/serial.log) and Bochs's log go to
# DIR instead, so that two runs can go side by side (tests/bochs/run.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build/${TOOLCHAIN:-clang}
args=${1:-break=gdt}
cmds=${2:-}
if [ -z "$cmds" ]; then
    cmds=$(mktemp)
    trap 'rm -f "$cmds"' EXIT
    printf 'c\ncreg\ninfo gdt\ninfo idt 0 47\nq\n' > "$cmds"
fi
work=${BOCHS_WORK:-}
iso=${work:-$build}/inspect.iso
[ -z "$work" ] || mkdir -p "$work"
"$top/scripts/mkiso.sh" "$build/kernel.elf" "$iso" "$args"
export PAGODA_ISO=$iso
PAGODA_DISK=$("$top/scripts/disk-image.sh")
export PAGODA_DISK
if [ -n "$work" ]; then
    # Bochs locks its disk image: a run of its own has a copy of its own
    # (and no lock left by an earlier run that was killed).
    rm -f "$work/disk.img.lock"
    cp --sparse=always "$PAGODA_DISK" "$work/disk.img"
    PAGODA_DISK=$work/disk.img
    export PAGODA_SERIAL=$work/serial.log PAGODA_BOCHS_LOG=$work/bochs.log
else
    # Bochs locks the disk image with a .lock file; one left by a Bochs that
    # was killed would make every later run refuse the disk.
    pgrep -x bochs-bin > /dev/null || rm -f "$PAGODA_DISK.lock"
    export PAGODA_SERIAL=$top/build/bochs-inspect-serial.log
    export PAGODA_BOCHS_LOG=$top/build/bochs-inspect.log
fi
cd "$top"
# setsid and /dev/null: Bochs's term display then finds no terminal and runs
# headless; the debugger reads its commands from the -rc file. Bochs forks,
# so a signal to the process we start would leave its child running: setsid
# gives it a process group of its own, and at the deadline the whole group is
# killed.
out=$(mktemp)
setsid bochs-bin -q -f bochsrc -rc "$cmds" < /dev/null > "$out" 2>&1 &
bochs=$!
for ((tenths = 0; tenths < ${BOCHS_TIMEOUT:-60} * 10; tenths++)); do
    kill -0 "$bochs" 2> /dev/null || break
    sleep 0.1
done
kill -KILL -- "-$bochs" 2> /dev/null || true
wait "$bochs" 2> /dev/null || true
rm -f "$PAGODA_DISK.lock"
sed -n '/^Next at t=/,$p' "$out"
rm -f "$out"
