/* swapbench [MIB]: the swap benchmark's workload. One anonymous buffer of
 * MIB mebibytes (default 32): pass 1 writes one word into each page, pass 2
 * reads every page's word back and checks it. It prints a line as pass 1
 * starts and another as pass 2 ends; scripts/bench-swap.sh times the run
 * between the two lines as they reach the serial port. */
#include "libc.h"

#define PAGE 4096u

int main(int argc, char **argv)
{
    uint32_t mib = argc > 1 ? (uint32_t)atoi(argv[1]) : 32;
    uint32_t pages = mib * 256;
    uint32_t *buf = (uint32_t *)mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
                                     MAP_PRIVATE | MAP_ANONYMOUS);
    if ((long)buf < 0) {
        printf("swapbench: no room for %u MiB\n", mib);
        return 1;
    }
    printf("swapbench: start\n");
    for (uint32_t p = 0; p < pages; p++)
        buf[p * PAGE / 4] = p * 2654435761u ^ 0x5a5a5a5au;
    uint32_t wrong = 0;
    for (uint32_t p = 0; p < pages; p++)
        wrong += buf[p * PAGE / 4] != (p * 2654435761u ^ 0x5a5a5a5au);
    printf("swapbench: end, %u MiB, %u pages wrong\n", mib, wrong);
    return wrong != 0;
}
