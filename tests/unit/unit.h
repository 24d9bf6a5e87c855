/* What every host test program in tests/unit/ shares. */
#ifndef TESTS_UNIT_H
#define TESTS_UNIT_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Runs every test of suite s and returns main()'s exit status. CK_ENV lets
 * CK_VERBOSITY choose the output: scripts/test.sh asks for one line a test. */
static inline int unit_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* check's own ck_assert_* log every assertion that passes, which makes a
 * million-step loop spend its time writing a log. These report a failure the
 * same way (file, line, both values) and cost nothing when they pass. */
#define expect_cmp(T, FMT, X, OP, Y)                                                               \
    do {                                                                                           \
        T _x = (T)(X), _y = (T)(Y);                                                                \
        if (!(_x OP _y))                                                                           \
            ck_abort_msg("Assertion '%s' failed: %s == " FMT ", %s == " FMT, #X " " #OP " " #Y,    \
                         #X, _x, #Y, _y);                                                          \
    } while (0)
#define expect_uint_eq(X, Y) expect_cmp(uintmax_t, "%ju", X, ==, Y)
#define expect_uint_ne(X, Y) expect_cmp(uintmax_t, "%ju", X, !=, Y)
#define expect_uint_lt(X, Y) expect_cmp(uintmax_t, "%ju", X, <, Y)
#define expect_uint_le(X, Y) expect_cmp(uintmax_t, "%ju", X, <=, Y)
#define expect_uint_gt(X, Y) expect_cmp(uintmax_t, "%ju", X, >, Y)
#define expect_uint_ge(X, Y) expect_cmp(uintmax_t, "%ju", X, >=, Y)
#define expect_int_eq(X, Y)  expect_cmp(intmax_t, "%jd", X, ==, Y)
#define expect_msg(C, ...)                                                                         \
    do {                                                                                           \
        if (!(C))                                                                                  \
            ck_abort_msg(__VA_ARGS__);                                                             \
    } while (0)
#define expect(C) expect_msg(C, "Assertion '%s' failed", #C)

/* A fixed xorshift64 generator, so that every run checks the same numbers.
 * *state must start non-zero. */
static inline uint64_t unit_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* For the random tests against a model (vma_model.h, swap_map_model.h),
 * which take their choices from a function: the high half of unit_random.
 * Pass the generator's state as the function's argument. */
static inline uint32_t unit_random_choice(void *state)
{
    return (uint32_t)(unit_random(state) >> 32);
}

/* The end of a random test against a model: prints how often each of its n
 * cases came up if the environment variable env is set, then fails unless
 * each came up at least min times, as a run that never reaches a case
 * proves less than it seems to. */
static inline void unit_expect_cases(const char *env, const char *const names[],
                                     const unsigned long counts[], int n, unsigned long min)
{
    if (getenv(env))
        for (int i = 0; i < n; i++)
            printf("%-20s %lu\n", names[i], counts[i]);
    for (int i = 0; i < n; i++)
        expect_msg(counts[i] >= min, "case '%s' came up only %lu times", names[i], counts[i]);
}

#endif
