/* Host tests of the swap-slot map (src/mem/swap_map.c): hand-made cases for
 * each rule, then random operations against the plain model in
 * tests/unit/swap_map_model.h. The random sequence is fixed, so a failure
 * names a step that happens again on the next run.
 *
 * SWAP_MAP_MODEL_STATS=1 prints how often each case came up. */
#include "unit.h"

#include "disk/swap_header.h"

#define SWAP_MAP_MODEL_FAIL(message) ck_abort_msg("%s", message)
#include "swap_map_model.h"

#define MODEL_STEPS 100000
#define EPOCH_STEPS 2000 /* then a fresh map */

/* The map of most hand-made cases and its array. */
static struct swap_map map;
static uint8_t counts[64];

static void setup(uint32_t nslots)
{
    memset(counts, 0xA5, sizeof counts);
    ck_assert_int_eq(swap_map_init(&map, counts, nslots), SWAP_MAP_OK);
}

static void expect_clean(void)
{
    uint32_t value = 0;
    enum swap_map_reason why = swap_map_check(&map, &value);
    expect_msg(why == SWAP_MAP_OK, "swap_map_check: %s (%u)", swap_map_reason_name(why), value);
}

static uint32_t alloc_run(uint32_t want, uint32_t *got)
{
    *got = 0xDEAD;
    return swap_map_alloc_run(&map, want, got);
}

START_TEST(init_sets_every_slot_free_but_the_header)
{
    setup(17);
    expect_uint_eq(map.nslots, 17);
    expect_uint_eq(map.cursor, 1);
    expect_uint_eq(swap_map_nr_usable(&map), 16);
    expect_uint_eq(swap_map_nr_in_use(&map), 0);
    expect_uint_eq(swap_map_nr_bad(&map), 0);
    expect_uint_eq(swap_map_nr_free(&map), 16);
    expect_uint_eq(counts[0], SWAP_MAP_BAD);
    for (uint32_t s = 1; s < 17; s++)
        expect_uint_eq(counts[s], SWAP_MAP_FREE);
    expect_uint_eq(counts[17], 0xA5); /* nothing past the array */
    expect_clean();
}
END_TEST

START_TEST(init_refuses_a_size_that_cannot_be)
{
    struct swap_map untouched;
    memset(&untouched, 0x5A, sizeof untouched);
    map = untouched;
    expect_int_eq(swap_map_init(&map, counts, 0), SWAP_MAP_E_SIZE);
    expect_int_eq(swap_map_init(&map, counts, 1), SWAP_MAP_E_SIZE); /* the header alone */
    expect_int_eq(swap_map_init(&map, NULL, 16), SWAP_MAP_E_SIZE);
    expect_int_eq(swap_map_init(&map, counts, SWAP_MAP_MAX_SLOTS + 1), SWAP_MAP_E_SIZE);
    expect(memcmp(&map, &untouched, sizeof map) == 0);

    /* The largest map a 20-bit slot number allows: 1 MiB, the last slot
     * handed out is 2^20 - 1. */
    uint8_t *big = malloc(SWAP_MAP_MAX_SLOTS);
    ck_assert_ptr_nonnull(big);
    expect_int_eq(swap_map_init(&map, big, SWAP_MAP_MAX_SLOTS), SWAP_MAP_OK);
    expect_uint_eq(swap_map_nr_usable(&map), PTE_SWAP_SLOT_MAX);
    map.cursor = PTE_SWAP_SLOT_MAX;
    expect_uint_eq(swap_map_alloc(&map), PTE_SWAP_SLOT_MAX);
    expect_uint_eq(map.cursor, 1);
    expect_clean();
    free(big);
}
END_TEST

START_TEST(header_slot_is_never_handed_out)
{
    setup(5);
    for (uint32_t s = 1; s < 5; s++)
        expect_uint_eq(swap_map_alloc(&map), s);
    expect_uint_eq(swap_map_alloc(&map), SWAP_MAP_NONE);
    expect_uint_eq(swap_map_count(&map, 0), 0);
    expect(!swap_map_is_bad(&map, 0));
    expect_int_eq(swap_map_dup(&map, 0), SWAP_MAP_E_RANGE);
    expect_int_eq(swap_map_put(&map, 0), SWAP_MAP_E_RANGE);
    expect_int_eq(swap_map_mark_bad(&map, 0), SWAP_MAP_E_RANGE);
    expect_int_eq(swap_map_put(&map, 5), SWAP_MAP_E_RANGE);
    expect_int_eq(swap_map_dup(&map, 0xFFFFFFFF), SWAP_MAP_E_RANGE);
    expect_uint_eq(swap_map_nr_in_use(&map), 4);
    expect_clean();
}
END_TEST

/* A header page as mkswap -c would write it, bad-page list included. */
static void make_header(uint8_t page[SWAP_HEADER_PAGE_SIZE], uint32_t last_page,
                        const uint32_t *bad, uint32_t nbad)
{
    memset(page, 0, SWAP_HEADER_PAGE_SIZE);
    /* version, last_page, nr_badpages follow each other; the host is
     * little-endian, as the format is */
    uint32_t fields[] = {1, last_page, nbad};
    memcpy(page + SWAP_HEADER_VERSION_OFFSET, fields, sizeof fields);
    memcpy(page + SWAP_HEADER_BADPAGES_OFFSET, bad, nbad * sizeof bad[0]);
    memcpy(page + SWAP_HEADER_MAGIC_OFFSET, SWAP_HEADER_MAGIC, SWAP_HEADER_MAGIC_LEN);
}

START_TEST(bad_pages_of_the_header_are_never_handed_out)
{
    static uint8_t page[SWAP_HEADER_PAGE_SIZE];
    static struct swap_header hdr;
    const uint32_t bad[] = {7, 1, 40, 8};

    make_header(page, 40, bad, 4);
    ck_assert_int_eq(swap_header_parse(page, sizeof page, 64, &hdr), 0);
    /* What the swap glue will do, as swap_map.h shows it. */
    setup(hdr.last_page + 1);
    for (uint32_t i = 0; i < hdr.nr_badpages; i++)
        expect_int_eq(swap_map_mark_bad(&map, hdr.badpages[i]), SWAP_MAP_OK);
    expect_uint_eq(swap_map_nr_bad(&map), 4);
    expect_uint_eq(swap_map_nr_usable(&map), hdr.usable_pages);
    expect_clean();

    uint32_t s, n = 0;
    while ((s = swap_map_alloc(&map)) != SWAP_MAP_NONE) {
        expect_msg(!swap_header_page_is_bad(&hdr, s), "bad page %u handed out", s);
        expect_uint_eq(swap_map_count(&map, s), 1);
        n++;
    }
    expect_uint_eq(n, hdr.usable_pages);
    expect_int_eq(swap_map_dup(&map, 7), SWAP_MAP_E_BAD);
    expect_int_eq(swap_map_put(&map, 40), SWAP_MAP_E_BAD);
    expect_int_eq(swap_map_mark_bad(&map, 8), SWAP_MAP_E_ALREADY_BAD);
    expect_clean();
}
END_TEST

START_TEST(references_count_up_and_down)
{
    setup(9);
    uint32_t s = swap_map_alloc(&map); /* swapped out: the PTE names it */
    expect_uint_eq(s, 1);
    expect_int_eq(swap_map_dup(&map, s), SWAP_MAP_OK); /* fork: the child's PTE */
    expect_int_eq(swap_map_dup(&map, s), SWAP_MAP_OK); /* the swap cache, on swap-in */
    expect_uint_eq(swap_map_count(&map, s), 3);
    expect_uint_eq(swap_map_nr_in_use(&map), 1);
    expect_int_eq(swap_map_put(&map, s), SWAP_MAP_OK);
    expect_int_eq(swap_map_put(&map, s), SWAP_MAP_OK);
    expect_uint_eq(swap_map_count(&map, s), 1);
    expect_uint_eq(swap_map_nr_in_use(&map), 1);
    expect_int_eq(swap_map_put(&map, s), SWAP_MAP_OK);
    expect_uint_eq(swap_map_count(&map, s), 0);
    expect_uint_eq(swap_map_nr_in_use(&map), 0);
    expect_uint_eq(swap_map_nr_free(&map), 8);
    expect_clean();
}
END_TEST

START_TEST(double_free_is_refused_and_changes_nothing)
{
    setup(9);
    uint32_t a = swap_map_alloc(&map), b = swap_map_alloc(&map);
    expect_int_eq(swap_map_put(&map, a), SWAP_MAP_OK);

    struct swap_map before = map;
    uint8_t before_counts[sizeof counts];
    memcpy(before_counts, counts, sizeof counts);
    expect_int_eq(swap_map_put(&map, a), SWAP_MAP_E_FREE);
    expect_int_eq(swap_map_dup(&map, a), SWAP_MAP_E_FREE); /* a stale PTE copied by fork */
    expect_int_eq(swap_map_put(&map, 5), SWAP_MAP_E_FREE); /* never handed out */
    ck_assert_str_eq(swap_map_reason_name(SWAP_MAP_E_FREE), "slot is free (double put?)");
    expect(memcmp(&map, &before, sizeof map) == 0);
    expect(memcmp(counts, before_counts, sizeof counts) == 0);
    expect_uint_eq(swap_map_count(&map, b), 1);
    expect_clean();
}
END_TEST

START_TEST(count_stops_at_its_maximum)
{
    setup(3);
    uint32_t s = swap_map_alloc(&map);
    for (uint32_t i = 1; i < SWAP_MAP_MAX_COUNT; i++)
        expect_int_eq(swap_map_dup(&map, s), SWAP_MAP_OK);
    expect_uint_eq(swap_map_count(&map, s), SWAP_MAP_MAX_COUNT);
    expect_int_eq(swap_map_dup(&map, s), SWAP_MAP_E_MAX_COUNT);
    expect_uint_eq(swap_map_count(&map, s), SWAP_MAP_MAX_COUNT);
    expect_clean();
    /* A slot marked bad while at the maximum still refuses, and still frees. */
    expect_int_eq(swap_map_mark_bad(&map, s), SWAP_MAP_OK);
    expect_int_eq(swap_map_dup(&map, s), SWAP_MAP_E_MAX_COUNT);
    expect_clean();
    for (uint32_t i = 0; i < SWAP_MAP_MAX_COUNT; i++)
        expect_int_eq(swap_map_put(&map, s), SWAP_MAP_OK);
    expect(swap_map_is_bad(&map, s));
    expect_uint_eq(swap_map_nr_bad(&map), 1);
    expect_clean();
}
END_TEST

START_TEST(full_map_returns_none)
{
    uint32_t got;
    setup(4);
    expect_int_eq(swap_map_mark_bad(&map, 2), SWAP_MAP_OK);
    expect_uint_eq(swap_map_alloc(&map), 1);
    expect_uint_eq(swap_map_alloc(&map), 3);
    expect_uint_eq(swap_map_nr_free(&map), 0);
    uint32_t cursor = map.cursor;
    expect_uint_eq(swap_map_alloc(&map), SWAP_MAP_NONE);
    expect_uint_eq(alloc_run(4, &got), SWAP_MAP_NONE);
    expect_uint_eq(got, 0);
    expect_uint_eq(map.cursor, cursor);
    expect_int_eq(swap_map_put(&map, 1), SWAP_MAP_OK);
    expect_uint_eq(swap_map_alloc(&map), 1);
    expect_clean();
}
END_TEST

START_TEST(runs_are_adjacent_and_follow_each_other)
{
    uint32_t got;
    setup(33);
    expect_uint_eq(alloc_run(8, &got), 1);
    expect_uint_eq(got, 8);
    expect_uint_eq(alloc_run(8, &got), 9);
    expect_uint_eq(got, 8);
    expect_uint_eq(map.cursor, 17);
    for (uint32_t s = 1; s <= 16; s++)
        expect_uint_eq(swap_map_count(&map, s), 1);
    expect_uint_eq(swap_map_count(&map, 17), 0);
    expect_uint_eq(alloc_run(0, &got), SWAP_MAP_NONE); /* asking for nothing */
    expect_uint_eq(got, 0);
    expect_uint_eq(swap_map_nr_in_use(&map), 16);
    expect_clean();
}
END_TEST

START_TEST(run_across_a_bad_slot_splits)
{
    uint32_t got;
    setup(11);
    expect_int_eq(swap_map_mark_bad(&map, 4), SWAP_MAP_OK);
    expect_int_eq(swap_map_mark_bad(&map, 9), SWAP_MAP_OK);
    /* Free runs: 1-3, 5-8, 10. No run of 6: the longest, 5-8, is taken. */
    expect_uint_eq(alloc_run(6, &got), 5);
    expect_uint_eq(got, 4);
    expect_uint_eq(map.cursor, 9);
    /* From the cursor: 10 is the first run met, but too short; the search
     * wraps and finds 1-3. */
    expect_uint_eq(alloc_run(2, &got), 1);
    expect_uint_eq(got, 2);
    /* Only 3 and 10 are left, runs of one: the first met from the cursor. */
    expect_uint_eq(alloc_run(2, &got), 3);
    expect_uint_eq(got, 1);
    expect_uint_eq(map.cursor, 4); /* docs/09-disks.md, exercise 2 */
    expect_uint_eq(alloc_run(2, &got), 10);
    expect_uint_eq(got, 1);
    expect_uint_eq(alloc_run(2, &got), SWAP_MAP_NONE);
    expect_clean();
}
END_TEST

START_TEST(run_does_not_wrap_from_the_last_slot)
{
    uint32_t got;
    setup(9);
    expect_uint_eq(alloc_run(6, &got), 1); /* slots 1-6; 7-8 free */
    expect_int_eq(swap_map_put(&map, 1), SWAP_MAP_OK);
    expect_int_eq(swap_map_put(&map, 2), SWAP_MAP_OK);
    /* 7, 8, 1, 2 follow each other in the search, but not on the disk. */
    expect_uint_eq(map.cursor, 7);
    expect_uint_eq(alloc_run(4, &got), 7);
    expect_uint_eq(got, 2);
    expect_uint_eq(map.cursor, 1);
    expect_clean();
}
END_TEST

START_TEST(cursor_wraps_to_the_first_slot)
{
    setup(6);
    for (uint32_t s = 1; s <= 5; s++)
        expect_uint_eq(swap_map_alloc(&map), s);
    expect_uint_eq(map.cursor, 1); /* past the last slot */
    expect_int_eq(swap_map_put(&map, 4), SWAP_MAP_OK);
    expect_int_eq(swap_map_put(&map, 2), SWAP_MAP_OK);
    expect_uint_eq(swap_map_alloc(&map), 2);
    expect_uint_eq(map.cursor, 3);
    expect_int_eq(swap_map_put(&map, 1), SWAP_MAP_OK);
    /* Next fit: 4 comes before 1, which is behind the cursor. */
    expect_uint_eq(swap_map_alloc(&map), 4);
    expect_uint_eq(map.cursor, 5);
    expect_uint_eq(swap_map_alloc(&map), 1);
    expect_uint_eq(map.cursor, 2);
    expect_clean();
}
END_TEST

START_TEST(slot_in_use_marked_bad_turns_bad_at_its_last_put)
{
    setup(5);
    uint32_t s = swap_map_alloc(&map);
    expect_int_eq(swap_map_dup(&map, s), SWAP_MAP_OK);
    expect_int_eq(swap_map_mark_bad(&map, s), SWAP_MAP_OK); /* its write failed */
    expect(swap_map_is_bad(&map, s));
    expect_uint_eq(swap_map_count(&map, s), 2);
    expect_uint_eq(counts[s], SWAP_MAP_FAILING + 2);
    expect_uint_eq(swap_map_nr_bad(&map), 0); /* not yet: it is in use */
    expect_uint_eq(swap_map_nr_in_use(&map), 1);
    expect_int_eq(swap_map_mark_bad(&map, s), SWAP_MAP_E_ALREADY_BAD);
    expect_int_eq(swap_map_dup(&map, s), SWAP_MAP_OK); /* fork still works */
    expect_clean();
    for (int i = 0; i < 3; i++)
        expect_int_eq(swap_map_put(&map, s), SWAP_MAP_OK);
    expect_uint_eq(counts[s], SWAP_MAP_BAD);
    expect_uint_eq(swap_map_nr_bad(&map), 1);
    expect_uint_eq(swap_map_nr_in_use(&map), 0);
    expect_uint_eq(swap_map_nr_usable(&map), 3);
    expect_int_eq(swap_map_put(&map, s), SWAP_MAP_E_BAD);
    expect_clean();
    for (uint32_t i = 0; i < 3; i++)
        expect_uint_ne(swap_map_alloc(&map), s);
    expect_uint_eq(swap_map_alloc(&map), SWAP_MAP_NONE);
}
END_TEST

START_TEST(check_finds_each_broken_invariant)
{
    uint32_t value;
    setup(9);
    swap_map_alloc(&map);
    swap_map_mark_bad(&map, 5);
    expect_clean();

    counts[0] = 0;
    expect_int_eq(swap_map_check(&map, &value), SWAP_MAP_I_HEADER);
    counts[0] = SWAP_MAP_BAD;
    counts[7] = SWAP_MAP_FAILING;
    expect_int_eq(swap_map_check(&map, &value), SWAP_MAP_I_ENTRY);
    expect_uint_eq(value, 7);
    counts[7] = SWAP_MAP_MAX_COUNT + 1;
    expect_int_eq(swap_map_check(&map, NULL), SWAP_MAP_I_ENTRY);
    counts[7] = 1; /* in use, but not counted */
    expect_int_eq(swap_map_check(&map, &value), SWAP_MAP_I_IN_USE);
    expect_uint_eq(value, 1);
    counts[7] = SWAP_MAP_BAD;
    expect_int_eq(swap_map_check(&map, &value), SWAP_MAP_I_BAD);
    expect_uint_eq(value, 1);
    counts[7] = SWAP_MAP_FREE;
    map.cursor = 9;
    expect_int_eq(swap_map_check(&map, &value), SWAP_MAP_I_CURSOR);
    expect_uint_eq(value, 9);
    map.cursor = 0;
    expect_int_eq(swap_map_check(&map, NULL), SWAP_MAP_I_CURSOR);
    map.cursor = 1;
    map.nslots = 1;
    expect_int_eq(swap_map_check(&map, &value), SWAP_MAP_I_SIZE);
    map.nslots = 9;
    expect_clean();
}
END_TEST

START_TEST(every_reason_has_its_own_name)
{
    for (int i = 0; i < SWAP_MAP_NR_REASONS; i++) {
        const char *name = swap_map_reason_name((enum swap_map_reason)i);
        expect_msg(strcmp(name, "unknown reason") != 0, "reason %d has no name", i);
        for (int j = 0; j < i; j++)
            expect_msg(strcmp(name, swap_map_reason_name((enum swap_map_reason)j)) != 0,
                       "reasons %d and %d share the name \"%s\"", j, i, name);
    }
    ck_assert_str_eq(swap_map_reason_name(SWAP_MAP_NR_REASONS), "unknown reason");
}
END_TEST

static struct model m;

START_TEST(random_against_model)
{
    uint64_t rng = 0x5107ACE5ull;
    memset(&m, 0, sizeof m);
    m.next = unit_random_choice;
    m.src = &rng;
    for (int step = 0; step < MODEL_STEPS; step++) {
        if (step % EPOCH_STEPS == 0)
            model_start(&m);
        model_step(&m);
    }
    model_finish(&m);
    unit_expect_cases("SWAP_MAP_MODEL_STATS", model_stat_names, m.stats, ST_COUNT, 100);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("swap_map");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, init_sets_every_slot_free_but_the_header);
    tcase_add_test(tc, init_refuses_a_size_that_cannot_be);
    tcase_add_test(tc, header_slot_is_never_handed_out);
    tcase_add_test(tc, bad_pages_of_the_header_are_never_handed_out);
    tcase_add_test(tc, references_count_up_and_down);
    tcase_add_test(tc, double_free_is_refused_and_changes_nothing);
    tcase_add_test(tc, count_stops_at_its_maximum);
    tcase_add_test(tc, full_map_returns_none);
    tcase_add_test(tc, runs_are_adjacent_and_follow_each_other);
    tcase_add_test(tc, run_across_a_bad_slot_splits);
    tcase_add_test(tc, run_does_not_wrap_from_the_last_slot);
    tcase_add_test(tc, cursor_wraps_to_the_first_slot);
    tcase_add_test(tc, slot_in_use_marked_bad_turns_bad_at_its_last_put);
    tcase_add_test(tc, check_finds_each_broken_invariant);
    tcase_add_test(tc, every_reason_has_its_own_name);
    suite_add_tcase(s, tc);
    TCase *model = tcase_create("model");
    tcase_add_test(model, random_against_model);
    tcase_set_timeout(model, 60);
    suite_add_tcase(s, model);
    return unit_run(s);
}
