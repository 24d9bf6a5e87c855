#!/usr/bin/env bash
# Installs the Debian packages Pagoda needs, if any are missing.
#   scripts/install-deps.sh           install what is missing (as root), or
#                                     print the apt-get command to run
#   scripts/install-deps.sh --check   only say what is missing (exit 1 if any)
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

# package:what-proves-it-is-installed (a command, or an absolute path)
needs=(
    make:make
    gcc:gcc
    clang:clang
    lld:ld.lld
    binutils:ld
    nasm:nasm
    qemu-system-x86:qemu-system-i386
    bochs:bochs
    bochs-term:/usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so
    bochsbios:/usr/share/bochs/BIOS-bochs-latest
    vgabios:/usr/share/vgabios/vgabios.bin
    grub-common:grub-mkrescue
    grub-pc-bin:/usr/lib/grub/i386-pc/multiboot.mod
    xorriso:xorriso
    mtools:mformat
    check:/usr/include/check.h
    pkg-config:pkg-config
    fdisk:sfdisk
    util-linux:mkswap
    libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
    valgrind:valgrind
    gnuplot-nox:gnuplot
    xz-utils:xz
    procps:pgrep
)

missing=()
for n in "${needs[@]}"; do
    pkg=${n%%:*} probe=${n#*:}
    if [[ $probe == /* ]]; then
        [ -e "$probe" ] && continue
    else
        command -v "$probe" >/dev/null 2>&1 && continue
    fi
    missing+=("$pkg")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "${1:-}" = "--check" ]; then
    echo "missing packages: ${missing[*]}"
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "Pagoda needs these Debian packages: ${missing[*]}"
    echo "Install them with:"
    echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
