#!/usr/bin/env bash
# Boots Pagoda's ISO in Bochs with the repo's bochsrc and lands in Bochs's
# debugger: at the kernel's first break=POINT if the command line names one,
# else before the BIOS runs. Type `c` to run on; Ctrl-C stops the machine
# and returns to the debugger; `q` quits.
#   scripts/run-bochs.sh [KERNEL_ARGS]      e.g. scripts/run-bochs.sh break=gdt
# The kernel's serial output goes to build/bochs-serial.log (tail -f it in
# another terminal); its VGA text is drawn in this terminal. What Bochs
# prints before it reads bochsrc (the plugins it loads) goes to
# build/bochs-stderr.log.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build/${TOOLCHAIN:-clang}
args=${1:-}
"$top/scripts/mkiso.sh" "$build/kernel.elf" "$build/bochs.iso" "$args"
export PAGODA_ISO=$build/bochs.iso
export PAGODA_DISK=$("$top/scripts/disk-image.sh")
# Bochs locks the disk image with a .lock file; one left by a Bochs that was
# killed would make every later run refuse the disk. A running Bochs holds
# it for real.
if running=$(pgrep -x bochs-bin); then
    echo "run-bochs: Bochs is already running (pid $(echo $running)) and holds $PAGODA_DISK.lock;" \
        "quit it first" >&2
    exit 1
fi
rm -f "$PAGODA_DISK.lock"
export PAGODA_SERIAL=$top/build/bochs-serial.log
export PAGODA_BOCHS_LOG=$top/build/bochs.log
# The debugger reads its first commands from an -rc file, then the terminal:
# a `c` there runs the machine up to the kernel's first break point.
rc=()
if [[ " $args " =~ [[:space:]]break= ]]; then
    printf 'c\n' > "$top/build/bochs-start.rc"
    rc=(-rc "$top/build/bochs-start.rc")
fi
echo "run-bochs: serial console in build/bochs-serial.log (tail -f it), Bochs log in build/bochs.log"
cd "$top"
exec bochs -q -f bochsrc "${rc[@]}" 2> "$top/build/bochs-stderr.log"
