/* 64-bit division for a 32-bit CPU. i386 has no instruction that divides a
 * 64-bit number by a 64-bit number, so both clang and gcc turn `a / b` on
 * uint64_t into calls to these helpers, normally found in libgcc or
 * compiler-rt. A freestanding kernel has neither, so it brings its own.
 * The names and signatures are the compilers' ABI; the code is a plain
 * shift-and-subtract long division (one quotient bit per step). */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint64_t q = 0, r = 0;
    if (d == 0) {
        /* Division by zero is the caller's bug; trap like the CPU would. */
        __builtin_trap();
    }
    /* Fast path: both fit in 32 bits, one divl does it. */
    if ((n >> 32) == 0 && (d >> 32) == 0) {
        uint32_t n32 = (uint32_t)n, d32 = (uint32_t)d;
        if (rem)
            *rem = n32 % d32;
        return n32 / d32;
    }
    for (int bit = 63; bit >= 0; bit--) {
        r = (r << 1) | ((n >> bit) & 1);
        if (r >= d) {
            r -= d;
            q |= 1ULL << bit;
        }
    }
    if (rem)
        *rem = r;
    return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
    return __udivmoddi4(n, d, 0);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
    uint64_t r;
    __udivmoddi4(n, d, &r);
    return r;
}

/* Signed forms: divide the magnitudes; the quotient is negative when the signs
 * differ, the remainder takes the sign of the dividend (C99 6.5.5). */
static uint64_t magnitude(int64_t v)
{
    return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

int64_t __divdi3(int64_t n, int64_t d)
{
    uint64_t q = __udivmoddi4(magnitude(n), magnitude(d), 0);
    return (n < 0) != (d < 0) ? (int64_t)(0 - q) : (int64_t)q;
}

int64_t __moddi3(int64_t n, int64_t d)
{
    uint64_t r;
    __udivmoddi4(magnitude(n), magnitude(d), &r);
    return n < 0 ? (int64_t)(0 - r) : (int64_t)r;
}
