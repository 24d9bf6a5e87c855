/* writespan: write() of 2 bytes across a page boundary, the first page
 * present and old, the second in swap: mm_check_user brings the second
 * back, which may evict the first before console_putc reads it. */
#include "libc.h"
#define PAGE 4096u
#define PAIRS 100u
#define FILL 120u
int main(int argc, char **argv)
{
    uint32_t lo = argc > 1 ? (uint32_t)atoi(argv[1]) : 0;
    char *buf = sbrk((2 * PAIRS + FILL) * PAGE);
    for (uint32_t p = 0; p < 2 * PAIRS + FILL; p++) {
        buf[p * PAGE] = 'x';
        buf[p * PAGE + PAGE - 1] = 'y';
    }
    volatile char *filler = buf + 2 * PAIRS * PAGE;
    for (uint32_t k = 0; k < PAIRS; k++) {
        volatile char *P = buf + 2 * k * PAGE;
        (void)P[0];
        for (uint32_t j = 0; j < lo + k; j++)
            (void)filler[(j % FILL) * PAGE];
        write(1, (const char *)P + PAGE - 1, 2);
    }
    printf("\nwritespan: survived\n");
    return 0;
}
