/* swapwait [MIB]: a process waiting for the swap disk lets the others run.
 * A child counts as fast as it can in a shared page while the parent
 * writes MIB mebibytes (default 4), one word per page, and reads them back;
 * under a small userpages= budget nearly every page read back is a swap-in.
 * For each read the parent notes whether the child's count moved. While the
 * parent waits for the disk the child should get the CPU, so the count
 * moves during most reads; if the kernel held the CPU through the disk's
 * work, it would move only when a time slice happens to end (about 1 read
 * in 100). The exit status is 1 if it moved during fewer than a quarter. */
#include "libc.h"

#define PAGE 4096u

int main(int argc, char **argv)
{
    uint32_t mib = argc > 1 ? (uint32_t)atoi(argv[1]) : 4;
    uint32_t pages = mib * 256;
    /* shared[0]: the child's count; shared[1]: set by the parent to stop it. */
    volatile uint32_t *shared =
        (volatile uint32_t *)mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
    uint32_t *buf = sbrk((int)(pages * PAGE));
    if ((long)shared < 0 || buf == (void *)-1) {
        printf("swapwait: no memory for %u MiB\n", mib);
        return 1;
    }
    int child = fork();
    if (child == 0) {
        while (!shared[1])
            shared[0]++;
        exit(0);
    }
    for (uint32_t p = 0; p < pages; p++)
        buf[p * PAGE / 4] = p * 2654435761u ^ 0x5a5a5a5au;
    uint32_t wrong = 0, moved = 0;
    for (uint32_t p = 0; p < pages; p++) {
        uint32_t before = shared[0];
        wrong += buf[p * PAGE / 4] != (p * 2654435761u ^ 0x5a5a5a5au);
        moved += shared[0] != before;
    }
    shared[1] = 1;
    int status = -1;
    wait(&status);
    printf("swapwait: %u MiB read back, %u pages wrong; the counting child ran during %u of %u "
           "reads\n",
           mib, wrong, moved, pages);
    return wrong != 0 || moved * 4 < pages;
}
