/* What every host test program in tests/unit/ shares. */
#ifndef TESTS_UNIT_H
#define TESTS_UNIT_H

#include <check.h>
#include <stdint.h>
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
