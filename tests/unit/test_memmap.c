/* Host tests of the memory-map reader and cleaner (src/mem/memmap.c).
 *
 * Hand-made maps with exact expected ranges and exact byte counts in the
 * stats, then thousands of random maps checked against a brute-force
 * reference that classifies every KiB and every 4 KiB page of a small
 * address space, and random subtractions and searches checked against a
 * page bitmap. */
#include "unit.h"
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernel/errno.h"
#include "mem/memmap.h"

#define KiB  1024ull
#define MiB  (1024 * KiB)
#define GiB  (1024 * MiB)
#define AV   MB_MEM_AVAILABLE
#define RS   MB_MEM_RESERVED
#define MAXR 64

static struct mm_range out[MAXR];
static struct memmap_stats st;

static void setup(void)
{
    memset(out, 0xA5, sizeof out);
    memset(&st, 0xA5, sizeof st);
}

static int usable(const struct mb_region *map, int n, uint64_t limit)
{
    return memmap_usable(map, n, limit, out, MAXR, &st);
}

#define expect_range(i, s, e)                                                                      \
    do {                                                                                           \
        ck_assert_uint_eq(out[i].start, (s));                                                      \
        ck_assert_uint_eq(out[i].end, (e));                                                        \
    } while (0)

#define expect_stats(above, partial, overlap, dup, bad)                                            \
    do {                                                                                           \
        ck_assert_uint_eq(st.above_limit, (above));                                                \
        ck_assert_uint_eq(st.partial_pages, (partial));                                            \
        ck_assert_uint_eq(st.overlap_reserved, (overlap));                                         \
        ck_assert_uint_eq(st.duplicate, (dup));                                                    \
        ck_assert_uint_eq(st.bad_entries, (bad));                                                  \
    } while (0)

/* QEMU's map for -m 128 (SeaBIOS), as GRUB passes it on. */
static const struct mb_region qemu128[] = {
    {0x0, 0x9FC00, AV},        {0x9FC00, 0x400, RS},     {0xF0000, 0x10000, RS},
    {0x100000, 0x7EE0000, AV}, {0x7FE0000, 0x20000, RS}, {0xFFFC0000, 0x40000, RS},
};
#define QEMU_N 6

static void expect_qemu128(int n)
{
    ck_assert_int_eq(n, 2);
    expect_range(0, 0x0, 0x9F000);
    expect_range(1, 0x100000, 0x7FE0000);
    expect_stats(0, 0xC00, 0, 0, 0);
}

/* ---- memmap_usable on hand-made maps ---- */

START_TEST(test_qemu_128m)
{
    expect_qemu128(usable(qemu128, QEMU_N, 4 * GiB));
    ck_assert_uint_eq(memmap_total(out, 2), 0x9F000 + 0x7EE0000);
    /* stats may be NULL */
    ck_assert_int_eq(memmap_usable(qemu128, QEMU_N, 4 * GiB, out, MAXR, NULL), 2);
}
END_TEST

START_TEST(test_unsorted_equals_sorted)
{
    struct mb_region m[QEMU_N];

    for (int rot = 0; rot < QEMU_N; rot++) {
        for (int rev = 0; rev < 2; rev++) {
            for (int i = 0; i < QEMU_N; i++) {
                int j = (i + rot) % QEMU_N;
                m[i] = qemu128[rev ? QEMU_N - 1 - j : j];
            }
            setup();
            expect_qemu128(usable(m, QEMU_N, 4 * GiB));
        }
    }
}
END_TEST

START_TEST(test_overlapping_and_duplicate_available)
{
    /* [0,32K) listed twice, [32K,64K) three times, [64K,96K) once. */
    const struct mb_region m[] = {
        {0x8000, 0x10000, AV},
        {0x0, 0x10000, AV},
        {0x0, 0x10000, AV},
    };
    ck_assert_int_eq(usable(m, 3, 4 * GiB), 1);
    expect_range(0, 0x0, 0x18000);
    expect_stats(0, 0, 0, 0x10000, 0); /* each byte once, not once per extra listing */

    /* The same entry twice, off page boundaries. */
    const struct mb_region d[] = {{0x1800, 0x3000, AV}, {0x1800, 0x3000, AV}};
    setup();
    ck_assert_int_eq(usable(d, 2, 4 * GiB), 1);
    expect_range(0, 0x2000, 0x4000);
    expect_stats(0, 0x1000, 0, 0x3000, 0);
}
END_TEST

START_TEST(test_reserved_inside_available_splits)
{
    const struct mb_region a[] = {{0x100000, 0x100000, AV}, {0x150000, 0x1000, RS}};
    const struct mb_region b[] = {{0x150000, 0x1000, RS}, {0x100000, 0x100000, AV}};

    ck_assert_int_eq(usable(a, 2, 4 * GiB), 2);
    expect_range(0, 0x100000, 0x150000);
    expect_range(1, 0x151000, 0x200000);
    expect_stats(0, 0, 0x1000, 0, 0);
    setup();
    ck_assert_int_eq(usable(b, 2, 4 * GiB), 2);
    expect_range(0, 0x100000, 0x150000);
    expect_range(1, 0x151000, 0x200000);
    expect_stats(0, 0, 0x1000, 0, 0);

    /* A reserved sliver off page boundaries loses the whole page. */
    const struct mb_region c[] = {{0x150800, 0x400, MB_MEM_ACPI_RECLAIMABLE},
                                  {0x100000, 0x100000, AV}};
    setup();
    ck_assert_int_eq(usable(c, 2, 4 * GiB), 2);
    expect_range(0, 0x100000, 0x150000);
    expect_range(1, 0x151000, 0x200000);
    expect_stats(0, 0xC00, 0x400, 0, 0);
}
END_TEST

START_TEST(test_reserved_wins_at_the_edges_in_any_order)
{
    /* Reserved over the head and the tail, and one bigger than the RAM. */
    const struct mb_region m[] = {
        {0x0, 0x10000, AV},    {0x0, 0x2000, MB_MEM_NVS},     {0xF000, 0x8000, RS},
        {0x20000, 0x1000, AV}, {0x1F000, 0x3000, MB_MEM_BAD},
    };
    struct mb_region r[5];

    for (int rev = 0; rev < 2; rev++) {
        for (int i = 0; i < 5; i++)
            r[i] = m[rev ? 4 - i : i];
        setup();
        ck_assert_int_eq(usable(r, 5, 4 * GiB), 1);
        expect_range(0, 0x2000, 0xF000);
        expect_stats(0, 0, 0x2000 + 0x1000 + 0x1000, 0, 0);
    }
}
END_TEST

START_TEST(test_adjacent_available_merge)
{
    const struct mb_region m[] = {
        {0x3800, 0x1800, AV}, /* joins the next one mid-page */
        {0x1000, 0x2000, AV},
        {0x0, 0x1000, AV},
        {0x3000, 0x800, AV},
    };
    ck_assert_int_eq(usable(m, 4, 4 * GiB), 1);
    expect_range(0, 0x0, 0x5000);
    expect_stats(0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_straddling_the_limit)
{
    const struct mb_region m[] = {{0xFFF00000, 0x200000, AV}};

    ck_assert_int_eq(usable(m, 1, 4 * GiB), 1);
    expect_range(0, 0xFFF00000, 0x100000000);
    expect_stats(0x100000, 0, 0, 0, 0);

    /* A limit off a page boundary: the page it cuts is not usable. */
    const struct mb_region n[] = {{0x100000, 0x100000, AV}, {0x0, 0x80000, AV}};
    setup();
    ck_assert_int_eq(usable(n, 2, 0x100800), 1);
    expect_range(0, 0x0, 0x80000);
    expect_stats(0x100000 - 0x800, 0x800, 0, 0, 0);

    /* limit 0: nothing is usable, everything is above it. */
    setup();
    ck_assert_int_eq(usable(n, 2, 0), 0);
    expect_stats(0x180000, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_entirely_above_the_limit)
{
    const struct mb_region m[] = {
        {4 * GiB, 1 * GiB, AV},        {8 * GiB, 1 * GiB, AV},
        {8 * GiB, 0x1000, RS},         /* reserved above the limit is not an overlap */
        {8 * GiB + 0x800, 0x1000, AV}, /* duplicate above the limit still counts */
        {0x1000, 0x1000, AV},
    };
    ck_assert_int_eq(usable(m, 5, 4 * GiB), 1);
    expect_range(0, 0x1000, 0x2000);
    expect_stats(2 * GiB, 0, 0, 0x1000, 0);
}
END_TEST

START_TEST(test_bad_entries)
{
    const struct mb_region m[] = {
        {0x0, 0x100000, AV},
        {0x1000, 0, RS},                   /* zero length: must not split anything */
        {0x200000, 0, AV},                 /* zero length available */
        {0xFFFFFFFFFFFFF000, 0x2000, RS},  /* wraps: ignored, reserves nothing */
        {0x80000, 0xFFFFFFFFFFFFFFFF, RS}, /* wraps */
        {UINT64_MAX, 2, AV},               /* wraps */
        {0xFFFFFFFFFFFFF000, 0x1000, AV},  /* ends exactly at 2^64: valid */
    };
    ck_assert_int_eq(usable(m, 7, 4 * GiB), 1);
    expect_range(0, 0x0, 0x100000);
    expect_stats(0x1000, 0, 0, 0, 5);
}
END_TEST

START_TEST(test_top_of_the_address_space)
{
    /* With limit = UINT64_MAX, the last page is cut by the limit. */
    const struct mb_region m[] = {{0xFFFFFFFFFFFFF000, 0x1000, AV},
                                  {0xFFFFFFFFFFFFE000, 0x1000, AV}};
    ck_assert_int_eq(usable(m, 2, UINT64_MAX), 1);
    expect_range(0, 0xFFFFFFFFFFFFE000, 0xFFFFFFFFFFFFF000);
    expect_stats(1, 0xFFF, 0, 0, 0);

    /* A reserved entry reaching 2^64 wins too. */
    const struct mb_region r[] = {{0xFFFFFFFFFFFFE000, 0x2000, AV},
                                  {0xFFFFFFFFFFFFF800, 0x800, RS}};
    setup();
    ck_assert_int_eq(usable(r, 2, UINT64_MAX), 1);
    expect_range(0, 0xFFFFFFFFFFFFE000, 0xFFFFFFFFFFFFF000);
    expect_stats(1, 0x800, 0x7FF, 0, 0); /* UINT64_MAX: reserved too, but >= limit */

    /* Two halves of everything, each listed twice: the sums saturate. */
    const struct mb_region h[] = {{0, 1ull << 63, AV},
                                  {1ull << 63, 1ull << 63, AV},
                                  {0, 1ull << 63, AV},
                                  {1ull << 63, 1ull << 63, AV}};
    setup();
    ck_assert_int_eq(usable(h, 4, 0), 0);
    expect_stats(UINT64_MAX, 0, 0, UINT64_MAX, 0);
}
END_TEST

START_TEST(test_all_reserved_and_unknown_types)
{
    const struct mb_region m[] = {{0x0, 0x100000, RS}, {0x100000, 0x100000, MB_MEM_NVS}};

    ck_assert_int_eq(usable(m, 2, 4 * GiB), 0);
    expect_stats(0, 0, 0, 0, 0);
    setup();
    ck_assert_int_eq(usable(m, 0, 4 * GiB), 0);
    expect_stats(0, 0, 0, 0, 0);

    /* Unknown types (0, 6, 0xFFFFFFFF) are not available, and they reserve. */
    const struct mb_region u[] = {
        {0x0, 0x10000, AV},   {0x2000, 0x1000, 0},
        {0x5000, 0x1000, 6},  {0x8000, 0x1000, 0xFFFFFFFFu},
        {0x20000, 0x1000, 0}, /* alone: nothing */
    };
    setup();
    ck_assert_int_eq(usable(u, 5, 4 * GiB), 4);
    expect_range(0, 0x0, 0x2000);
    expect_range(1, 0x3000, 0x5000);
    expect_range(2, 0x6000, 0x8000);
    expect_range(3, 0x9000, 0x10000);
    expect_stats(0, 0, 0x3000, 0, 0);
}
END_TEST

START_TEST(test_enospc_and_einval)
{
    struct mm_range small[2];

    memset(small, 0, sizeof small);
    ck_assert_int_eq(memmap_usable(qemu128, QEMU_N, 4 * GiB, small, 1, &st), -ENOSPC);
    ck_assert_uint_eq(small[0].start, 0);
    ck_assert_uint_eq(small[0].end, 0x9F000);
    ck_assert_uint_eq(small[1].end, 0); /* not written past max_out */
    expect_stats(0, 0xC00, 0, 0, 0);    /* complete even so */
    ck_assert_int_eq(memmap_usable(qemu128, QEMU_N, 4 * GiB, small, 2, &st), 2);
    ck_assert_int_eq(memmap_usable(qemu128, QEMU_N, 4 * GiB, NULL, 0, NULL), -ENOSPC);
    ck_assert_int_eq(memmap_usable(qemu128, 2, 0, NULL, 0, NULL), 0);

    ck_assert_int_eq(memmap_usable(qemu128, -1, 4 * GiB, out, MAXR, &st), -EINVAL);
    ck_assert_int_eq(memmap_usable(qemu128, MEMMAP_MAX_ENTRIES + 1, 4 * GiB, out, MAXR, &st),
                     -EINVAL);
    ck_assert_int_eq(memmap_usable(NULL, 1, 4 * GiB, out, MAXR, &st), -EINVAL);
    ck_assert_int_eq(memmap_usable(qemu128, QEMU_N, 4 * GiB, NULL, 1, &st), -EINVAL);
    ck_assert_int_eq(memmap_usable(qemu128, QEMU_N, 4 * GiB, out, -1, &st), -EINVAL);
}
END_TEST

START_TEST(test_128_entries)
{
    /* 64 one-page holes punched into one big entry, listed backwards, plus
     * 63 one-page available entries that duplicate part of the big one. */
    struct mb_region m[MEMMAP_MAX_ENTRIES + 1];
    struct mm_range r[66];
    int n = 0;

    for (int i = 63; i >= 0; i--)
        m[n++] = (struct mb_region){0x10000 + (uint64_t)i * 0x4000, 0x1000, RS};
    for (int i = 0; i < 63; i++)
        m[n++] = (struct mb_region){0x10000 + (uint64_t)i * 0x4000 + 0x1000, 0x1000, AV};
    m[n++] = (struct mb_region){0x0, 0x200000, AV};
    ck_assert_int_eq(n, MEMMAP_MAX_ENTRIES);
    ck_assert_int_eq(memmap_usable(m, n, 4 * GiB, r, 66, &st), 65);
    ck_assert_uint_eq(r[0].start, 0x0);
    ck_assert_uint_eq(r[0].end, 0x10000);
    for (int i = 1; i < 64; i++) {
        ck_assert_uint_eq(r[i].start, 0x10000 + (uint64_t)(i - 1) * 0x4000 + 0x1000);
        ck_assert_uint_eq(r[i].end, 0x10000 + (uint64_t)i * 0x4000);
    }
    ck_assert_uint_eq(r[64].start, 0x10000 + 63 * 0x4000 + 0x1000);
    ck_assert_uint_eq(r[64].end, 0x200000);
    expect_stats(0, 0, 64 * 0x1000, 63 * 0x1000, 0);
    ck_assert_int_eq(memmap_usable(m, n, 4 * GiB, r, 64, NULL), -ENOSPC);
    m[n++] = (struct mb_region){0x300000, 0x1000, AV};
    ck_assert_int_eq(memmap_usable(m, n, 4 * GiB, r, 66, NULL), -EINVAL);
}
END_TEST

/* ---- memmap_read: the raw bytes the boot loader leaves ---- */

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* One raw entry at p: size, base, len, type. Returns the bytes it takes. */
static uint32_t put_raw(uint8_t *p, uint32_t size, uint64_t base, uint64_t len, uint32_t type)
{
    put_le(p, size, 4);
    put_le(p + 4, base, 8);
    put_le(p + 12, len, 8);
    put_le(p + 20, type, 4);
    return size + 4;
}

static struct mb_region read_out[MB_MAX_REGIONS];
static struct memmap_read_error why;

START_TEST(test_read_qemu_map)
{
    /* At an odd address: entries are read byte by byte, never as words. */
    static uint8_t raw[1 + QEMU_N * 24];
    uint32_t off = 1;

    for (int i = 0; i < QEMU_N; i++)
        off += put_raw(raw + off, 20, qemu128[i].base, qemu128[i].len, qemu128[i].type);
    ck_assert_int_eq(memmap_read(raw + 1, off - 1, read_out, MB_MAX_REGIONS, &why), QEMU_N);
    ck_assert_int_eq(why.reason, MEMMAP_READ_OK);
    for (int i = 0; i < QEMU_N; i++) {
        ck_assert_uint_eq(read_out[i].base, qemu128[i].base);
        ck_assert_uint_eq(read_out[i].len, qemu128[i].len);
        ck_assert_uint_eq(read_out[i].type, qemu128[i].type);
    }
    expect_qemu128(usable(read_out, QEMU_N, 4 * GiB));
}
END_TEST

START_TEST(test_read_size_says_where_the_next_entry_is)
{
    /* A size above 20 leaves bytes the walk skips; the last entry may claim
     * more than is left, as only its first 24 bytes are read. */
    uint8_t raw[28 + 24];

    memset(raw, 0xEE, sizeof raw);
    put_raw(raw, 24, 0x1000, 0x2000, AV);
    put_raw(raw + 28, 1000, 0x100000, 0x300000, RS);
    ck_assert_int_eq(memmap_read(raw, sizeof raw, read_out, MB_MAX_REGIONS, &why), 2);
    ck_assert_uint_eq(read_out[0].base, 0x1000);
    ck_assert_uint_eq(read_out[0].len, 0x2000);
    ck_assert_uint_eq(read_out[1].base, 0x100000);
    ck_assert_uint_eq(read_out[1].type, RS);
    ck_assert_int_eq(memmap_read(raw, 0, read_out, MB_MAX_REGIONS, &why), 0);
}
END_TEST

START_TEST(test_read_refusals)
{
    uint8_t raw[3 * 24];

    for (int i = 0; i < 3; i++)
        put_raw(raw + 24 * i, 20, 0x100000 * (uint64_t)i, 0x1000, AV);
    /* The kernel's own messages: "entry at offset 48 is cut off by
     * mmap_length 69", "entry at offset 24 has size 2, less than 20",
     * "more than 2 entries". */
    ck_assert_int_eq(memmap_read(raw, sizeof raw - 3, read_out, MB_MAX_REGIONS, &why), -EINVAL);
    ck_assert_int_eq(why.reason, MEMMAP_READ_CUT_OFF);
    ck_assert_uint_eq(why.offset, 48);
    ck_assert_uint_eq(why.value, sizeof raw - 3);
    ck_assert_int_eq(memmap_read(raw, 23, read_out, MB_MAX_REGIONS, &why), -EINVAL);
    ck_assert_int_eq(why.reason, MEMMAP_READ_CUT_OFF);
    ck_assert_uint_eq(why.offset, 0);

    put_le(raw + 24, 2, 4);
    ck_assert_int_eq(memmap_read(raw, sizeof raw, read_out, MB_MAX_REGIONS, &why), -EINVAL);
    ck_assert_int_eq(why.reason, MEMMAP_READ_SHORT);
    ck_assert_uint_eq(why.offset, 24);
    ck_assert_uint_eq(why.value, 2);
    put_le(raw + 24, 20, 4);

    ck_assert_int_eq(memmap_read(raw, sizeof raw, read_out, 2, &why), -EINVAL);
    ck_assert_int_eq(why.reason, MEMMAP_READ_TOO_MANY);
    ck_assert_uint_eq(why.offset, 48);
    ck_assert_uint_eq(why.value, 2);
    ck_assert_int_eq(memmap_read(raw, sizeof raw, read_out, 3, &why), 3);
}
END_TEST

START_TEST(test_read_size_never_steps_back)
{
    /* size + 4 must not wrap around 2^32: a size of 0xFFFFFFFF would put
     * the "next" entry 3 bytes on, inside this one, and 0xFFFFFFFC on this
     * entry again, 64 times. A size reaching past the end ends the map. */
    uint8_t raw[2 * 24];

    put_raw(raw, 20, 0x1000, 0x1000, AV);
    put_raw(raw + 24, 0xFFFFFFFF, 0x100000, 0x100000, AV);
    ck_assert_int_eq(memmap_read(raw, sizeof raw, read_out, MB_MAX_REGIONS, &why), 2);
    ck_assert_uint_eq(read_out[1].base, 0x100000);
    for (uint32_t size = 0xFFFFFFE8; size != 0; size++) {
        put_raw(raw, size, 0x1000, 0x1000, AV);
        ck_assert_int_eq(memmap_read(raw, sizeof raw, read_out, MB_MAX_REGIONS, &why), 1);
        ck_assert_uint_eq(read_out[0].base, 0x1000);
    }
}
END_TEST

/* ---- memmap_subtract, memmap_total, memmap_find ---- */

static struct mm_range three[] = {{0x1000, 0x5000}, {0x10000, 0x20000}, {0x30000, 0x31000}};

static int sub(int max, uint64_t s, uint64_t e)
{
    memcpy(out, three, sizeof three);
    return memmap_subtract(out, 3, max, s, e);
}

START_TEST(test_subtract_middle_splits)
{
    ck_assert_int_eq(sub(4, 0x14000, 0x16000), 4);
    expect_range(0, 0x1000, 0x5000);
    expect_range(1, 0x10000, 0x14000);
    expect_range(2, 0x16000, 0x20000);
    expect_range(3, 0x30000, 0x31000);
    ck_assert_uint_eq(memmap_total(out, 4), 0x4000 + 0x10000 - 0x2000 + 0x1000);
}
END_TEST

START_TEST(test_subtract_edges)
{
    ck_assert_int_eq(sub(3, 0x10000, 0x12000), 3); /* head */
    expect_range(1, 0x12000, 0x20000);
    ck_assert_int_eq(sub(3, 0x1E000, 0x20000), 3); /* tail */
    expect_range(1, 0x10000, 0x1E000);
    ck_assert_int_eq(sub(3, 0x10000, 0x20000), 2); /* exactly one range */
    expect_range(0, 0x1000, 0x5000);
    expect_range(1, 0x30000, 0x31000);
    ck_assert_int_eq(sub(3, 0x3000, 0x12000), 3); /* tail of one, head of the next */
    expect_range(0, 0x1000, 0x3000);
    expect_range(1, 0x12000, 0x20000);
    expect_range(2, 0x30000, 0x31000);
    ck_assert_int_eq(sub(3, 0x6000, 0x10000), 3); /* a hole between ranges: no change */
    ck_assert_int_eq(memcmp(out, three, sizeof three), 0);
    ck_assert_int_eq(sub(3, 0x40000, 0x50000), 3); /* past the end */
    ck_assert_int_eq(memcmp(out, three, sizeof three), 0);
    ck_assert_int_eq(sub(3, 0x20000, 0x10000), 3); /* empty: start > end */
    ck_assert_int_eq(sub(3, 0x14000, 0x14000), 3); /* empty */
    ck_assert_int_eq(memcmp(out, three, sizeof three), 0);
}
END_TEST

START_TEST(test_subtract_everything)
{
    ck_assert_int_eq(sub(3, 0x0, 0x40000), 0);
    ck_assert_int_eq(sub(3, 0x1000, 0x31000), 0);
    ck_assert_int_eq(sub(3, 0x0, UINT64_MAX), 0);
    ck_assert_int_eq(sub(3, 0x18000, UINT64_MAX), 2); /* runs to 2^64 */
    expect_range(1, 0x10000, 0x18000);
    ck_assert_int_eq(sub(3, 0x18000, 0xFFFFFFFFFFFFF001), 2);
    expect_range(1, 0x10000, 0x18000);
    ck_assert_uint_eq(memmap_total(out, 0), 0);
}
END_TEST

START_TEST(test_subtract_rounds_outward)
{
    ck_assert_int_eq(sub(4, 0x14FFF, 0x15001), 4); /* 2 bytes take 2 pages */
    expect_range(1, 0x10000, 0x14000);
    expect_range(2, 0x16000, 0x20000);
    ck_assert_int_eq(sub(3, 0x4FFF, 0x10001), 3);
    expect_range(0, 0x1000, 0x4000);
    expect_range(1, 0x11000, 0x20000);
    ck_assert_int_eq(sub(4, 0x30800, 0x30801), 2); /* one byte takes the whole range */
    ck_assert_uint_eq(out[1].end, 0x20000);
}
END_TEST

START_TEST(test_subtract_enospc_and_einval)
{
    ck_assert_int_eq(sub(3, 0x14000, 0x16000), -ENOSPC);
    ck_assert_int_eq(memcmp(out, three, sizeof three), 0); /* unchanged */
    ck_assert_int_eq(sub(3, 0x30000, 0x30000 + 0x800), 2); /* no split: fine when full */
    ck_assert_int_eq(sub(2, 0x0, 0x1000), -EINVAL);        /* n > max */
    ck_assert_int_eq(memmap_subtract(out, -1, 3, 0, 0x1000), -EINVAL);
    ck_assert_int_eq(memmap_subtract(NULL, 1, 3, 0, 0x1000), -EINVAL);
    ck_assert_int_eq(memmap_subtract(NULL, 0, 0, 0, 0x1000), 0);
}
END_TEST

START_TEST(test_find)
{
    const struct mm_range r[] = {{0x1000, 0x3000}, {0x5000, 0x400000}, {0x600000, 0xA00000}};

    ck_assert_uint_eq(memmap_find(r, 3, 0x1000, 0x1000, UINT64_MAX), 0x1000);
    ck_assert_uint_eq(memmap_find(r, 3, 0x2001, 0x1000, UINT64_MAX), 0x5000); /* 3 pages */
    ck_assert_uint_eq(memmap_find(r, 3, 1, 0x4000, UINT64_MAX), 0x8000);
    ck_assert_uint_eq(memmap_find(r, 3, 0x1000, 0x200000, UINT64_MAX), 0x200000);
    ck_assert_uint_eq(memmap_find(r, 3, 0x200000, 0x200000, UINT64_MAX), 0x200000);
    ck_assert_uint_eq(memmap_find(r, 3, 0x200001, 0x200000, UINT64_MAX), 0x600000);
    ck_assert_uint_eq(memmap_find(r, 3, 0x400000, 0x1000, UINT64_MAX), 0x600000);
    ck_assert_uint_eq(memmap_find(r, 3, 0x400001, 0x1000, UINT64_MAX), UINT64_MAX);
    ck_assert_uint_eq(memmap_find(r, 3, 0x1000, 0x800000, UINT64_MAX), 0x800000);
    ck_assert_uint_eq(memmap_find(r, 3, 0x1000, 0x1000000, UINT64_MAX), UINT64_MAX);
    /* below */
    ck_assert_uint_eq(memmap_find(r, 3, 0x2000, 0x1000, 0x3000), 0x1000);
    ck_assert_uint_eq(memmap_find(r, 3, 0x2000, 0x1000, 0x2FFF), UINT64_MAX);
    ck_assert_uint_eq(memmap_find(r, 3, 0x200000, 0x200000, 0x400000), 0x200000);
    ck_assert_uint_eq(memmap_find(r, 3, 0x200000, 0x200000, 0x3FFFFF), UINT64_MAX);
    ck_assert_uint_eq(memmap_find(r, 3, 0x1000, 0x1000, 0x1000), UINT64_MAX);
    ck_assert_uint_eq(memmap_find(r, 3, 0x1000, 0x1000, 0), UINT64_MAX);
    /* bad arguments and empty ranges */
    ck_assert_uint_eq(memmap_find(r, 3, 0, 0x1000, UINT64_MAX), UINT64_MAX);
    ck_assert_uint_eq(memmap_find(r, 3, 0x1000, 0x800, UINT64_MAX), UINT64_MAX);
    ck_assert_uint_eq(memmap_find(r, 3, 0x1000, 0x3000, UINT64_MAX), UINT64_MAX);
    ck_assert_uint_eq(memmap_find(r, 3, UINT64_MAX, 0x1000, UINT64_MAX), UINT64_MAX);
    ck_assert_uint_eq(memmap_find(r, 0, 0x1000, 0x1000, UINT64_MAX), UINT64_MAX);
    /* near the top, aligning up must not wrap */
    const struct mm_range top[] = {{0xFFFFFFFFFFFFE000, 0xFFFFFFFFFFFFF000}};
    ck_assert_uint_eq(memmap_find(top, 1, 0x1000, 0x1000, UINT64_MAX), 0xFFFFFFFFFFFFE000);
    ck_assert_uint_eq(memmap_find(top, 1, 0x1000, 0x4000, UINT64_MAX), UINT64_MAX);
    ck_assert_uint_eq(memmap_find(top, 1, 0x1000, 1ull << 63, UINT64_MAX), UINT64_MAX);
}
END_TEST

/* ---- random maps against a brute-force reference ---- */

#define SPACE  (64 * MiB)
#define UNITS  (SPACE / KiB) /* 1 KiB units */
#define PAGES  (SPACE / 4096)
#define ROUNDS 1000

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t x = rng_state; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static uint64_t below_n(uint64_t n)
{
    return n ? rnd() % n : 0;
}

static const uint32_t other_types[] = {
    RS, MB_MEM_ACPI_RECLAIMABLE, MB_MEM_NVS, MB_MEM_BAD, 0, 7, 0xFFFFFFFFu};

/* The reference's view of one map: per-KiB coverage, per-page usability. */
static uint8_t avail_cnt[UNITS], resv[UNITS];
static int32_t d_avail[UNITS + 1], d_resv[UNITS + 1];
static bool page_ok[PAGES];
static uint32_t page_prefix[PAGES + 1];

struct ref {
    struct mm_range r[PAGES / 2 + 1];
    int n;
    struct memmap_stats st;
};

static int random_map(struct mb_region *m, uint64_t *limit, uint64_t *far_avail, uint32_t *bad)
{
    int n = (int)below_n(33);
    *far_avail = 0;
    *bad = 0;
    for (int i = 0; i < n; i++) {
        uint64_t b = below_n(UNITS), l;
        switch (below_n(4)) {
        case 0:
            l = below_n(17);
            break;
        case 1:
        case 2:
            l = below_n(2049);
            break;
        default:
            l = below_n(UNITS - b + 1);
            break;
        }
        if (l > UNITS - b)
            l = UNITS - b;
        if (below_n(2)) { /* often page aligned, so that whole pages survive */
            b &= ~3ull;
            l &= ~3ull;
        }
        m[i].base = b * KiB;
        m[i].len = l * KiB;
        m[i].type = below_n(10) < 6 ? AV : other_types[below_n(7)];
        if (i > 0 && below_n(10) == 0)
            m[i] = m[below_n((uint64_t)i)]; /* an exact repeat */
        if (below_n(30) == 0) {             /* far above the space (and above any limit used) */
            m[i].base = 4 * GiB + below_n(1000) * 0x1000;
            m[i].len = 1 + below_n(1 * MiB);
            m[i].type = AV;
        } else if (below_n(30) == 0) { /* wraps past 2^64 */
            m[i].base = UINT64_MAX - below_n(SPACE);
            m[i].len = UINT64_MAX - below_n(SPACE);
        }
    }
    /* At most one far entry, so that far_avail is exact without overlaps:
     * later ones (copies included) become zero-length. Then count the bad. */
    bool seen = false;
    for (int i = 0; i < n; i++) {
        if (m[i].base >= 4 * GiB && m[i].base < 8 * GiB) {
            if (seen)
                m[i].len = 0;
            else
                *far_avail = m[i].len;
            seen = true;
        }
        *bad += m[i].len == 0 || m[i].base > UINT64_MAX - SPACE;
    }
    switch (below_n(4)) {
    case 0:
    case 1:
        *limit = 4 * GiB;
        break;
    case 2:
        *limit = below_n(UNITS + 1) * KiB;
        break; /* maybe off a page */
    default:
        *limit = below_n(PAGES + 1) * 4096;
        break;
    }
    return n;
}

/* Classifies every KiB and every page of the space, as the contract says. */
static void reference(const struct mb_region *m, int n, uint64_t limit, uint64_t far_avail,
                      uint32_t bad, struct ref *ref)
{
    memset(d_avail, 0, sizeof d_avail);
    memset(d_resv, 0, sizeof d_resv);
    for (int i = 0; i < n; i++) {
        if (m[i].len == 0 || m[i].base >= SPACE)
            continue; /* bad or far (a wrapping entry has a huge base) */
        uint64_t b = m[i].base / KiB, e = (m[i].base + m[i].len) / KiB;
        int32_t *d = m[i].type == AV ? d_avail : d_resv;
        d[b]++;
        d[e]--;
    }
    int32_t a = 0, r = 0;
    for (uint64_t u = 0; u < UNITS; u++) {
        a += d_avail[u];
        r += d_resv[u];
        avail_cnt[u] = (uint8_t)(a > 2 ? 2 : a);
        resv[u] = r > 0;
    }
    for (uint64_t p = 0; p < PAGES; p++) {
        bool ok = (p + 1) * 4096 <= limit;
        for (uint64_t u = p * 4; u < p * 4 + 4; u++)
            ok = ok && avail_cnt[u] > 0 && !resv[u];
        page_ok[p] = ok;
        page_prefix[p + 1] = page_prefix[p] + ok;
    }
    memset(&ref->st, 0, sizeof ref->st);
    ref->st.above_limit = far_avail;
    ref->st.bad_entries = bad;
    for (uint64_t u = 0; u < UNITS; u++) {
        if (avail_cnt[u] >= 2)
            ref->st.duplicate += KiB;
        if (avail_cnt[u] == 0)
            continue;
        if (u * KiB >= limit)
            ref->st.above_limit += KiB;
        else if (resv[u])
            ref->st.overlap_reserved += KiB;
        else if (!page_ok[u / 4])
            ref->st.partial_pages += KiB;
    }
    ref->n = 0;
    for (uint64_t p = 0; p < PAGES; p++) {
        if (page_ok[p] && (p == 0 || !page_ok[p - 1]))
            ref->r[ref->n].start = p * 4096;
        if (page_ok[p] && (p + 1 == PAGES || !page_ok[p + 1]))
            ref->r[ref->n++].end = (p + 1) * 4096;
    }
}

/* Ranges from a page bitmap (the subtract reference). */
static int ranges_of(const bool *bm, struct mm_range *r)
{
    int n = 0;
    for (uint64_t p = 0; p < PAGES; p++) {
        if (bm[p] && (p == 0 || !bm[p - 1]))
            r[n].start = p * 4096;
        if (bm[p] && (p + 1 == PAGES || !bm[p + 1]))
            r[n++].end = (p + 1) * 4096;
    }
    return n;
}

static struct ref ref;
static struct mm_range got[PAGES / 2 + 2], want[PAGES / 2 + 2], saved[PAGES / 2 + 2];
static bool bitmap[PAGES];

static void check_find(const struct mm_range *r, int n)
{
    uint64_t size = 1 + below_n(below_n(2) ? 64 * KiB : 4 * MiB);
    uint64_t align = 4096ull << below_n(12);
    uint64_t below = below_n(4) ? below_n(SPACE + 8 * MiB) : UINT64_MAX;
    uint64_t pages = (size + 4095) / 4096, expect = UINT64_MAX;

    for (uint64_t a = 0; a + pages * 4096 <= SPACE; a += align) {
        uint64_t p = a / 4096;
        if (a + pages * 4096 <= below && page_prefix[p + pages] - page_prefix[p] == pages) {
            expect = a;
            break;
        }
    }
    ck_assert_uint_eq(memmap_find(r, n, size, align, below), expect);
}

static void check_subtracts(int n)
{
    int max = n + (int)below_n(3);

    memcpy(got, ref.r, (size_t)n * sizeof *got);
    memcpy(bitmap, page_ok, sizeof bitmap);
    for (int k = 0; k < 8; k++) {
        uint64_t s = below_n(SPACE + 64 * KiB), e;
        switch (below_n(4)) {
        case 0:
            e = s + below_n(8 * KiB);
            break;
        case 1:
            e = s + below_n(1 * MiB);
            break;
        case 2:
            e = below_n(SPACE + 64 * KiB);
            break; /* maybe empty */
        default:
            e = s + below_n(SPACE);
            break;
        }
        bool saved_bm[PAGES];
        memcpy(saved_bm, bitmap, sizeof bitmap);
        memcpy(saved, got, (size_t)n * sizeof *got);
        if (s < e)
            for (uint64_t p = s / 4096; p <= (e - 1) / 4096 && p < PAGES; p++)
                bitmap[p] = false;
        int nw = ranges_of(bitmap, want);
        int rc = memmap_subtract(got, n, max, s, e);
        if (nw > max) {
            ck_assert_int_eq(rc, -ENOSPC);
            ck_assert_int_eq(memcmp(got, saved, (size_t)n * sizeof *got), 0);
            memcpy(bitmap, saved_bm, sizeof bitmap);
            continue;
        }
        ck_assert_msg(rc == nw, "subtract [%#llx, %#llx): %d ranges, want %d",
                      (unsigned long long)s, (unsigned long long)e, rc, nw);
        for (int i = 0; i < nw; i++) {
            ck_assert_uint_eq(got[i].start, want[i].start);
            ck_assert_uint_eq(got[i].end, want[i].end);
        }
        n = rc;
    }
}

START_TEST(test_random_maps_against_reference)
{
    struct mb_region m[32];
    uint64_t limit, far;
    uint32_t bad;
    int nonempty = 0, multi = 0, enospc = 0;

    rng_state = 0x5EED0F9A90DAull;
    for (int round = 0; round < ROUNDS; round++) {
        int n = random_map(m, &limit, &far, &bad);
        reference(m, n, limit, far, bad, &ref);

        struct memmap_stats s;
        memset(&s, 0xA5, sizeof s);
        int rc = memmap_usable(m, n, limit, got, PAGES / 2 + 2, &s);
        ck_assert_msg(rc == ref.n, "round %d: %d ranges, want %d", round, rc, ref.n);
        for (int i = 0; i < rc; i++) {
            ck_assert_uint_eq(got[i].start, ref.r[i].start);
            ck_assert_uint_eq(got[i].end, ref.r[i].end);
        }
        ck_assert_uint_eq(s.above_limit, ref.st.above_limit);
        ck_assert_uint_eq(s.partial_pages, ref.st.partial_pages);
        ck_assert_uint_eq(s.overlap_reserved, ref.st.overlap_reserved);
        ck_assert_uint_eq(s.duplicate, ref.st.duplicate);
        ck_assert_uint_eq(s.bad_entries, ref.st.bad_entries);
        ck_assert_uint_eq(memmap_total(got, rc), (uint64_t)page_prefix[PAGES] * 4096);
        nonempty += rc > 0;
        multi += rc > 2;

        /* the same map in another order gives the same answer */
        for (int i = n - 1; i > 0; i--) {
            int j = (int)below_n((uint64_t)i + 1);
            struct mb_region t = m[i];
            m[i] = m[j];
            m[j] = t;
        }
        struct memmap_stats s2;
        ck_assert_int_eq(memmap_usable(m, n, limit, saved, PAGES / 2 + 2, &s2), rc);
        ck_assert_int_eq(memcmp(saved, got, (size_t)rc * sizeof *got), 0);
        ck_assert_int_eq(memcmp(&s2, &s, sizeof s), 0);

        /* too little room */
        if (rc > 0) {
            int max_out = (int)below_n((uint64_t)rc);
            ck_assert_int_eq(memmap_usable(m, n, limit, saved, max_out, NULL), -ENOSPC);
            enospc++;
        }

        for (int k = 0; k < 4; k++)
            check_find(got, rc);
        check_subtracts(rc);
    }
    /* the generator must exercise the interesting cases */
    ck_assert_int_gt(nonempty, ROUNDS / 2);
    ck_assert_int_gt(multi, ROUNDS / 4);
    ck_assert_int_gt(enospc, ROUNDS / 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("memmap");
    TCase *tc = tcase_create("usable");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_qemu_128m);
    tcase_add_test(tc, test_unsorted_equals_sorted);
    tcase_add_test(tc, test_overlapping_and_duplicate_available);
    tcase_add_test(tc, test_reserved_inside_available_splits);
    tcase_add_test(tc, test_reserved_wins_at_the_edges_in_any_order);
    tcase_add_test(tc, test_adjacent_available_merge);
    tcase_add_test(tc, test_straddling_the_limit);
    tcase_add_test(tc, test_entirely_above_the_limit);
    tcase_add_test(tc, test_bad_entries);
    tcase_add_test(tc, test_top_of_the_address_space);
    tcase_add_test(tc, test_all_reserved_and_unknown_types);
    tcase_add_test(tc, test_enospc_and_einval);
    tcase_add_test(tc, test_128_entries);
    suite_add_tcase(s, tc);

    TCase *tb = tcase_create("read");
    tcase_add_checked_fixture(tb, setup, NULL);
    tcase_add_test(tb, test_read_qemu_map);
    tcase_add_test(tb, test_read_size_says_where_the_next_entry_is);
    tcase_add_test(tb, test_read_refusals);
    tcase_add_test(tb, test_read_size_never_steps_back);
    suite_add_tcase(s, tb);

    TCase *tr = tcase_create("ranges");
    tcase_add_checked_fixture(tr, setup, NULL);
    tcase_add_test(tr, test_subtract_middle_splits);
    tcase_add_test(tr, test_subtract_edges);
    tcase_add_test(tr, test_subtract_everything);
    tcase_add_test(tr, test_subtract_rounds_outward);
    tcase_add_test(tr, test_subtract_enospc_and_einval);
    tcase_add_test(tr, test_find);
    suite_add_tcase(s, tr);

    TCase *tx = tcase_create("random");
    tcase_set_timeout(tx, 120);
    tcase_add_test(tx, test_random_maps_against_reference);
    suite_add_tcase(s, tx);

    return unit_run(s);
}
