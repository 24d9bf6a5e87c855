/* hugebss: a program whose .bss is 2.7 GiB. exec only creates the area, so
 * the program starts at once and costs what it touches: three pages here,
 * plus a page table for each 4 MiB region that had none (meminfo() counts
 * them). */
#include "libc.h"

#define SIZE (2700u << 20)

static uint8_t big[SIZE];

int main(void)
{
    struct meminfo before, after;
    meminfo(&before);
    uint32_t where[3] = {0, SIZE / 2, SIZE - 1}, tables = 0;
    uint32_t first_region = (uint32_t)big >> 22;
    for (int i = 0; i < 3; i++) {
        big[where[i]] = 1;
        tables += ((uint32_t)&big[where[i]] >> 22) != first_region; /* far apart: one each */
    }
    meminfo(&after);
    printf("hugebss: %u MiB of .bss at 0x%x, 3 pages touched: %u frames taken, expected %u\n",
           SIZE >> 20, (uint32_t)big, before.free - after.free, 3 + tables);
    return before.free - after.free != 3 + tables;
}
