/* hugebss: a program whose .bss is 2.7 GiB (two arrays of 1350 MiB: one C
 * object may not be larger than 2 GiB on i386). exec only creates the
 * area, so the program starts at once and costs what it touches: three
 * pages here, plus a page table for each 4 MiB region that had none
 * (meminfo() counts them). */
#include "libc.h"

#define HALF (1350u << 20)

static uint8_t lower[HALF], upper[HALF];

int main(void)
{
    struct meminfo before, after;
    meminfo(&before);
    uint8_t *touch[3] = {&lower[0], &upper[0], &upper[HALF - 1]};
    uint32_t regions[3], tables = 0;
    for (int i = 0; i < 3; i++) {
        *touch[i] = 1;
        /* A region needs a new table unless the program's code (at
         * USER_BASE) or an earlier touch already has one there. */
        regions[i] = (uint32_t)touch[i] >> 22;
        bool known = regions[i] == USER_BASE >> 22;
        for (int j = 0; j < i; j++)
            known = known || regions[j] == regions[i];
        tables += !known;
    }
    meminfo(&after);
    printf("hugebss: %u MiB of .bss, 3 pages touched: %u frames taken, expected %u\n",
           2 * (HALF >> 20), before.free - after.free, 3 + tables);
    return before.free - after.free != 3 + tables;
}
