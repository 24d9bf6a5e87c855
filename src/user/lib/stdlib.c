/* The small rest of <stdlib.h>. */
#include "libc.h"

int atoi(const char *s)
{
    while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        s++;
    bool negative = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    /* Accumulate as unsigned so that overflow wraps instead of being
     * undefined (atoi does not report it anyway). */
    unsigned v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (unsigned)(*s++ - '0');
    return (int)(negative ? 0u - v : v);
}

void abort(void)
{
    exit(134); /* 128 + SIGABRT (6), what a Unix shell reports for abort() */
}

uint32_t random_next(uint32_t *state)
{
    /* Marsaglia's xorshift32: fast, and repeatable from the same seed,
     * which is what a test wants. A zero state would stay zero. */
    uint32_t x = *state ? *state : 1;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}
