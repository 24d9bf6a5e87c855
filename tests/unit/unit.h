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

#endif
