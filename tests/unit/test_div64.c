/* Host tests of the kernel's 64-bit division helpers (src/kernel/div64.c),
 * against the host CPU's own 64-bit division. */
#include "unit.h"
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void)
{
    return unit_random(&rng);
}

START_TEST(test_edges)
{
    ck_assert_uint_eq(__udivdi3(UINT64_MAX, 1), UINT64_MAX);
    ck_assert_uint_eq(__udivdi3(UINT64_MAX, UINT64_MAX), 1);
    ck_assert_uint_eq(__udivdi3(0, 7), 0);
    ck_assert_uint_eq(__umoddi3(UINT64_MAX, 10), 5);
    ck_assert_uint_eq(__udivdi3(UINT64_MAX, 10), 1844674407370955161ULL);
    ck_assert_uint_eq(__udivdi3(1ULL << 63, 1ULL << 32), 1ULL << 31);
    ck_assert_int_eq(__divdi3(INT64_MIN, 1), INT64_MIN);
    ck_assert_int_eq(__divdi3(-7, 2), -3); /* C truncates toward zero */
    ck_assert_int_eq(__moddi3(-7, 2), -1); /* remainder takes the dividend's sign */
    ck_assert_int_eq(__divdi3(7, -2), -3);
    ck_assert_int_eq(__moddi3(7, -2), 1);
}
END_TEST

START_TEST(test_random_against_hardware)
{
    for (int i = 0; i < 200000; i++) {
        uint64_t n = next(), d = next() >> (next() % 64);
        if (d == 0)
            d = 1;
        uint64_t r;
        expect_uint_eq(__udivmoddi4(n, d, &r), n / d);
        expect_uint_eq(r, n % d);
        int64_t sn = (int64_t)n, sd = (int64_t)d;
        if (sn == INT64_MIN && sd == -1)
            continue; /* overflows in C too */
        expect_int_eq(__divdi3(sn, sd), sn / sd);
        expect_int_eq(__moddi3(sn, sd), sn % sd);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("div64");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_edges);
    tcase_add_test(tc, test_random_against_hardware);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
