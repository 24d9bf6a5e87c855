/* Host tests for the buddy allocator (src/mem/buddy.c). */
#include "unit.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/buddy.h"
#include "mem/buddy_check.h"
#include "mem/buddy_hot.h"

/* expect_* (tests/unit/unit.h) instead of ck_assert_* in the hot loops. */

#define MAXF 8192u

static struct page map[MAXF];
static struct buddy_zone zone;

/* ---- helpers ----------------------------------------------------------- */

static struct buddy_zone *setup(uint32_t base, uint32_t nframes)
{
    expect_uint_le(nframes, MAXF);
    memset(map, 0xA5, sizeof(map)); /* init must not rely on a zeroed map */
    expect_int_eq(buddy_init(&zone, map, base, nframes), 0);
    return &zone;
}

/* A zone of nframes frames from pfn 0, all handed over to the allocator. */
static struct buddy_zone *free_zone(uint32_t nframes)
{
    struct buddy_zone *z = setup(0, nframes);
    expect_int_eq(buddy_add_range(z, 0, nframes), 0);
    return z;
}

static void assert_ok(const struct buddy_zone *z)
{
    struct buddy_error why;
    int r = buddy_check_report(z, &why);
    expect_msg(r == 0, "buddy_check: %s at pfn %u order %u", buddy_error_name(why.reason), why.pfn,
               why.order);
}

/* The free blocks of one order, as sorted pfns. */
static uint32_t list_pfns(const struct buddy_zone *z, unsigned order, uint32_t *out, uint32_t max)
{
    uint32_t n = 0;
    for (uint32_t i = z->area[order].head; i != BUDDY_NIL; i = z->map[i].next) {
        expect_uint_lt(n, max);
        out[n++] = z->base_pfn + i;
    }
    for (uint32_t a = 1; a < n; a++) /* insertion sort: lists are short */
        for (uint32_t b = a; b > 0 && out[b - 1] > out[b]; b--) {
            uint32_t t = out[b];
            out[b] = out[b - 1];
            out[b - 1] = t;
        }
    return n;
}

/* Everything observable about the free lists, for exact comparisons. */
struct snapshot {
    uint32_t count[BUDDY_NR_ORDERS];
    uint32_t n[BUDDY_NR_ORDERS];
    uint32_t pfns[BUDDY_NR_ORDERS][MAXF / 2];
    uint32_t nr_free, nr_total;
};
static struct snapshot snap_a, snap_b;

static void take_snapshot(const struct buddy_zone *z, struct snapshot *s)
{
    memset(s, 0, sizeof(*s));
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
        s->count[k] = buddy_free_blocks(z, k);
        s->n[k] = list_pfns(z, k, s->pfns[k], MAXF / 2);
    }
    s->nr_free = buddy_nr_free(z);
    s->nr_total = buddy_nr_total(z);
}

static void assert_same_snapshot(const struct snapshot *a, const struct snapshot *b)
{
    expect_uint_eq(a->nr_free, b->nr_free);
    expect_uint_eq(a->nr_total, b->nr_total);
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
        expect_uint_eq(a->count[k], b->count[k]);
        expect_uint_eq(a->n[k], b->n[k]);
        for (uint32_t i = 0; i < a->n[k]; i++)
            expect_uint_eq(a->pfns[k][i], b->pfns[k][i]);
    }
}

/* Expect exactly these free blocks of `order` (pfns sorted). */
static void assert_list(const struct buddy_zone *z, unsigned order, const uint32_t *want,
                        uint32_t n)
{
    uint32_t got[64];
    uint32_t m = list_pfns(z, order, got, 64);
    expect_msg(m == n, "order %u: %u free blocks, expected %u", order, m, n);
    expect_uint_eq(buddy_free_blocks(z, order), n);
    for (uint32_t i = 0; i < n; i++)
        expect_msg(got[i] == want[i], "order %u block %u: pfn %u, expected %u", order, i, got[i],
                   want[i]);
}

static void assert_refused(struct buddy_zone *z, uint32_t pfn, unsigned order, int reason,
                           uint32_t block_pfn)
{
    uint32_t misuse = z->nr_misuse;
    take_snapshot(z, &snap_a);
    expect_int_eq(buddy_free(z, pfn, order), -EINVAL);
    expect_msg(z->err.reason == reason, "free(%u, %u): reason '%s', expected '%s'", pfn, order,
               buddy_error_name(z->err.reason), buddy_error_name(reason));
    expect_uint_eq(z->err.pfn, pfn);
    expect_uint_eq(z->err.order, order);
    expect_uint_eq(z->err.block_pfn, block_pfn);
    expect_uint_eq(z->nr_misuse, misuse + 1);
    take_snapshot(z, &snap_b);
    assert_same_snapshot(&snap_a, &snap_b);
    assert_ok(z);
}

/* The greedy decomposition of [pfn, pfn+count) into maximal aligned blocks. */
static void expected_blocks(uint32_t pfn, uint32_t count, uint32_t per_order[BUDDY_NR_ORDERS])
{
    while (count) {
        unsigned k = 0;
        while (k < BUDDY_MAX_ORDER && !(pfn & (1u << k)) && (2u << k) <= count)
            k++;
        per_order[k]++;
        pfn += 1u << k;
        count -= 1u << k;
    }
}

/* ---- split and merge by hand ------------------------------------------- */

START_TEST(test_split_merge_by_hand)
{
    struct buddy_zone *z = setup(0, 16);
    expect_int_eq(buddy_add_range(z, 0, 16), 0);
    assert_list(z, 4, (uint32_t[]){0}, 1);
    expect_uint_eq(buddy_nr_free(z), 16);
    expect_uint_eq(buddy_nr_total(z), 16);

    /* order 0 from one order-4 block: four splits */
    expect_uint_eq(buddy_alloc(z, 0), 0);
    assert_list(z, 0, (uint32_t[]){1}, 1);
    assert_list(z, 1, (uint32_t[]){2}, 1);
    assert_list(z, 2, (uint32_t[]){4}, 1);
    assert_list(z, 3, (uint32_t[]){8}, 1);
    assert_list(z, 4, NULL, 0);
    expect_uint_eq(map[0].flags, PG_HEAD);
    expect_uint_eq(map[0].refcount, 1);
    expect_uint_eq(map[8].flags, PG_FREE);
    expect_uint_eq(map[8].order, 3);
    expect_uint_eq(z->nonempty, 0xF); /* lists 0..3 non-empty */
    assert_ok(z);

    expect_uint_eq(buddy_alloc(z, 1), 2); /* exact fit, no split */
    expect_uint_eq(buddy_alloc(z, 0), 1);
    expect_uint_eq(buddy_alloc(z, 1), 4); /* splits the order-2 block at 4 */
    assert_list(z, 1, (uint32_t[]){6}, 1);
    expect_uint_eq(buddy_nr_free(z), 10);
    expect_uint_eq(buddy_nr_used(z), 6);
    assert_ok(z);

    /* merges: 1 alone (buddy 0 busy), then 0 joins it, then 2 completes
     * order 2 at 0; 4 joins 6 and then 0, and the order-3 block at 8. */
    expect_int_eq(buddy_free(z, 1, 0), 0);
    assert_list(z, 0, (uint32_t[]){1}, 1);
    expect_int_eq(buddy_free(z, 0, 0), 0);
    assert_list(z, 0, NULL, 0);
    assert_list(z, 1, (uint32_t[]){0, 6}, 2);
    expect_int_eq(buddy_free(z, 2, 1), 0);
    assert_list(z, 1, (uint32_t[]){6}, 1);
    assert_list(z, 2, (uint32_t[]){0}, 1);
    assert_ok(z);
    expect_int_eq(buddy_free(z, 4, 1), 0);
    assert_list(z, 1, NULL, 0);
    assert_list(z, 2, NULL, 0);
    assert_list(z, 3, NULL, 0);
    assert_list(z, 4, (uint32_t[]){0}, 1);
    expect_uint_eq(z->nonempty, 1u << 4);
    expect_uint_eq(map[0].flags, PG_FREE);
    expect_uint_eq(map[0].order, 4);
    for (unsigned i = 1; i < 16; i++)
        expect_uint_eq(map[i].flags & PG_BUDDY_MASK, 0);
    expect_uint_eq(buddy_nr_free(z), 16);
    assert_ok(z);
}
END_TEST

START_TEST(test_largest_order_and_zone_of_many_blocks)
{
    struct buddy_zone *z = free_zone(4096);
    assert_list(z, 10, (uint32_t[]){0, 1024, 2048, 3072}, 4); /* never merged above order 10 */
    expect_uint_eq(buddy_alloc(z, 10), 3072);                 /* lists are LIFO */
    expect_uint_eq(buddy_alloc(z, 10), 2048);
    expect_uint_eq(buddy_free_blocks(z, 10), 2);
    expect_int_eq(buddy_free(z, 3072, 10), 0);
    expect_int_eq(buddy_free(z, 2048, 10), 0);
    expect_uint_eq(buddy_free_blocks(z, 10), 4);
    assert_ok(z);
}
END_TEST

/* The longest join: a free whose buddy at every order is a free block
 * sitting in the middle of its list (the costliest unlink), in the middle of
 * the zone (up to order 10) and at both of its ends (where the chain is
 * bounded by the zone, up to order 9 here). */
static void free_frames(struct buddy_zone *z, uint32_t pfn, unsigned order)
{
    for (uint32_t f = pfn; f < pfn + (1u << order); f++)
        expect_int_eq(buddy_free(z, f, 0), 0);
}

static void join_through(uint32_t base, uint32_t nframes, uint32_t region, unsigned levels,
                         uint32_t pack)
{
    /* a descriptor array of exactly the zone's size, so that ASan sees any
     * look past either end */
    struct page *m = malloc(nframes * sizeof(*m));
    expect(m != NULL);
    struct buddy_zone *z = &zone;
    expect_int_eq(buddy_init(z, m, base, nframes), 0);
    expect_int_eq(buddy_add_range(z, base, nframes), 0);
    for (uint32_t i = 0; i < nframes; i++)
        expect_uint_ne(buddy_alloc(z, 0), BUDDY_NO_PFN);
    /* the block whose first frame will join `levels` times, and for each
     * order j two free blocks X_j, Y_j whose buddies stay allocated, packed
     * from `pack` on (4092 frames) */
    free_frames(z, region, levels);
    uint32_t at = pack;
    for (unsigned j = levels; j-- > 0;)
        for (unsigned i = 0; i < 2; i++, at += 2u << j)
            free_frames(z, at, j);
    assert_ok(z);

    /* take X_j, Y_j, so that order 0 is split from the block; take each
     * B_j back; free Y_j, B_j, X_j: list j reads X_j, B_j, Y_j */
    uint32_t xy[BUDDY_MAX_ORDER][2], b[BUDDY_MAX_ORDER];
    for (unsigned j = 0; j < levels; j++)
        for (unsigned i = 0; i < 2; i++)
            expect_uint_ne(xy[j][i] = buddy_alloc(z, j), BUDDY_NO_PFN);
    expect_uint_eq(buddy_alloc(z, 0), region);
    for (unsigned j = 0; j < levels; j++)
        expect_uint_eq(b[j] = buddy_alloc(z, j), region + (1u << j));
    for (unsigned j = 0; j < levels; j++) {
        expect_int_eq(buddy_free(z, xy[j][1], j), 0);
        expect_int_eq(buddy_free(z, b[j], j), 0);
        expect_int_eq(buddy_free(z, xy[j][0], j), 0);
        const struct page *p = buddy_pfn_to_page(z, b[j]);
        expect(p->prev != BUDDY_NIL && p->next != BUDDY_NIL);
    }
    assert_ok(z);

    expect_int_eq(buddy_free(z, region, 0), 0);
    const struct page *h = buddy_pfn_to_page(z, region);
    expect_uint_eq(h->flags, PG_FREE);
    expect_uint_eq(h->order, levels);
    for (unsigned j = 0; j < levels; j++) {
        uint32_t want[2] = {xy[j][0], xy[j][1]};
        if (want[0] > want[1]) {
            want[0] = xy[j][1];
            want[1] = xy[j][0];
        }
        assert_list(z, j, want, 2);
        expect_uint_eq(z->area[j].head, xy[j][0] - base); /* X_j still first */
    }
    assert_ok(z);
    free(m);
}

START_TEST(test_join_through_every_order)
{
    join_through(0, MAXF, 0, BUDDY_MAX_ORDER, 1024);                     /* mid-zone */
    join_through(1024, MAXF - 1024, 6144, BUDDY_MAX_ORDER, 1024);        /* same */
    join_through(512, MAXF - 512, 512, BUDDY_MAX_ORDER - 1, 1024);       /* low end */
    join_through(0, MAXF - 512, MAXF - 1024, BUDDY_MAX_ORDER - 1, 1024); /* high end */
}
END_TEST

/* ---- exhaust and free everything --------------------------------------- */

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

struct held {
    uint32_t pfn;
    uint32_t order;
};
static struct held held[MAXF];

static void exhaust_then_free_all(struct buddy_zone *z)
{
    uint32_t n = 0;
    take_snapshot(z, &snap_a);
    /* grab big blocks first, then whatever is left */
    for (int k = BUDDY_MAX_ORDER; k >= 0; k--) {
        uint32_t pfn;
        while ((pfn = buddy_alloc(z, (unsigned)k)) != BUDDY_NO_PFN) {
            expect_uint_eq(pfn & ((1u << k) - 1), 0);
            held[n].pfn = pfn;
            held[n++].order = (uint32_t)k;
        }
    }
    expect_uint_eq(buddy_nr_free(z), 0);
    expect_uint_eq(buddy_nr_used(z), snap_a.nr_total);
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
        expect_uint_eq(z->area[k].head, BUDDY_NIL);
    assert_ok(z);
    for (uint32_t i = n; i > 1; i--) { /* shuffle, then free in that order */
        uint32_t j = rnd() % i;
        struct held t = held[i - 1];
        held[i - 1] = held[j];
        held[j] = t;
    }
    for (uint32_t i = 0; i < n; i++)
        expect_int_eq(buddy_free(z, held[i].pfn, held[i].order), 0);
    take_snapshot(z, &snap_b);
    assert_same_snapshot(&snap_a, &snap_b);
    assert_ok(z);
}

START_TEST(test_exhaust_then_free_all_restores_lists)
{
    static const uint32_t bases[] = {0, 1, 3, 1000, 1023, 1025, 0x7FFF1};
    static const uint32_t sizes[] = {1, 2, 3, 7, 1023, 1025, 3001, 8192};
    for (unsigned b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
        for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            struct buddy_zone *z = setup(bases[b], sizes[s]);
            expect_int_eq(buddy_add_range(z, bases[b], sizes[s]), 0);
            exhaust_then_free_all(z);
            exhaust_then_free_all(z); /* and again, from the restored state */
        }
    }
    /* with holes */
    struct buddy_zone *z = setup(5, 5000);
    expect_int_eq(buddy_add_range(z, 5, 100), 0);
    expect_int_eq(buddy_add_range(z, 200, 1), 0);
    expect_int_eq(buddy_add_range(z, 777, 2900), 0);
    expect_int_eq(buddy_add_range(z, 4000, 1005), 0);
    assert_ok(z);
    exhaust_then_free_all(z);
}
END_TEST

/* ---- zone geometry ----------------------------------------------------- */

START_TEST(test_odd_sizes_and_misaligned_starts)
{
    static const uint32_t bases[] = {0, 1, 2, 3, 5, 511, 1000, 1023, 1024, 1025, 4095};
    for (unsigned b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
        for (uint32_t n = 1; n < 3000; n = n * 3 + 1) {
            struct buddy_zone *z = setup(bases[b], n);
            expect_int_eq(buddy_add_range(z, bases[b], n), 0);
            uint32_t want[BUDDY_NR_ORDERS] = {0};
            expected_blocks(bases[b], n, want);
            for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
                expect_msg(buddy_free_blocks(z, k) == want[k],
                           "base %u size %u order %u: %u blocks, want %u", bases[b], n, k,
                           buddy_free_blocks(z, k), want[k]);
            expect_uint_eq(buddy_nr_free(z), n);
            assert_ok(z);
        }
    }
    /* a zone starting at pfn 1: the buddy of block 0..0 lies outside */
    struct buddy_zone *z = setup(1, 16);
    expect_int_eq(buddy_add_range(z, 1, 16), 0);
    assert_list(z, 0, (uint32_t[]){1, 16}, 2);
    assert_list(z, 1, (uint32_t[]){2}, 1);
    assert_list(z, 2, (uint32_t[]){4}, 1);
    assert_list(z, 3, (uint32_t[]){8}, 1);
    assert_ok(z);
}
END_TEST

/* Descriptor arrays of exactly the zone's size, on the heap, so that ASan
 * catches any look at a buddy just past either end of the zone. */
static void exact_size_map(uint32_t base, uint32_t n)
{
    struct page *m = malloc(n * sizeof(*m));
    expect(m != NULL);
    struct buddy_zone *z = &zone;
    expect_int_eq(buddy_init(z, m, base, n), 0);
    expect_int_eq(buddy_add_range(z, base, n), 0);
    assert_ok(z);
    exhaust_then_free_all(z);
    /* and frame by frame, freed upwards then downwards */
    for (uint32_t i = 0; i < n; i++)
        expect_uint_ne(buddy_alloc(z, 0), BUDDY_NO_PFN);
    for (uint32_t i = 0; i < n; i += 2)
        expect_int_eq(buddy_free(z, base + i, 0), 0);
    for (uint32_t i = n; i-- > 0;)
        if (i % 2)
            expect_int_eq(buddy_free(z, base + i, 0), 0);
    expect_uint_eq(buddy_nr_free(z), n);
    assert_ok(z);
    free(m);
}

START_TEST(test_exact_size_maps)
{
    for (uint32_t base = 0; base < 6; base++)
        for (uint32_t n = 1; n <= 70; n++)
            exact_size_map(base, n);
    /* zones around whole order-10 regions, where joins switch between the
     * the ones that stop at the zone's ends */
    static const uint32_t bases[] = {0, 1, 511, 1023};
    static const uint32_t sizes[] = {1023, 1024, 1025, 2047, 2048, 2049, 3071};
    for (unsigned b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
        for (unsigned n = 0; n < sizeof(sizes) / sizeof(sizes[0]); n++)
            exact_size_map(bases[b], sizes[n]);
}
END_TEST

START_TEST(test_holes_and_adjacent_ranges)
{
    struct buddy_zone *z = setup(0, 32);
    /* adjacent ranges added separately still merge */
    expect_int_eq(buddy_add_range(z, 0, 5), 0);
    expect_int_eq(buddy_add_range(z, 5, 11), 0);
    assert_list(z, 4, (uint32_t[]){0}, 1);
    expect_int_eq(buddy_add_range(z, 16, 0), 0); /* empty range: nothing */
    /* a reserved frame at 24 is never merged with */
    expect_int_eq(buddy_add_range(z, 16, 8), 0);
    expect_int_eq(buddy_add_range(z, 25, 7), 0);
    assert_list(z, 0, (uint32_t[]){25}, 1);
    assert_list(z, 1, (uint32_t[]){26}, 1);
    assert_list(z, 2, (uint32_t[]){28}, 1);
    assert_list(z, 3, (uint32_t[]){16}, 1);
    assert_list(z, 4, (uint32_t[]){0}, 1);
    assert_list(z, 5, NULL, 0);
    expect_uint_eq(buddy_nr_total(z), 31);
    expect_uint_eq(map[24].flags, PG_RESERVED);
    expect_uint_eq(buddy_alloc(z, 0), 25);
    expect_int_eq(buddy_free(z, 25, 0), 0);
    assert_list(z, 0, (uint32_t[]){25}, 1); /* its buddy 24 is reserved */
    assert_ok(z);
    /* handing 24 over completes the whole zone */
    expect_int_eq(buddy_add_range(z, 24, 1), 0);
    assert_list(z, 5, (uint32_t[]){0}, 1);
    for (unsigned k = 0; k < 5; k++)
        assert_list(z, k, NULL, 0);
    assert_ok(z);
}
END_TEST

START_TEST(test_add_range_refused)
{
    struct buddy_zone *z = setup(100, 50);
    expect_int_eq(buddy_add_range(z, 110, 10), 0);
    take_snapshot(z, &snap_a);
    expect_int_eq(buddy_add_range(z, 99, 5), -EINVAL);
    expect_int_eq(z->err.reason, BUDDY_E_OUT_OF_ZONE);
    expect_uint_eq(z->err.pfn, 99);
    expect_int_eq(buddy_add_range(z, 140, 11), -EINVAL);
    expect_int_eq(z->err.reason, BUDDY_E_OUT_OF_ZONE);
    expect_int_eq(buddy_add_range(z, 0xFFFFFFF0u, 0x20), -EINVAL); /* wraps */
    expect_int_eq(z->err.reason, BUDDY_E_OUT_OF_ZONE);
    expect_int_eq(buddy_add_range(z, 105, 6), -EINVAL); /* 110 is already in */
    expect_int_eq(z->err.reason, BUDDY_E_NOT_RESERVED);
    expect_uint_eq(z->err.pfn, 110);
    take_snapshot(z, &snap_b);
    assert_same_snapshot(&snap_a, &snap_b);
    for (unsigned i = 100; i < 110; i++) /* the refused range was not touched */
        expect_uint_eq(map[i - 100].flags, PG_RESERVED);
    assert_ok(z);
    expect_int_eq(buddy_add_range(z, 140, 10), 0);
    expect_uint_eq(buddy_nr_total(z), 20);
    assert_ok(z);
}
END_TEST

START_TEST(test_init_refuses_bad_zones)
{
    struct buddy_zone z;
    expect_int_eq(buddy_init(&z, NULL, 0, 10), -EINVAL);
    expect_int_eq(buddy_init(&z, map, 0xFFFFFFF0u, 0x10), -EINVAL); /* would hold BUDDY_NO_PFN */
    expect_int_eq(buddy_init(&z, map, 0, 0x80000000u), -EINVAL);
    expect_int_eq(buddy_init(&z, NULL, 7, 0), 0); /* empty zone is fine */
    expect_uint_eq(buddy_alloc(&z, 0), BUDDY_NO_PFN);
    expect_int_eq(buddy_free(&z, 7, 0), -EINVAL);
    expect_int_eq(z.err.reason, BUDDY_E_OUT_OF_ZONE);
    expect_int_eq(buddy_check(&z), 0);
}
END_TEST

/* ---- misuse ------------------------------------------------------------ */

START_TEST(test_misuse_is_refused_with_reason)
{
    struct buddy_zone *z = setup(64, 64);         /* frames 64..127 */
    expect_int_eq(buddy_add_range(z, 64, 32), 0); /* 96..127 stay reserved */

    uint32_t a = buddy_alloc(z, 3); /* 64..71 */
    uint32_t b = buddy_alloc(z, 0); /* 72 */
    uint32_t c = buddy_alloc(z, 0); /* 73 */
    expect_uint_eq(a, 64);
    expect_uint_eq(b, 72);
    expect_uint_eq(c, 73);
    assert_ok(z);

    assert_refused(z, 120, 0, BUDDY_E_RESERVED, BUDDY_NO_PFN);
    assert_refused(z, 63, 0, BUDDY_E_OUT_OF_ZONE, BUDDY_NO_PFN);
    assert_refused(z, 128, 0, BUDDY_E_OUT_OF_ZONE, BUDDY_NO_PFN);
    assert_refused(z, BUDDY_NO_PFN, 0, BUDDY_E_OUT_OF_ZONE, BUDDY_NO_PFN);
    assert_refused(z, 64, BUDDY_MAX_ORDER + 1, BUDDY_E_BAD_ORDER, BUDDY_NO_PFN);
    assert_refused(z, 64, 0xFFFFFFFFu, BUDDY_E_BAD_ORDER, BUDDY_NO_PFN);
    /* orders that would wrap to 0 or 3 if shifted into a 32-bit word */
    assert_refused(z, 72, 1u << 16, BUDDY_E_BAD_ORDER, BUDDY_NO_PFN);
    assert_refused(z, 64, (1u << 16) | 3, BUDDY_E_BAD_ORDER, BUDDY_NO_PFN);
    assert_refused(z, 66, 2, BUDDY_E_MISALIGNED, BUDDY_NO_PFN);
    assert_refused(z, 73, 1, BUDDY_E_MISALIGNED, BUDDY_NO_PFN);
    assert_refused(z, 64, 2, BUDDY_E_WRONG_ORDER, 64);
    assert_refused(z, 72, 1, BUDDY_E_WRONG_ORDER, 72);
    assert_refused(z, 68, 0, BUDDY_E_NOT_HEAD, 64);
    assert_refused(z, 70, 1, BUDDY_E_NOT_HEAD, 64);
    assert_refused(z, 80, 0, BUDDY_E_DOUBLE_FREE, 80); /* head of free order-4 block 80..95 */
    assert_refused(z, 81, 0, BUDDY_E_INSIDE_FREE, 80); /* never allocated */
    assert_refused(z, 84, 2, BUDDY_E_INSIDE_FREE, 80);

    /* double free: the second free of b is refused whether b is still a
     * free head or already merged into a bigger block */
    expect_int_eq(buddy_free(z, b, 0), 0);
    assert_refused(z, b, 0, BUDDY_E_DOUBLE_FREE, b);
    expect_int_eq(buddy_free(z, c, 0), 0); /* merges 72..73, then 72..79 */
    assert_refused(z, c, 0, BUDDY_E_INSIDE_FREE, 72);
    assert_refused(z, b, 0, BUDDY_E_DOUBLE_FREE, 72);

    /* a page still marked by another subsystem (bit 4 = a future PG_LRU) */
    map[a - 64].flags |= 0x10;
    assert_refused(z, a, 3, BUDDY_E_FLAGS_BUSY, a);
    map[a - 64].flags &= (uint16_t)~0x10u;
    expect_int_eq(buddy_free(z, a, 3), 0);
    assert_refused(z, a, 3, BUDDY_E_DOUBLE_FREE, a);

    /* order above the maximum on allocation */
    uint32_t misuse = z->nr_misuse;
    expect_uint_eq(buddy_alloc(z, BUDDY_MAX_ORDER + 1), BUDDY_NO_PFN);
    expect_int_eq(z->err.reason, BUDDY_E_BAD_ORDER);
    expect_uint_eq(z->nr_misuse, misuse + 1);

    expect_uint_eq(buddy_nr_free(z), 32);
    assert_list(z, 5, (uint32_t[]){64}, 1);
    for (unsigned k = 0; k < 5; k++)
        assert_list(z, k, NULL, 0);
    assert_ok(z);
}
END_TEST

START_TEST(test_error_names)
{
    for (int r = 0; r < BUDDY_NR_REASONS; r++) {
        ck_assert_ptr_nonnull(buddy_error_name(r));
        ck_assert_str_ne(buddy_error_name(r), "unknown reason");
    }
    ck_assert_str_eq(buddy_error_name(-1), "unknown reason");
    ck_assert_str_eq(buddy_error_name(BUDDY_NR_REASONS), "unknown reason");
    ck_assert_str_eq(buddy_error_name(BUDDY_E_DOUBLE_FREE), "block is already free (double free)");
}
END_TEST

/* ---- the checker catches corruption ------------------------------------ */

static void expect_broken(struct buddy_zone *z, int reason)
{
    struct buddy_error why;
    expect_msg(buddy_check_report(z, &why) == -EINVAL, "check passed, expected '%s'",
               buddy_error_name(reason));
    expect_msg(why.reason == reason, "check said '%s', expected '%s'", buddy_error_name(why.reason),
               buddy_error_name(reason));
}

/* 32 frames: 1, 3, 4 and the order-2 block at 8 allocated; on the lists
 * 0, 2 and 5 (order 0), 6 (order 1), 12 (order 2) and 16 (order 4). */
static struct buddy_zone *small_zone(void)
{
    struct buddy_zone *z = free_zone(32);
    for (unsigned i = 0; i < 5; i++)
        expect_uint_eq(buddy_alloc(z, 0), i);
    expect_uint_eq(buddy_alloc(z, 2), 8);
    expect_int_eq(buddy_free(z, 0, 0), 0);
    expect_int_eq(buddy_free(z, 2, 0), 0);
    assert_list(z, 0, (uint32_t[]){0, 2, 5}, 3);
    assert_list(z, 1, (uint32_t[]){6}, 1);
    assert_list(z, 2, (uint32_t[]){12}, 1);
    assert_list(z, 4, (uint32_t[]){16}, 1);
    assert_ok(z);
    return z;
}

START_TEST(test_check_detects_corruption)
{
    struct buddy_zone *z;

    z = small_zone();
    map[5].flags = 0; /* a free frame forgotten */
    expect_broken(z, BUDDY_I_ORPHAN);

    z = small_zone();
    map[12].flags = PG_HEAD | PG_FREE;
    expect_broken(z, BUDDY_I_FLAGS);

    z = small_zone();
    map[1].flags = PG_HOT; /* an allocated frame marked cached, with an order */
    map[1].refcount = 0;
    map[1].order = 1;
    expect_broken(z, BUDDY_I_FLAGS);

    z = small_zone();
    map[1].flags = PG_HOT; /* marked cached, still counted as referenced */
    expect_broken(z, BUDDY_I_REFCOUNT);

    z = small_zone();
    map[9].flags = PG_FREE; /* tail of the allocated block at 8 */
    expect_broken(z, BUDDY_I_TAIL);

    z = small_zone();
    map[8].order = 3; /* allocated block grows over free ones */
    expect_broken(z, BUDDY_I_TAIL);

    z = small_zone();
    map[8].order = 11;
    expect_broken(z, BUDDY_I_BAD_BLOCK);

    z = small_zone();
    z->area[2].count++;
    expect_broken(z, BUDDY_I_LIST_COUNT);

    z = small_zone();
    z->nonempty |= 1u << 7; /* order 7 said non-empty, but empty */
    expect_broken(z, BUDDY_I_MASK);

    z = small_zone();
    z->nonempty &= ~(1u << 2); /* order 2 said empty, but 12 is on it */
    expect_broken(z, BUDDY_I_MASK);

    z = small_zone();
    z->nonempty |= 1u << BUDDY_NR_ORDERS; /* an order that does not exist */
    expect_broken(z, BUDDY_I_MASK);

    z = small_zone(); /* 12 is the free order-2 block: make a cycle */
    expect_uint_eq(z->area[2].head, 12);
    map[12].next = 12;
    expect_broken(z, BUDDY_I_LIST_LINK);

    z = small_zone(); /* the allocated frame 1 put at the front of list 0 */
    map[1].prev = BUDDY_NIL;
    map[1].next = z->area[0].head;
    map[z->area[0].head].prev = 1;
    z->area[0].head = 1;
    expect_broken(z, BUDDY_I_LIST_ENTRY);

    z = small_zone(); /* two free order-1 buddies: cut the block 12..15 in two */
    map[12].order = 1;
    map[14].flags = PG_FREE;
    map[14].order = 1;
    expect_broken(z, BUDDY_I_UNMERGED);

    z = small_zone();
    z->nr_total--;
    expect_broken(z, BUDDY_I_TOTALS);

    z = small_zone();
    map[12].refcount = 1; /* use after free */
    expect_broken(z, BUDDY_I_REFCOUNT);

    z = small_zone();
    z->nr_total = z->nframes + 1;
    expect_broken(z, BUDDY_I_ZONE);

    /* a corrupt tail is reported as such when freed */
    z = small_zone();
    map[8].flags = 0; /* the allocated block at 8 loses its head */
    expect_int_eq(buddy_free(z, 9, 0), -EINVAL);
    expect_int_eq(z->err.reason, BUDDY_E_CORRUPT);
}
END_TEST

/* ---- buddyinfo --------------------------------------------------------- */

START_TEST(test_format_info)
{
    struct buddy_zone *z = setup(0, 4096);
    expect_int_eq(buddy_add_range(z, 1, 3000), 0);
    char buf[160];
    int n = buddy_format_info(z, "Normal", buf, sizeof(buf));
    /* 1..2047 is one block of each order 0..10; 2048..3000 is 512+256+128+32+16+8+1 */
    uint32_t want[BUDDY_NR_ORDERS] = {0};
    expected_blocks(1, 3000, want);
    char expect[160];
    int m = snprintf(expect, sizeof(expect), "Node 0, zone   Normal");
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
        m += snprintf(expect + m, sizeof(expect) - (size_t)m, " %6u", want[k]);
    ck_assert_str_eq(buf, expect);
    expect_int_eq(n, m);
    ck_assert_str_eq(buf, "Node 0, zone   Normal      2      1      1      2      2      2      1  "
                          "    2      2      2      1");

    char small[10];
    expect_int_eq(buddy_format_info(z, "Normal", small, sizeof(small)), -ERANGE);
    ck_assert_str_eq(small, "Node 0, z");
    expect_int_eq(buddy_format_info(z, "Normal", small, 0), -ERANGE);

    struct buddy_zone *y = free_zone(8192);
    expect_int_eq(buddy_format_info(y, "HighMemory", buf, sizeof(buf)), 100);
    ck_assert_str_eq(buf, "Node 0, zone HighMemory      0      0      0      0      0      0      "
                          "0      0      0      0      8");
}
END_TEST

/* ---- random operations against a reference model ----------------------- */

/* The allocator under test is the zone behind a hot-frame cache, which the
 * test turns on and off and drains at random: everything must hold with
 * the cache and without it. The model: which frames were handed over,
 * which are held (and by which block), and the list of held blocks. */
#define RZ_BASE   3001u
#define RZ_FRAMES 5000u
static uint8_t avail[RZ_FRAMES];
static uint32_t owner[RZ_FRAMES]; /* 1 + index in held[], or 0 */
static uint32_t nheld, model_free;
static struct buddy_hot model_hot;

static void assert_hot_ok(const struct buddy_hot *h)
{
    struct buddy_error why;
    int r = buddy_hot_check(h, &why);
    expect_msg(r == 0, "buddy_hot_check: %s at pfn %u order %u", buddy_error_name(why.reason),
               why.pfn, why.order);
}

static unsigned random_order(void)
{
    unsigned k = (unsigned)__builtin_ctz(rnd() | (1u << BUDDY_MAX_ORDER));
    return k;
}

static bool model_has_free_block(unsigned k)
{
    uint32_t n = 1u << k;
    uint32_t first = (RZ_BASE + n - 1) & ~(n - 1);
    for (uint32_t pfn = first; pfn + n <= RZ_BASE + RZ_FRAMES; pfn += n) {
        uint32_t i = 0;
        while (i < n && avail[pfn - RZ_BASE + i] && !owner[pfn - RZ_BASE + i])
            i++;
        if (i == n)
            return true;
    }
    return false;
}

static void model_free_block(struct buddy_hot *c, uint32_t h)
{
    uint32_t pfn = held[h].pfn, n = 1u << held[h].order;
    /* mostly through the cache, sometimes straight to the lists: a block
     * from either may go back to either */
    if (rnd() % 16 == 0)
        expect_int_eq(buddy_free(c->zone, pfn, held[h].order), 0);
    else
        expect_int_eq(buddy_hot_free(c, pfn, held[h].order), 0);
    for (uint32_t i = 0; i < n; i++)
        owner[pfn - RZ_BASE + i] = 0;
    model_free += n;
    nheld--;
    if (h != nheld) {
        held[h] = held[nheld];
        n = 1u << held[h].order;
        for (uint32_t i = 0; i < n; i++)
            owner[held[h].pfn - RZ_BASE + i] = h + 1;
    }
}

/* A free that the model knows is wrong must be refused, changing nothing. */
static void try_misuse(struct buddy_hot *c)
{
    const struct buddy_zone *z = c->zone;
    uint32_t pfn, order, before_free = buddy_hot_nr_free(c), before_hot = c->count;
    uint32_t counts[BUDDY_NR_ORDERS];
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
        counts[k] = buddy_free_blocks(z, k);
    int expect_reason = -1;

    switch (rnd() % 4) {
    case 0: /* any frame that is not held (free, reserved) */
        pfn = RZ_BASE + rnd() % RZ_FRAMES;
        if (owner[pfn - RZ_BASE])
            return;
        order = 0;
        expect_reason = avail[pfn - RZ_BASE] ? -1 : BUDDY_E_RESERVED;
        break;
    case 1: /* a held block with the wrong order */
    case 2: /* a frame inside a held block that is not its head */
        if (nheld == 0)
            return;
        {
            struct held *h = &held[rnd() % nheld];
            if ((rnd() & 1) && h->order > 0) {
                pfn = h->pfn + 1 + rnd() % ((1u << h->order) - 1);
                order = 0;
                expect_reason = BUDDY_E_NOT_HEAD;
            } else {
                pfn = h->pfn;
                order = (h->order + 1 + rnd() % BUDDY_MAX_ORDER) % BUDDY_NR_ORDERS;
                expect_reason =
                    (pfn & ((1u << order) - 1)) ? BUDDY_E_MISALIGNED : BUDDY_E_WRONG_ORDER;
            }
        }
        break;
    default: /* outside the zone */
        pfn = (rnd() & 1) ? RZ_BASE - 1 - rnd() % 100 : RZ_BASE + RZ_FRAMES + rnd() % 100;
        order = 0;
        expect_reason = BUDDY_E_OUT_OF_ZONE;
        break;
    }
    expect_int_eq(buddy_hot_free(c, pfn, order), -EINVAL);
    if (expect_reason >= 0)
        expect_int_eq(z->err.reason, expect_reason);
    else /* a free frame: a free head, a cached frame, or inside a free block */
        expect(z->err.reason == BUDDY_E_DOUBLE_FREE || z->err.reason == BUDDY_E_INSIDE_FREE);
    expect_uint_eq(z->err.pfn, pfn);
    expect_uint_eq(buddy_hot_nr_free(c), before_free);
    expect_uint_eq(c->count, before_hot);
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
        expect_uint_eq(buddy_free_blocks(z, k), counts[k]);
}

START_TEST(test_random_against_model)
{
    struct buddy_zone *z = setup(RZ_BASE, RZ_FRAMES);
    struct buddy_hot *c = &model_hot;
    /* three ranges with holes and odd edges */
    static const uint32_t ranges[][2] = {
        {RZ_BASE, 1500}, {RZ_BASE + 1503, 2000}, {RZ_BASE + 3600, 1399}};
    memset(avail, 0, sizeof(avail));
    memset(owner, 0, sizeof(owner));
    nheld = model_free = 0;
    for (unsigned r = 0; r < 3; r++) {
        expect_int_eq(buddy_add_range(z, ranges[r][0], ranges[r][1]), 0);
        memset(avail + ranges[r][0] - RZ_BASE, 1, ranges[r][1]);
        model_free += ranges[r][1];
    }
    buddy_hot_init(c, z, true);
    const uint32_t total = model_free;
    take_snapshot(z, &snap_a);
    rng_state = 0x9E3779B9u;

    const uint32_t OPS = 1500000;
    uint32_t allocs = 0, frees = 0, fails = 0, misuses = 0, checked_fails = 0, hot_ops = 0;
    bool filling = true;
    for (uint32_t op = 0; op < OPS; op++) {
        uint32_t used = total - model_free;
        if (used * 10 >= total * 9)
            filling = false;
        else if (used * 10 <= total * 3)
            filling = true;
        uint32_t dice = rnd() % 100;
        if (dice < 2) {
            try_misuse(c);
            misuses++;
        } else if (dice < 3) {
            if (rnd() % 8 == 0)
                buddy_hot_set(c, !c->on);
            else
                buddy_hot_drain(c);
            hot_ops++;
        } else if (nheld > 0 && (filling ? dice < 30 : dice < 70)) {
            model_free_block(c, rnd() % nheld);
            frees++;
        } else {
            unsigned k = random_order();
            uint32_t pfn = buddy_hot_alloc(c, k);
            if (pfn == BUDDY_NO_PFN) {
                fails++;
                /* a refusal is exact, cache or not: no free aligned
                 * block of this order may exist anywhere */
                if (k == 0)
                    expect_uint_eq(model_free, 0);
                else if ((fails & 7) == 0) {
                    expect(!model_has_free_block(k));
                    checked_fails++;
                }
            } else {
                uint32_t n = 1u << k;
                expect_uint_eq(pfn & (n - 1), 0);
                expect_uint_ge(pfn, RZ_BASE);
                expect_uint_le(pfn + n, RZ_BASE + RZ_FRAMES);
                struct page *p = buddy_pfn_to_page(z, pfn);
                expect_uint_eq(p->flags, PG_HEAD);
                expect_uint_eq(p->order, k);
                expect_uint_eq(p->refcount, 1);
                for (uint32_t i = 0; i < n; i++) {
                    expect_msg(avail[pfn - RZ_BASE + i], "pfn %u handed out but reserved", pfn + i);
                    expect_msg(!owner[pfn - RZ_BASE + i], "pfn %u handed out twice", pfn + i);
                    owner[pfn - RZ_BASE + i] = nheld + 1;
                }
                held[nheld].pfn = pfn;
                held[nheld++].order = k;
                model_free -= n;
                allocs++;
            }
        }
        expect_uint_eq(buddy_hot_nr_free(c), model_free);
        expect_uint_eq(buddy_nr_used(z), total - model_free + c->count);
        if (op % 32 == 0)
            assert_hot_ok(c);
    }
    assert_hot_ok(c);
    expect_uint_gt(allocs, 400000);
    expect_uint_gt(frees, 400000);
    expect_uint_gt(fails, 1000);
    expect_uint_gt(checked_fails, 100);
    expect_uint_gt(misuses, 20000);
    expect_uint_gt(hot_ops, 10000);
    expect_uint_gt(c->nr_spill, 1000);
    while (nheld > 0)
        model_free_block(c, nheld - 1);
    buddy_hot_drain(c);
    take_snapshot(z, &snap_b);
    assert_same_snapshot(&snap_a, &snap_b);
    assert_hot_ok(c);
}
END_TEST

static Suite *buddy_suite(void)
{
    Suite *s = suite_create("buddy");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_split_merge_by_hand);
    tcase_add_test(tc, test_largest_order_and_zone_of_many_blocks);
    tcase_add_test(tc, test_join_through_every_order);
    tcase_add_test(tc, test_exhaust_then_free_all_restores_lists);
    tcase_add_test(tc, test_odd_sizes_and_misaligned_starts);
    tcase_add_test(tc, test_exact_size_maps);
    tcase_add_test(tc, test_holes_and_adjacent_ranges);
    tcase_add_test(tc, test_add_range_refused);
    tcase_add_test(tc, test_init_refuses_bad_zones);
    tcase_add_test(tc, test_misuse_is_refused_with_reason);
    tcase_add_test(tc, test_error_names);
    tcase_add_test(tc, test_check_detects_corruption);
    tcase_add_test(tc, test_format_info);
    tcase_add_test(tc, test_random_against_model);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return unit_run(buddy_suite());
}
