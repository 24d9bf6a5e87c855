/* swapfill [MIB [MS]]: writes MIB mebibytes (default 4), one word per page,
 * sleeps MS milliseconds (default 0) holding them, then reads every word
 * back. Run under a small userpages= budget, most of it
 * lives in swap; asked for more than memory and swap hold together, it is
 * killed for want of memory, and nothing else is harmed. */
#include "libc.h"

#define PAGE 4096u

int main(int argc, char **argv)
{
    uint32_t mib = argc > 1 ? (uint32_t)atoi(argv[1]) : 4;
    uint32_t pages = mib * 256;
    uint32_t *buf = sbrk((int)(pages * PAGE));
    if (buf == (void *)-1) {
        printf("swapfill: sbrk of %u MiB failed\n", mib);
        return 1;
    }
    for (uint32_t p = 0; p < pages; p++)
        buf[p * PAGE / 4] = p * 2654435761u ^ 0x5a5a5a5au;
    if (argc > 2)
        sleep((unsigned)atoi(argv[2]));
    uint32_t wrong = 0;
    for (uint32_t p = 0; p < pages; p++)
        wrong += buf[p * PAGE / 4] != (p * 2654435761u ^ 0x5a5a5a5au);
    printf("swapfill: %u MiB written and read back: %u pages wrong\n", mib, wrong);
    return wrong != 0;
}
