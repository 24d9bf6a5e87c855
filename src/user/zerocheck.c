/* zerocheck [MIB]: a fresh heap of MIB mebibytes (default 4) must read as
 * zeros, every byte, even right after other programs' pages went through
 * swap: no stale data may reach a page a process never wrote. */
#include "libc.h"

int main(int argc, char **argv)
{
    uint32_t mib = argc > 1 ? (uint32_t)atoi(argv[1]) : 4;
    const uint8_t *heap = sbrk((int)(mib << 20));
    if (heap == (void *)-1) {
        printf("zerocheck: sbrk of %u MiB failed\n", mib);
        return 1;
    }
    uint32_t nonzero = 0;
    for (uint32_t i = 0; i < (mib << 20); i++)
        nonzero += heap[i] != 0;
    printf("zerocheck: %u MiB of new heap, %u bytes not zero\n", mib, nonzero);
    return nonzero != 0;
}
