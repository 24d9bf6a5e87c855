#!/usr/bin/env bash
# Boots the real kernel under QEMU once per scenario in tests/kernel/scenarios.sh
# and checks its serial output and exit status.
#   tests/kernel/run.sh [FILTER]     run the scenarios whose name contains FILTER
# Environment: TOOLCHAIN (clang|gcc), RESULTS (file to append PASS/FAIL lines),
# JOBS (scenarios run at once, default 2). Logs: build/<toolchain>/ktest/NAME.log
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$top/build/${TOOLCHAIN:-clang}
kernel=$build/kernel.elf
logs=$build/ktest
results=${RESULTS:-/dev/null}
# Results of a gcc-built kernel are named kernel-gcc/NAME.
label=kernel
[ "${TOOLCHAIN:-clang}" = clang ] || label=kernel-$TOOLCHAIN
filter=${1:-}
jobs=${JOBS:-2}
mkdir -p "$logs"
[ -f "$kernel" ] || { echo "kernel tests: $kernel missing (make kernel)"; exit 1; }

# QEMU exits with (value << 1) | 1 for a value written to isa-debug-exit
# (src/kernel/power.h).
status_code() {
    case $1 in
    pass) echo 33 ;; fail) echo 35 ;; panic) echo 37 ;;
    *) echo "bad status $1" >&2; exit 2 ;;
    esac
}

# scenario NAME [--boot kernel|iso] [--args "..."] [--status pass|fail|panic]
#          [--input TEXT] [--qemu "..."] [--module FILE] [--timeout S]
#          [--expect REGEX]... [--reject REGEX]... [--count "N REGEX"]...
# Every --expect must match a line of the serial output, no --reject may,
# and each --count REGEX must match exactly N lines.
# --input is typed into the serial port (a newline is added). The user
# programs are always modules; --module puts FILE before them (-kernel only).
scenario() {
    local name=$1
    shift
    [[ -n $filter && $name != *"$filter"* ]] && return 0
    local def=("$@")
    # Parse now to catch mistakes early; run in the background, JOBS at once.
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
    run_one "$name" "${def[@]}" &
}

run_one() {
    local name=$1
    shift
    local boot=kernel args="" status=pass input="" qemu="" timeout=30 module=
    local expect=() reject=() count=()
    while [ $# -gt 0 ]; do
        case $1 in
        --boot) boot=$2 ;;
        --args) args=$2 ;;
        --status) status=$2 ;;
        --input) input=$2 ;;
        --qemu) qemu=$2 ;;
        --timeout) timeout=$2 ;;
        --module) module=$2 ;;
        --expect) expect+=("$2") ;;
        --reject) reject+=("$2") ;;
        --count) count+=("$2") ;;
        *) echo "scenario $name: unknown option $1" >&2; exit 2 ;;
        esac
        shift 2
    done
    local log=$logs/$name.log boot_args
    if [ "$boot" = iso ]; then
        local iso=$logs/$name.iso
        "$top/scripts/mkiso.sh" "$kernel" "$iso" "$args" || { echo "FAIL $label/$name (no ISO)" | tee -a "$results"; return; }
        boot_args=(-cdrom "$iso" -boot d)
    else
        boot_args=(-kernel "$kernel" -append "$args")
        local mods
        mods=$(printf '%s\n' $module "${user_progs[@]}" | paste -sd, -)
        [ -n "$mods" ] && boot_args+=(-initrd "$mods")
    fi
    local want got
    want=$(status_code "$status")
    # shellcheck disable=SC2086
    printf '%s\n' "$input" | timeout "$timeout" qemu-system-i386 "${boot_args[@]}" \
        -m 128 -display none -serial stdio -monitor none -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 $qemu 2>&1 | tr -d '\r' > "$log"
    got=${PIPESTATUS[1]}

    local why=()
    [ "$got" = 124 ] && why+=("timed out after ${timeout}s")
    [ "$got" != "$want" ] && [ "$got" != 124 ] && why+=("exit status $got, expected $want ($status)")
    # Every scenario that ends normally ends with memcheck (src/mem/memcheck.c),
    # and its last verdict must be clean.
    if [ "$status" = pass ]; then
        local verdict
        verdict=$(grep -E '^memcheck: (clean|[0-9]+ problems)' "$log" | tail -1)
        [[ $verdict == "memcheck: clean"* ]] || why+=("the final memcheck was not clean: ${verdict:-none ran}")
    fi
    local re
    for re in "${expect[@]}"; do
        grep -Eq -- "$re" "$log" || why+=("missing: $re")
    done
    local c n
    for c in "${count[@]}"; do
        n=$(grep -Ec -- "${c#* }" "$log")
        [ "$n" = "${c%% *}" ] || why+=("${c#* } matched $n lines, expected ${c%% *}")
    done
    for re in "${reject[@]}"; do
        grep -Eq -- "$re" "$log" && why+=("unexpected: $(grep -Em1 -- "$re" "$log")")
    done
    if [ ${#why[@]} -eq 0 ]; then
        echo "PASS $label/$name" | tee -a "$results"
    else
        {
            echo "FAIL $label/$name (log: ${log#"$top"/})"
            printf '     %s\n' "${why[@]}"
        } | tee -a "$results"
    fi
}

# The user programs, relative to the top so module names read well.
cd "$top"
user_progs=()
for p in "build/${TOOLCHAIN:-clang}"/user/*; do [ -f "$p" ] && user_progs+=("$p"); done

# shellcheck source=tests/kernel/scenarios.sh
. "$top/tests/kernel/scenarios.sh"
wait
