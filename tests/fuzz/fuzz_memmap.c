/* libFuzzer target for the Multiboot memory map (src/mem/memmap.c).
 *
 * The input is the raw map as the boot loader leaves it at mmap_addr (the
 * seeds are maps scripts/fuzz-seeds.sh writes: QEMU's, and those printed in
 * kernel test logs). memmap_read() walks it as the kernel does; a plain
 * reference walk with 64-bit offsets, which cannot wrap, must find the same
 * entries, or refuse it for the same reason at the same offset.
 *
 * A map that reads is then cleaned by memmap_usable() below three limits,
 * the kernel's 4 GiB among them, and the ranges must be:
 *   - page-aligned, non-empty, sorted, disjoint and not touching;
 *   - below the limit;
 *   - RAM: every byte inside some available entry and inside no other one
 *     (checked where that can change: at each range's start and at every
 *     entry edge inside it);
 *   - all of it: usable bytes, partial pages, overlap with reserved entries
 *     and RAM above the limit add up to the available bytes of the map;
 *   - the same, cut short, when out has room for fewer (-ENOSPC; checked
 *     below the kernel's limit).
 * Any violation abort()s. */
#include "fuzz.h"

#include "kernel/errno.h"
#include "mem/memmap.h"

#define MAX_OUT (2 * MB_MAX_REGIONS + 2) /* more ranges than any map can need */
#define PAGE    4096u

static struct mb_region map[MB_MAX_REGIONS], want[MB_MAX_REGIONS];
static struct mm_range out[MAX_OUT], cut[MAX_OUT];

static uint64_t le64(const uint8_t *p)
{
    return fuzz_le32(p) | (uint64_t)fuzz_le32(p + 4) << 32;
}

/* The reference walk: the next entry starts size + 4 bytes on, counted in 64
 * bits. Returns the count, or -1 with *why and *at set. */
static int reference_read(const uint8_t *buf, uint32_t len, enum memmap_read_reason *why,
                          uint32_t *at)
{
    int n = 0;

    for (uint64_t off = 0; off < len; off += 4 + (uint64_t)fuzz_le32(buf + off)) {
        *at = (uint32_t)off;
        if (len - off < MEMMAP_RAW_ENTRY) {
            *why = MEMMAP_READ_CUT_OFF;
            return -1;
        }
        if (fuzz_le32(buf + off) < MEMMAP_RAW_MIN) {
            *why = MEMMAP_READ_SHORT;
            return -1;
        }
        if (n == MB_MAX_REGIONS) {
            *why = MEMMAP_READ_TOO_MANY;
            return -1;
        }
        want[n].base = le64(buf + off + 4);
        want[n].len = le64(buf + off + 12);
        want[n].type = fuzz_le32(buf + off + 20);
        n++;
    }
    *why = MEMMAP_READ_OK;
    return n;
}

static void check_read(const uint8_t *buf, uint32_t len, int n, const struct memmap_read_error *err)
{
    enum memmap_read_reason why;
    uint32_t at = 0;
    int expect = reference_read(buf, len, &why, &at);

    if (expect < 0) {
        if (n != -EINVAL || err->reason != why || err->offset != at)
            FAIL("map of %u bytes: read gave %d (reason %d at %u), expected reason %d at %u", len,
                 n, err->reason, err->offset, why, at);
        return;
    }
    if (n != expect || err->reason != MEMMAP_READ_OK)
        FAIL("map of %u bytes: read %d entries (reason %d at offset %u), expected %d", len, n,
             err->reason, err->offset, expect);
    for (int i = 0; i < n; i++)
        if (map[i].base != want[i].base || map[i].len != want[i].len || map[i].type != want[i].type)
            FAIL("entry %d is not the bytes of the map", i);
}

/* The entry's last byte; false for a zero-length or wrapping entry. */
static int last_byte(const struct mb_region *e, uint64_t *last)
{
    if (e->len == 0 || e->len - 1 > UINT64_MAX - e->base)
        return 0;
    *last = e->base + (e->len - 1);
    return 1;
}

/* Byte a is inside an available entry and inside no other. */
static int is_clean_ram(int n, uint64_t a)
{
    int avail = 0;
    uint64_t last;

    for (int i = 0; i < n; i++) {
        if (!last_byte(&map[i], &last) || a < map[i].base || a > last)
            continue;
        if (map[i].type != MB_MEM_AVAILABLE)
            return 0;
        avail = 1;
    }
    return avail;
}

static int by_base(const void *a, const void *b)
{
    const struct mb_region *x = a, *y = b;
    return x->base < y->base ? -1 : x->base > y->base;
}

/* Bytes covered by at least one available entry (up to 2^64: 128 bits). */
static unsigned __int128 available_bytes(int n)
{
    struct mb_region av[MB_MAX_REGIONS];
    unsigned __int128 total = 0, end = 0; /* end: one past the bytes counted so far */
    uint64_t last;
    int k = 0;

    for (int i = 0; i < n; i++)
        if (map[i].type == MB_MEM_AVAILABLE && last_byte(&map[i], &last))
            av[k++] = map[i];
    qsort(av, k, sizeof av[0], by_base);
    for (int i = 0; i < k; i++) {
        unsigned __int128 s = av[i].base, e = s + av[i].len;
        if (s < end)
            s = end;
        if (e > s) {
            total += e - s;
            end = e;
        }
    }
    return total;
}

static void check_usable(int n, uint64_t limit, int check_cut)
{
    struct memmap_stats st, st_cut;
    int r = memmap_usable(map, n, limit, out, MAX_OUT, &st);
    uint64_t last;

    if (r < 0)
        FAIL("memmap_usable returned %d for %d entries", r, n);
    for (int i = 0; i < r; i++) {
        uint64_t s = out[i].start, e = out[i].end;
        if (s >= e || s % PAGE || e % PAGE)
            FAIL("range %d 0x%llx-0x%llx is empty or not page-aligned", i, (unsigned long long)s,
                 (unsigned long long)e);
        if (e > limit)
            FAIL("range %d ends at 0x%llx, above the limit 0x%llx", i, (unsigned long long)e,
                 (unsigned long long)limit);
        if (i > 0 && s <= out[i - 1].end)
            FAIL("ranges %d and %d are not sorted and apart", i - 1, i);
        /* Whether a byte is clean RAM changes only at an entry's edge. */
        if (!is_clean_ram(n, s))
            FAIL("range %d starts at 0x%llx, which is not clean RAM", i, (unsigned long long)s);
        for (int k = 0; k < n; k++) {
            if (!last_byte(&map[k], &last))
                continue;
            uint64_t edges[2] = {map[k].base, last + 1};
            for (int j = 0; j < 2; j++)
                if (edges[j] > s && edges[j] < e && !is_clean_ram(n, edges[j]))
                    FAIL("range %d holds 0x%llx, which is not clean RAM", i,
                         (unsigned long long)edges[j]);
        }
    }

    uint32_t bad = 0;
    for (int k = 0; k < n; k++)
        bad += !last_byte(&map[k], &last);
    if (st.bad_entries != bad)
        FAIL("%u bad entries counted, %u in the map", st.bad_entries, bad);
    /* The two counts that saturate stop being exact at 2^64 - 1. */
    if (st.above_limit != UINT64_MAX && (unsigned __int128)memmap_total(out, r) + st.partial_pages +
                                                st.overlap_reserved + st.above_limit !=
                                            available_bytes(n))
        FAIL("usable + partial + reserved + above the limit is not the RAM in the map");

    /* Room for fewer: the same ranges as far as they go, the same stats.
     * (For one limit only: memmap_usable() is most of the time spent.) */
    int room = r / 2;
    if (check_cut && r > 0 &&
        (memmap_usable(map, n, limit, cut, room, &st_cut) != -ENOSPC ||
         memcmp(cut, out, room * sizeof out[0]) != 0 || memcmp(&st, &st_cut, sizeof st) != 0))
        FAIL("with room for %d of %d ranges, not the first %d and the same stats", room, r, room);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The kernel's limit, none, and one off a page boundary. */
    static const uint64_t limits[] = {4ull << 30, UINT64_MAX, 0x100000 + 0x800};
    struct memmap_read_error err;

    if (size > UINT32_MAX)
        return 0;
    int n = memmap_read(data, (uint32_t)size, map, MB_MAX_REGIONS, &err);
    check_read(data, (uint32_t)size, n, &err);
    for (size_t k = 0; n >= 0 && k < sizeof limits / sizeof limits[0]; k++)
        check_usable(n, limits[k], k == 0);
    return 0;
}
