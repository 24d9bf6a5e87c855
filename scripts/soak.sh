#!/usr/bin/env bash
# `make soak`: the swap workloads, round after round, at userpages=64 with
# swapcheck=on, until more than 1 GiB has gone through swap (not part of
# make test: it takes several minutes). Passes if every program's check
# passed, no page came back changed, and memcheck stayed clean.
#   SOAK_ROUNDS  rounds of the workloads (default 14: about 1.1 GiB)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
rounds=${SOAK_ROUNDS:-14}
round=$'run pageparallel\nrun pagemerge\nrun swapfork\nrun swapfill 6\nrun sortbig 512\nrun matmul 200\nrun hugesparse 4\nrun forkmany 16 64\nmemcheck\n'
input=""
for ((i = 0; i < rounds; i++)); do input+=$round; done
input+=$'vmstat\npoweroff\n'
log=build/soak.log
mkdir -p build
start=$SECONDS
printf '%s' "$input" | MEM=32 timeout 3600 scripts/run-qemu.sh --kernel "userpages=64 swapcheck=on" > "$log" 2>&1
status=$?
tr -d '\r' < "$log" > "$log.txt"

count() { grep -cE "$1" "$log.txt"; }
counter() { sed -nE "s/^$1 +([0-9]+)$/\1/p" "$log.txt" | tail -1; }
pages=$(( $(counter pswpin) + $(counter pswpout) ))
why=()
[ "$status" -eq 0 ] || why+=("QEMU ended with status $status (log: $log)")
[ "$(count '^linear-[0-3]: 2048 KiB encrypted and decrypted: 0 bytes wrong$')" -eq $((4 * rounds)) ] ||
    why+=("not every pagelinear checked out")
[ "$(count '^pagemerge: 0 children failed, 0 out of order, 0 byte values miscounted$')" -eq "$rounds" ] ||
    why+=("not every pagemerge checked out")
[ "$(count '^swapfork: parent 0 pages wrong, child exit status 0$')" -eq "$rounds" ] ||
    why+=("not every swapfork checked out")
[ "$(count '^swapfill: 6 MiB written and read back: 0 pages wrong$')" -eq "$rounds" ] ||
    why+=("not every swapfill checked out")
[ "$(count '^sortbig: 512 KiB sorted: 0 words out of order, sum and xor kept$')" -eq "$rounds" ] ||
    why+=("not every sortbig checked out")
[ "$(count '^matmul: 200x200 \(468 KiB in three matrices\): 0 elements wrong$')" -eq "$rounds" ] ||
    why+=("not every matmul checked out")
[ "$(count '^hugesparse: 4 MiB with 1024 KiB live, checked twice: 0 words wrong$')" -eq "$rounds" ] ||
    why+=("not every hugesparse checked out")
[ "$(count '^forkmany: 16 children of 64 KiB, 0 failed$')" -eq "$rounds" ] ||
    why+=("not every forkmany checked out")
[ "$(count '^memcheck: clean')" -eq $((rounds + 1)) ] || why+=("a memcheck was not clean")
[ "$(counter swapcheck_errors)" = 0 ] || why+=("swapcheck_errors is $(counter swapcheck_errors)")
[ "$pages" -ge 262144 ] || why+=("only $pages pages went through swap, less than 1 GiB")

echo "soak: $rounds rounds in $((SECONDS - start)) s: $(counter pswpout) pages out, $(counter pswpin) in" \
    "($((pages / 256)) MiB), $(counter swapcheck_errors) checksum mismatches, $(counter swapcache_hit) swap-cache hits"
if [ ${#why[@]} -eq 0 ]; then
    echo "soak: PASS"
else
    printf 'soak: FAIL: %s\n' "${why[@]}"
    exit 1
fi
