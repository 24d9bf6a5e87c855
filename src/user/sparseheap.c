/* sparseheap: sbrk 64 MiB, then touch 1 MiB of it, one page every 256 KiB.
 * Only the touched pages take frames: exactly 256, plus one page table for
 * each 4 MiB region touched that had none (meminfo() counts them). */
#include "libc.h"

#define HEAP   (64u << 20)
#define STRIDE (256u << 10)

int main(void)
{
    struct meminfo before, after;
    meminfo(&before);
    uint8_t *heap = sbrk((int)HEAP);
    if (heap == (void *)-1) {
        printf("sparseheap: sbrk of 64 MiB failed\n");
        return 1;
    }
    struct meminfo grown;
    meminfo(&grown);
    uint32_t touched = 0, tables = 0, last_region = (uint32_t)heap >> 22;
    for (uint32_t off = 0; off < HEAP; off += STRIDE) {
        uint32_t region = ((uint32_t)heap + off) >> 22;
        /* The region holding the start of the heap holds the program too:
         * its table exists already. */
        if (region != last_region) {
            tables++;
            last_region = region;
        }
        heap[off] = 1;
        touched++;
    }
    meminfo(&after);
    uint32_t taken = before.free - after.free, want = touched + tables;
    printf("sparseheap: sbrk took %u frames; %u pages touched in %u new tables: %u frames "
           "taken, expected %u\n",
           before.free - grown.free, touched, tables, taken, want);
    return taken != want || grown.free != before.free;
}
