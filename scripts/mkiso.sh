#!/usr/bin/env bash
# Makes a bootable GRUB 2 ISO from the kernel and the top-level grub.cfg.
#   scripts/mkiso.sh KERNEL OUT.iso [KERNEL_ARGS]
# KERNEL_ARGS, if given, becomes the kernel command line (through args.cfg).
# The user programs built beside the kernel (DIR/user/*, DIR being the
# kernel's directory) go to /boot/user/, where grub.cfg loads them as modules.
set -euo pipefail
kernel=$1 out=$2 args=${3:-}
top=$(cd "$(dirname "$0")/.." && pwd)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub"
cp "$kernel" "$stage/boot/kernel.elf"
cp "$top/grub.cfg" "$stage/boot/grub/grub.cfg"
mkdir -p "$stage/boot/user"
for prog in "$(dirname "$kernel")"/user/*; do
    [ -f "$prog" ] && cp "$prog" "$stage/boot/user/"
done
if [ -n "$args" ]; then
    # GRUB's quoting: single quotes keep the words literal.
    printf "set kernel_args='%s'\n" "$args" > "$stage/boot/grub/args.cfg"
fi
mkdir -p "$(dirname "$out")"
if ! log=$(grub-mkrescue -o "$out" "$stage" 2>&1); then
    echo "$log" >&2
    echo "mkiso: grub-mkrescue failed (is grub-pc-bin installed? run scripts/install-deps.sh)" >&2
    exit 1
fi
