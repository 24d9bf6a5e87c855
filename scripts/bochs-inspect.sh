#!/usr/bin/env bash
# Runs Bochs with no terminal, stops at the kernel's magic breakpoint(s) and
# prints what Bochs's debugger says about the CPU there.
#   scripts/bochs-inspect.sh [KERNEL_ARGS] [DEBUGGER_COMMANDS_FILE]
# KERNEL_ARGS defaults to break=gdt. The commands file defaults to one that
# continues to the first break and shows creg, info gdt and info idt.
# Output: the debugger transcript on stdout; the kernel's serial output is
# kept in build/bochs-inspect-serial.log.
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
iso=$build/inspect.iso
"$top/scripts/mkiso.sh" "$build/kernel.elf" "$iso" "$args"
export PAGODA_ISO=$iso
export PAGODA_DISK=$("$top/scripts/disk-image.sh")
# Bochs locks the disk image with a .lock file; one left by a Bochs that was
# killed would make every later run refuse the disk.
pgrep -x bochs-bin > /dev/null || rm -f "$PAGODA_DISK.lock"
export PAGODA_SERIAL=$top/build/bochs-inspect-serial.log
export PAGODA_BOCHS_LOG=$top/build/bochs-inspect.log
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
