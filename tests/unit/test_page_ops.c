/* Host tests of page_zero and page_copy (src/mem/page_ops.c): each of the
 * three methods fills or copies exactly the 4096 bytes of its page, every
 * one of them, and nothing on either side. */
#include "unit.h"

#include <string.h>

#include "mem/page_ops.h"

#define PAGE 4096
#define GUARD 64 /* bytes watched on each side of the page */

static const enum page_method methods[] = {PAGE_WORDS, PAGE_REP, PAGE_BYTES};
static const char *const names[] = {"words", "rep", "bytes"};

/* A page between two guard bands, aligned as a frame is. */
static _Alignas(PAGE) uint8_t area[PAGE + 2 * GUARD + PAGE];
#define PAGE_AT (area + PAGE) /* the page; guards at PAGE_AT - GUARD and PAGE_AT + PAGE */

static void fill_random(uint8_t *p, size_t n, uint64_t *rng)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)unit_random(rng);
}

/* The guard bands still hold the bytes `before` and `after` saved. */
static void expect_guards(const uint8_t *before, const uint8_t *after, const char *name)
{
    expect_msg(memcmp(PAGE_AT - GUARD, before, GUARD) == 0, "%s: wrote below the page", name);
    expect_msg(memcmp(PAGE_AT + PAGE, after, GUARD) == 0, "%s: wrote past the page", name);
}

START_TEST(test_zero)
{
    const char *name = names[_i];
    uint64_t rng = 0x1234567 + (uint64_t)_i;
    uint8_t before[GUARD], after[GUARD];

    fill_random(PAGE_AT - GUARD, PAGE + 2 * GUARD, &rng);
    for (size_t i = 0; i < PAGE; i += 97)
        PAGE_AT[i] |= 1; /* no byte of the sample is zero already */
    PAGE_AT[PAGE - 1] = 0xFF;
    memcpy(before, PAGE_AT - GUARD, GUARD);
    memcpy(after, PAGE_AT + PAGE, GUARD);
    page_zero(methods[_i], PAGE_AT);
    for (size_t i = 0; i < PAGE; i++)
        expect_msg(PAGE_AT[i] == 0, "%s: byte %zu is 0x%02x, not 0", name, i, PAGE_AT[i]);
    expect_guards(before, after, name);
}
END_TEST

START_TEST(test_copy)
{
    const char *name = names[_i];
    uint64_t rng = 0x7654321 + (uint64_t)_i;
    static uint8_t src[PAGE], want[PAGE];
    uint8_t before[GUARD], after[GUARD];

    fill_random(src, PAGE, &rng);
    fill_random(PAGE_AT - GUARD, PAGE + 2 * GUARD, &rng);
    memcpy(want, src, PAGE);
    memcpy(before, PAGE_AT - GUARD, GUARD);
    memcpy(after, PAGE_AT + PAGE, GUARD);
    page_copy(methods[_i], PAGE_AT, src);
    for (size_t i = 0; i < PAGE; i++)
        expect_msg(PAGE_AT[i] == want[i], "%s: byte %zu is 0x%02x, not 0x%02x", name, i,
                   PAGE_AT[i], want[i]);
    expect_msg(memcmp(src, want, PAGE) == 0, "%s: the source changed", name);
    expect_guards(before, after, name);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("page_ops");
    TCase *tc = tcase_create("core");
    int n = (int)(sizeof methods / sizeof methods[0]);
    tcase_add_loop_test(tc, test_zero, 0, n);
    tcase_add_loop_test(tc, test_copy, 0, n);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
