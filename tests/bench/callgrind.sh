#!/usr/bin/env bash
# Instructions per operation for every bench_buddy workload, counted by
# callgrind (deterministic, unlike wall-clock time).
#
#   tests/bench/callgrind.sh [BENCH]   default build/host/bench_buddy (x86-64, gcc -O2)
#   tests/bench/callgrind.sh --all     also build and measure the allocator as the
#                                      kernel compiles it: i386 (-m32 -march=i686,
#                                      frame pointers, no SSE) with gcc and with clang
#
# Each workload runs twice under callgrind, with a small and a large number of
# loop steps; the setup is the same in both runs, so subtracting the two
# removes it. Per call: the inclusive cost (the function and everything it
# calls) of the allocator's alloc and free functions, divided by the number
# of extra calls. Per op: the whole loop (RNG and bookkeeping included)
# divided by the number of extra ops. Needs valgrind (apt-get install valgrind).
set -euo pipefail
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bins=()
if [ "${1:-}" = --all ]; then
    bins+=(build/host/bench_buddy)
    # The allocator compiled exactly as the Makefile compiles the kernel,
    # linked into a 32-bit build of the benchmark that uses the same code
    # generation flags for its baselines. -gdwarf-4: valgrind 3.19 cannot
    # read clang 14's default DWARF 5.
    allocator_srcs="src/mem/buddy.c src/mem/buddy_check.c src/mem/buddy_hot.c"
    common="-std=gnu11 -fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables
        -mno-mmx -mno-sse -mno-sse2 -O2 -gdwarf-4 -Isrc -DHOST_TEST"
    for cc in gcc clang; do
        if [ $cc = gcc ]; then
            karch="-m32 -march=i686 -fno-pie -fno-pic -fcf-protection=none"
        else
            karch="--target=i686-elf"
        fi
        out=build/host/bench_buddy-i386-$cc
        objs=()
        for src in $allocator_srcs; do
            obj=$tmp/$(basename "$src" .c)-$cc.o
            # shellcheck disable=SC2086
            $cc $karch $common -ffreestanding -nostdlib -fno-builtin -c "$src" -o "$obj"
            objs+=("$obj")
        done
        # shellcheck disable=SC2086
        $cc -m32 -march=i686 -fno-pie -no-pie -fno-pic -fcf-protection=none $common \
            tests/bench/bench_buddy.c "${objs[@]}" -o "$out"
        bins+=("$out")
    done
else
    bins+=("${1:-build/host/bench_buddy}")
fi
for bin in "${bins[@]}"; do
    [ -x "$bin" ] || { echo "callgrind.sh: $bin not built (make $bin)" >&2; exit 1; }
done

# run BENCH WORKLOAD N ALLOC
#   -> "allocs frees drains probes Ir(alloc) Ir(free) Ir(drain) Ir(loop) Ir(probed)"
# Ir(probed): the calls made through probe_alloc/probe_free (the worst-case
# workloads), i.e. the probes' inclusive cost minus their own instructions.
run() {
    local out="$tmp/cg.out" line fa ff fd
    line=$(valgrind --tool=callgrind --callgrind-out-file="$out" "$1" "$2" "$3" "$4" 2>/dev/null)
    case $4 in
    hot) fa=buddy_hot_alloc ff=buddy_hot_free fd=buddy_hot_drain ;;
    buddy) fa=buddy_alloc ff=buddy_free fd=none ;;
    *) fa=$4_alloc ff=$4_free fd=none ;;
    esac
    { callgrind_annotate --inclusive=yes --threshold=100 "$out" 2>/dev/null | sed 's/^/I /'
      callgrind_annotate --inclusive=no --threshold=100 "$out" 2>/dev/null | sed 's/^/S /'; } |
    awk -v line="$line" -v fa="$fa" -v ff="$ff" -v fd="$fd" -v fl="loop_$4" '
        function field(name,   i, n, kv) {
            n = split(line, kv, /[ =]/)
            for (i = 1; i < n; i++) if (kv[i] == name) return kv[i + 1]
            return 0
        }
        function ir(s) { gsub(",", "", s); return s + 0 }
        # summary lines only ("1,234 (5.6%)  file:function [object]"); static
        # functions may carry a clone suffix (.constprop.0, .isra.0). A
        # function with code inlined from a header is listed once per file:
        # its inclusive cost is the largest of those lines. (The probes are
        # small functions of the benchmark itself: one line each.)
        function fn(re) { return "^ *[0-9,]+ +\\( *[0-9.]+%\\) +[^ ]*:" re "(\\.[a-z]+\\.[0-9]+)*( \\[|$)" }
        BEGIN { want["a"] = fa; want["f"] = ff; want["d"] = fd; want["l"] = fl }
        {
            kind = $1; sub(/^[IS] /, "")
            if (kind == "I") { for (f in want) if ($0 ~ fn(want[f]) && ir($1) > cost[f]) cost[f] = ir($1) }
            if ($0 ~ fn("probe_(alloc|free)")) {
                if (kind == "I") { if (ir($1) > pin) pin = ir($1) } else if (ir($1) > pself) pself = ir($1)
            }
        }
        END { print field("allocs"), field("frees"), field("drains"), field("probes"), cost["a"] + 0, cost["f"] + 0, cost["d"] + 0, cost["l"] + 0, pin - pself }'
}

per() { # per DIFF COUNT -> ratio or "-"
    awk -v d="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f", d / n; else printf "-" }'
}

# table BENCH: every workload with every allocator it applies to, then the
# figures the targets are about.
table() {
    local bin=$1 summary="$tmp/summary" wl k small large
    local a1 f1 d1 p1 ia1 if1 id1 il1 ip1 a2 f2 d2 p2 ia2 if2 id2 il2 ip2 pa pf pd pl pp
    echo "== $bin"
    printf "%-14s %-9s %11s %11s %11s %11s\n" workload allocator "alloc/call" "free/call" "drain/call" "loop/op"
    : >"$summary"
    for wl in order0 occ90 mixed mixed-swing split last full fail refill; do
        for k in hot buddy freelist bitmap; do
            "$bin" "$wl" 1 "$k" >/dev/null 2>&1 || continue # does not apply
            small=100000 large=600000
            if [ "$k" = bitmap ] && [ "$wl" != order0 ]; then small=2000 large=12000; fi
            read -r a1 f1 d1 p1 ia1 if1 id1 il1 ip1 < <(run "$bin" "$wl" "$small" "$k")
            read -r a2 f2 d2 p2 ia2 if2 id2 il2 ip2 < <(run "$bin" "$wl" "$large" "$k")
            pa=$(per $((ia2 - ia1)) $((a2 - a1)))
            pf=$(per $((if2 - if1)) $((f2 - f1)))
            pd=$(per $((id2 - id1)) $((d2 - d1)))
            pl=$(per $((il2 - il1)) $((a2 - a1 + f2 - f1)))
            printf "%-14s %-9s %11s %11s %11s %11s\n" "$wl" "$k" "$pa" "$pf" "$pd" "$pl"
            echo "$wl $k $pa $pf $pd $pl" >>"$summary"
        done
    done
    # The worst cases: one probed call per step, the rest of the step
    # rebuilds the state (see bench_buddy.c).
    echo
    printf "%-14s %-52s %11s\n" "worst case" "the probed call" "Ir/call"
    for wl in join-mid join-edge drain-fail drain-join spill-join; do
        case $wl in
        join-*) k=buddy small=2000 large=12000 ;;
        *) k=hot small=200 large=1200 ;;
        esac
        "$bin" "$wl" 1 $k >/dev/null 2>&1 || continue
        read -r a1 f1 d1 p1 ia1 if1 id1 il1 ip1 < <(run "$bin" "$wl" $small $k)
        read -r a2 f2 d2 p2 ia2 if2 id2 il2 ip2 < <(run "$bin" "$wl" $large $k)
        pp=$(per $((ip2 - ip1)) $((p2 - p1)))
        case $wl in
        join-mid) what="free joining 10 orders, each buddy mid-list" ;;
        join-edge) what="same at the zone edge: 9 orders, bounds checked" ;;
        drain-fail) what="hot: refusal after draining 31 frames, no joins" ;;
        drain-join) what="hot: refusal after draining 31 frames, 9 joins each" ;;
        spill-join) what="hot: free into a full cache, 8 spilled, 9 joins each" ;;
        esac
        printf "%-14s %-52s %11s\n" "$wl" "$what" "$pp"
        echo "$wl probe $pp" >>"$summary"
    done
    awk '
    { a[$1, $2] = $3; f[$1, $2] = $4; d[$1, $2] = $5; l[$1, $2] = $6 }
    $2 == "probe" { p[$1] = $3 }
    END {
        print ""
        print "targets:"
        printf "  with the cache (hot):\n"
        printf "    mixed, per alloc / per free:                    %s / %s   (target <= 45)\n", a["mixed", "hot"], f["mixed", "hot"]
        printf "    mixed-swing (harsher), per alloc / per free:    %s / %s\n", a["mixed-swing", "hot"], f["mixed-swing", "hot"]
        oa = a["order0", "hot"] + f["order0", "hot"]; fa = a["order0", "freelist"] + f["order0", "freelist"]
        printf "    order-0 alloc+free vs free list, per call:      %.1f vs %.1f = %.2fx   (target <= 2x)\n", oa, fa, oa / fa
        printf "    bitmap / hot per allocation at 90%% full:        %s / %s = %.0fx   (target >= 30x)\n", a["occ90", "bitmap"], a["occ90", "hot"], a["occ90", "bitmap"] / a["occ90", "hot"]
        printf "    refusal, nothing cached (full / checkerboard):  %s / %s   (target <= 70)\n", a["full", "hot"], a["fail", "hot"]
        printf "    refusal that drains the cache (no joins / 9 each): %s / %s   (bounded by the cache: report)\n", p["drain-fail"], p["drain-join"]
        printf "    refill (10 splits, then 7 frames) / drain (8 frees): %s / %s\n", a["refill", "hot"], d["refill", "hot"]
        printf "    free into a full cache, 8 spilled, 9 joins each: %s\n", p["spill-join"]
        printf "  without the cache (buddy, hot=off):\n"
        printf "    mixed, per alloc / per free:                    %s / %s   (target <= 60)\n", a["mixed", "buddy"], f["mixed", "buddy"]
        printf "    mixed-swing (harsher), per alloc / per free:    %s / %s\n", a["mixed-swing", "buddy"], f["mixed-swing", "buddy"]
        printf "    refusal (full zone / checkerboard):             %s / %s   (target <= 70)\n", a["full", "buddy"], a["fail", "buddy"]
        printf "    10 splits / 10 merges:                          %s / %s   (target <= 300)\n", a["split", "buddy"], f["split", "buddy"]
        printf "    10 merges, buddies mid-list:                    %s   (target <= 300)\n", p["join-mid"]
        printf "    9 merges at the zone edge:                      %s   (target <= 300)\n", p["join-edge"]
        printf "    bitmap / buddy per allocation at 90%% full:      %s / %s = %.0fx\n", a["occ90", "bitmap"], a["occ90", "buddy"], a["occ90", "bitmap"] / a["occ90", "buddy"]
    }' "$summary"
    echo
}

for bin in "${bins[@]}"; do
    table "$bin"
done
