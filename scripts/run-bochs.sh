#!/usr/bin/env bash
# Boots Pagoda's ISO in Bochs with the repo's bochsrc and lands in Bochs's
# debugger. Type `c` to run; the kernel stops again at each break=POINT.
#   scripts/run-bochs.sh [KERNEL_ARGS]      e.g. scripts/run-bochs.sh break=gdt
# The kernel's serial output goes to build/bochs-serial.log (tail -f it in
# another terminal); its VGA text is drawn in this terminal.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build/${TOOLCHAIN:-clang}
"$top/scripts/mkiso.sh" "$build/kernel.elf" "$build/bochs.iso" "${1:-}"
export PAGODA_ISO=$build/bochs.iso
export PAGODA_DISK=$("$top/scripts/disk-image.sh")
# Bochs locks the disk image with a .lock file; one left by a Bochs that was
# killed would make every later run refuse the disk.
pgrep -x bochs-bin > /dev/null || rm -f "$PAGODA_DISK.lock"
export PAGODA_SERIAL=$top/build/bochs-serial.log
export PAGODA_BOCHS_LOG=$top/build/bochs.log
echo "run-bochs: serial console in build/bochs-serial.log, Bochs log in build/bochs.log"
cd "$top"
exec bochs -q -f bochsrc
