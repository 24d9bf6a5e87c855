/* Host tests for the hot-frame cache (src/mem/buddy_hot.c) in front of the
 * buddy allocator. The model test in test_buddy.c drives both together. */
#include "unit.h"
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "mem/buddy.h"
#include "mem/buddy_check.h"
#include "mem/buddy_hot.h"

#define MAXF 256u

static struct page map[MAXF];
static struct buddy_zone zone;
static struct buddy_hot hot;

/* A zone of nframes frames from pfn 0, all handed over, the cache on. */
static struct buddy_hot *hot_zone(uint32_t nframes)
{
    memset(map, 0xA5, sizeof(map));
    expect_int_eq(buddy_init(&zone, map, 0, nframes), 0);
    expect_int_eq(buddy_add_range(&zone, 0, nframes), 0);
    buddy_hot_init(&hot, &zone, true);
    return &hot;
}

static void assert_ok(const struct buddy_hot *h)
{
    struct buddy_error why;
    int r = buddy_hot_check(h, &why);
    expect_msg(r == 0, "buddy_hot_check: %s at pfn %u order %u", buddy_error_name(why.reason),
               why.pfn, why.order);
}

static void expect_broken(const struct buddy_hot *h)
{
    struct buddy_error why;
    expect_int_eq(buddy_hot_check(h, &why), -EINVAL);
    expect_int_eq(why.reason, BUDDY_I_HOT);
}

/* Take every frame, one at a time, and check they come in address order. */
static void take_all(struct buddy_hot *h, uint32_t nframes)
{
    for (uint32_t i = 0; i < nframes; i++)
        expect_uint_eq(buddy_hot_alloc(h, 0), i);
    expect_uint_eq(buddy_hot_nr_free(h), 0);
}

/* The example of docs/04-physical-memory.md, step by step. */
START_TEST(test_chapter_example)
{
    struct buddy_hot *h = hot_zone(64);

    /* empty cache: a refill takes 8 frames from the lists (the first one
     * splits the order-6 block), and the first taken goes out */
    expect_uint_eq(buddy_hot_alloc(h, 0), 0);
    expect_uint_eq(h->count, 7);
    expect_uint_eq(h->nr_refill, 1);
    expect_uint_eq(h->frame[6], 1); /* the top of the stack */
    expect_uint_eq(h->frame[0], 7);
    expect_uint_eq(buddy_free_blocks(&zone, 3), 1); /* 8..15 */
    expect_uint_eq(buddy_free_blocks(&zone, 4), 1); /* 16..31 */
    expect_uint_eq(buddy_free_blocks(&zone, 5), 1); /* 32..63 */
    expect_uint_eq(map[1].flags, PG_HOT);
    assert_ok(h);

    expect_uint_eq(buddy_hot_alloc(h, 0), 1); /* the lists do not move */
    expect_uint_eq(h->count, 6);
    expect_int_eq(buddy_hot_free(h, 0, 0), 0); /* back on top, unmerged */
    expect_uint_eq(h->frame[6], 0);
    expect_uint_eq(map[0].flags, PG_HOT);
    expect_uint_eq(buddy_hot_alloc(h, 0), 0); /* LIFO: the same frame again */

    /* larger orders go to the lists */
    expect_uint_eq(buddy_hot_alloc(h, 3), 8);
    expect_int_eq(buddy_hot_free(h, 8, 3), 0);
    expect_uint_eq(buddy_free_blocks(&zone, 3), 1);

    /* giving everything back rebuilds the order-6 block */
    expect_int_eq(buddy_hot_free(h, 0, 0), 0);
    expect_int_eq(buddy_hot_free(h, 1, 0), 0);
    expect_uint_eq(h->count, 8);
    buddy_hot_drain(h);
    expect_uint_eq(h->count, 0);
    expect_uint_eq(buddy_free_blocks(&zone, 6), 1);
    expect_uint_eq(buddy_nr_free(&zone), 64);
    assert_ok(h);
}
END_TEST

/* A free that fills the cache gives its 8 oldest frames back. */
START_TEST(test_spill_the_oldest_batch)
{
    struct buddy_hot *h = hot_zone(64);
    take_all(h, 64);
    expect_uint_eq(h->nr_refill, 8);
    for (uint32_t i = 0; i < BUDDY_HOT_HIGH - 1; i++) /* even frames: no pairs */
        expect_int_eq(buddy_hot_free(h, 2 * i, 0), 0);
    expect_uint_eq(h->count, BUDDY_HOT_HIGH - 1);
    expect_uint_eq(h->nr_spill, 0);
    expect_uint_eq(buddy_nr_free(&zone), 0);
    assert_ok(h);

    expect_int_eq(buddy_hot_free(h, 1, 0), 0);
    expect_uint_eq(h->nr_spill, 1);
    expect_uint_eq(h->count, BUDDY_HOT_HIGH - BUDDY_HOT_BATCH);
    expect_uint_eq(h->frame[0], 2 * BUDDY_HOT_BATCH); /* 16: the oldest left */
    expect_uint_eq(h->frame[h->count - 1], 1);        /* the newest on top */
    /* 0, 2, ..., 14 went to the lists, each alone (its buddy is taken) */
    expect_uint_eq(buddy_free_blocks(&zone, 0), BUDDY_HOT_BATCH);
    assert_ok(h);
}
END_TEST

/* The lists refuse; the cache gives its frames back and the lists are
 * asked again. A refusal is exact. */
START_TEST(test_drain_before_refusing)
{
    struct buddy_hot *h = hot_zone(16);
    take_all(h, 16);
    for (uint32_t i = 0; i < 16; i++)
        expect_int_eq(buddy_hot_free(h, i, 0), 0);
    expect_uint_eq(h->count, 16);
    expect_uint_eq(buddy_nr_free(&zone), 0);

    /* all 16 frames cached: order 4 is refused by the lists alone, and
     * served once they are given back and merged */
    uint32_t fails = zone.nr_alloc_fail;
    expect_uint_eq(buddy_hot_alloc(h, 4), 0);
    expect_uint_eq(h->count, 0);
    expect_uint_eq(h->nr_drain, 1);
    expect_uint_eq(zone.nr_alloc_fail, fails + 1); /* the lists' first answer */
    assert_ok(h);
    expect_int_eq(buddy_hot_free(h, 0, 4), 0);

    /* a checkerboard, all cached: order 1 is refused, after the drain */
    take_all(h, 16);
    for (uint32_t i = 0; i < 16; i += 2)
        expect_int_eq(buddy_hot_free(h, i, 0), 0);
    expect_uint_eq(buddy_hot_alloc(h, 1), BUDDY_NO_PFN);
    expect_uint_eq(h->count, 0);
    expect_uint_eq(buddy_free_blocks(&zone, 0), 8);
    expect_uint_eq(h->nr_drain, 2);
    /* with nothing cached, the lists' answer is final at once */
    expect_uint_eq(buddy_hot_alloc(h, 1), BUDDY_NO_PFN);
    expect_uint_eq(h->nr_drain, 2);
    assert_ok(h);

    /* order 0 from a full zone: the refill finds nothing */
    for (uint32_t i = 0; i < 16; i += 2)
        expect_uint_ne(buddy_hot_alloc(h, 0), BUDDY_NO_PFN);
    expect_uint_eq(buddy_hot_alloc(h, 0), BUDDY_NO_PFN);
    expect_uint_eq(h->count, 0);
    assert_ok(h);
}
END_TEST

/* A refill takes what there is, fewer than a batch near the end. The
 * lists hand out their smallest blocks first: frame 4, then 0..3. */
START_TEST(test_refill_short_of_frames)
{
    struct buddy_hot *h = hot_zone(5);
    expect_uint_eq(buddy_hot_alloc(h, 0), 4);
    expect_uint_eq(h->count, 4);
    expect_uint_eq(buddy_nr_free(&zone), 0);
    for (uint32_t i = 0; i < 4; i++)
        expect_uint_eq(buddy_hot_alloc(h, 0), i);
    expect_uint_eq(buddy_hot_alloc(h, 0), BUDDY_NO_PFN);
    expect_uint_eq(h->nr_refill, 2);
    assert_ok(h);
}
END_TEST

/* Off, the cache holds nothing and every call goes to the lists. */
START_TEST(test_off)
{
    struct buddy_hot *h = hot_zone(16);
    expect_uint_eq(buddy_hot_alloc(h, 0), 0);
    expect_uint_eq(h->count, 7);
    buddy_hot_set(h, false);
    expect_uint_eq(h->count, 0);
    expect_uint_eq(buddy_nr_free(&zone), 15);
    expect_uint_eq(buddy_hot_alloc(h, 0), 1); /* straight from list 0 */
    expect_int_eq(buddy_hot_free(h, 1, 0), 0);
    expect_int_eq(buddy_hot_free(h, 0, 0), 0); /* merges all the way up */
    expect_uint_eq(h->count, 0);
    expect_uint_eq(buddy_free_blocks(&zone, 4), 1);
    assert_ok(h);
    buddy_hot_set(h, true);
    expect_uint_eq(buddy_hot_alloc(h, 0), 0);
    expect_uint_eq(h->count, 7);
    assert_ok(h);
}
END_TEST

/* Misuse through the cache is refused by buddy_free, with its reason. */
START_TEST(test_misuse_through_the_cache)
{
    struct buddy_hot *h = hot_zone(64);
    uint32_t a = buddy_hot_alloc(h, 0); /* 0, with 1..7 cached */
    uint32_t b = buddy_hot_alloc(h, 2); /* 8 */
    expect_int_eq(buddy_hot_free(h, a, 0), 0);

    struct {
        uint32_t pfn, order;
        int reason;
        uint32_t block;
    } cases[] = {
        {a, 0, BUDDY_E_DOUBLE_FREE, a}, /* a cached frame freed again */
        {3, 0, BUDDY_E_DOUBLE_FREE, 3}, /* cached, never handed out */
        {2, 1, BUDDY_E_DOUBLE_FREE, 2}, /* the same with another order */
        {b, 0, BUDDY_E_WRONG_ORDER, b},
        {b + 1, 0, BUDDY_E_NOT_HEAD, b},
        {b + 2, 1, BUDDY_E_NOT_HEAD, b},
        {33, 0, BUDDY_E_INSIDE_FREE, 32},
        {64, 0, BUDDY_E_OUT_OF_ZONE, BUDDY_NO_PFN},
        {b, 11, BUDDY_E_BAD_ORDER, BUDDY_NO_PFN},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t count = h->count, nfree = buddy_nr_free(&zone);
        expect_int_eq(buddy_hot_free(h, cases[i].pfn, cases[i].order), -EINVAL);
        expect_msg(zone.err.reason == cases[i].reason, "case %u: '%s'", i,
                   buddy_error_name(zone.err.reason));
        expect_uint_eq(zone.err.pfn, cases[i].pfn);
        expect_uint_eq(zone.err.block_pfn, cases[i].block);
        expect_uint_eq(h->count, count);
        expect_uint_eq(buddy_nr_free(&zone), nfree);
        assert_ok(h);
    }
    /* a frame another subsystem still marks (bit 4, a future PG_LRU) is
     * neither cached nor freed */
    uint32_t c = buddy_hot_alloc(h, 0);
    map[c].flags |= 0x10;
    expect_int_eq(buddy_hot_free(h, c, 0), -EINVAL);
    expect_int_eq(zone.err.reason, BUDDY_E_FLAGS_BUSY);
    map[c].flags &= (uint16_t)~0x10u;
    expect_int_eq(buddy_hot_free(h, c, 0), 0);
    expect_int_eq(buddy_hot_free(h, b, 2), 0);
    buddy_hot_drain(h);
    expect_uint_eq(buddy_free_blocks(&zone, 6), 1);
    assert_ok(h);
}
END_TEST

START_TEST(test_check_detects_a_broken_cache)
{
    struct buddy_hot *h = hot_zone(64);
    expect_uint_eq(buddy_hot_alloc(h, 0), 0); /* 1..7 cached */
    assert_ok(h);

    h->frame[0] = h->frame[1]; /* a frame held twice, another lost */
    expect_broken(h);

    h = hot_zone(64);
    expect_uint_eq(buddy_hot_alloc(h, 0), 0);
    h->frame[h->count++] = 0; /* an allocated frame on the stack */
    expect_broken(h);

    h = hot_zone(64);
    expect_uint_eq(buddy_hot_alloc(h, 0), 0);
    h->count--; /* a cached frame forgotten: still marked */
    expect_broken(h);

    h = hot_zone(64);
    expect_uint_eq(buddy_hot_alloc(h, 0), 0);
    h->on = false; /* off, yet holding frames */
    expect_broken(h);
}
END_TEST

static Suite *hot_suite(void)
{
    Suite *s = suite_create("buddy_hot");
    TCase *tc = tcase_create("cache");
    tcase_add_test(tc, test_chapter_example);
    tcase_add_test(tc, test_spill_the_oldest_batch);
    tcase_add_test(tc, test_drain_before_refusing);
    tcase_add_test(tc, test_refill_short_of_frames);
    tcase_add_test(tc, test_off);
    tcase_add_test(tc, test_misuse_through_the_cache);
    tcase_add_test(tc, test_check_detects_a_broken_cache);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return unit_run(hot_suite());
}
