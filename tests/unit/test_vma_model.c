/* The VM-area core (src/mem/vma.c) against a page-by-page model: a million
 * random inserts, unmaps, protects, finds and free-range searches over small
 * windows of addresses (at 0, at the top of the address space, and between),
 * each answer predicted by the model in tests/unit/vma_model.h and the whole
 * list checked against it after every step. The sequence is fixed, so a
 * failure names a step that happens again on the next run.
 *
 * VMA_MODEL_STATS=1 prints how often each case came up. */
#include "unit.h"

#define VMA_MODEL_FAIL(message) ck_abort_msg("%s", message)
#include "vma_model.h"

#define STEPS       1000000
#define EPOCH_STEPS 4000 /* then a fresh list over a new window */

static struct model m;

START_TEST(random_against_model)
{
    uint64_t rng = 0x5EED0F0A11A5ull;
    memset(&m, 0, sizeof m);
    m.next = unit_random_choice;
    m.src = &rng;
    for (int step = 0; step < STEPS; step++) {
        if (step % EPOCH_STEPS == 0)
            model_start(&m);
        model_step(&m);
    }
    unit_expect_cases("VMA_MODEL_STATS", model_stat_names, m.stats, ST_COUNT, 100);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vma_model");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, random_against_model);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
