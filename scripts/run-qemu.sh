#!/usr/bin/env bash
# Boots Pagoda in QEMU with the serial console on this terminal (no window).
#   scripts/run-qemu.sh [--iso|--kernel] [--gdb] [KERNEL_ARGS]
#   --iso     boot the GRUB ISO made from grub.cfg (default)
#   --kernel  boot the ELF directly with QEMU's Multiboot loader (-kernel)
#   --gdb     wait for gdb on localhost:1234 (then: gdb -x scripts/gdbinit)
# Environment: TOOLCHAIN (clang|gcc), MEM (MiB, default 128), QEMU_EXTRA.
# The disk build/disks/run.img (scripts/disk-image.sh) is attached as hda.
# Leave with `poweroff` at the shell prompt, or Ctrl-A then X.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build/${TOOLCHAIN:-clang}
kernel=$build/kernel.elf
mode=iso gdb=() args=""
for a in "$@"; do
    case $a in
    --iso) mode=iso ;;
    --kernel) mode=kernel ;;
    --gdb) gdb=(-s -S) ;;
    *) args=$a ;;
    esac
done
[ -f "$kernel" ] || { echo "run-qemu: $kernel is missing: run 'make kernel' first" >&2; exit 1; }

if [ "$mode" = iso ]; then
    iso=$build/run.iso
    "$top/scripts/mkiso.sh" "$kernel" "$iso" "$args"
    boot=(-cdrom "$iso" -boot d)
else
    boot=(-kernel "$kernel" -append "$args")
    # QEMU's Multiboot loader takes modules as a comma-separated -initrd list.
    mods=$(find "$build/user" -maxdepth 1 -type f 2>/dev/null | sort | paste -sd, -)
    [ -n "$mods" ] && boot+=(-initrd "$mods")
fi
# The disk with the swap partition, as the primary master (hda).
boot+=(-drive "file=$("$top/scripts/disk-image.sh"),format=raw,if=ide,index=0")
if [ ${#gdb[@]} -gt 0 ]; then
    echo "run-qemu: waiting for gdb on localhost:1234; in another terminal run:"
    echo "    gdb -x scripts/gdbinit"
fi

# isa-debug-exit: the kernel's power_exit() writes its status to port 0xf4
# and QEMU exits with (status << 1) | 1.
set +e
# shellcheck disable=SC2086
qemu-system-i386 "${boot[@]}" -m "${MEM:-128}" -display none -serial mon:stdio \
    -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${gdb[@]}" ${QEMU_EXTRA:-}
status=$?
set -e
case $status in
0 | 33) exit 0 ;;                       # powered off normally
35) echo "run-qemu: the kernel reported a failure (status 35)" >&2 ;;
37) echo "run-qemu: the kernel panicked (status 37)" >&2 ;;
esac
exit $status
