/* hugeheap: a heap of almost 3 GiB, of which only a few pages are ever
 * touched. The kernel must not pay for its size: fork, the shell's ps and
 * vmmap, and sbrk giving it back walk the page tables that exist, not every
 * page of the area (with interrupts off, a walk of 750,000 pages would
 * stall the whole machine for about a second each time). */
#include "libc.h"

#define FORKS 500

int main(void)
{
    char *start = sbrk(0);
    uint32_t size = 0;
    while (sbrk(1 << 30) != (void *)-1)
        size += 1u << 30;
    while (sbrk(4 << 20) != (void *)-1)
        size += 4u << 20;
    start[0] = 1;
    start[size / 2] = 2;
    start[size - 1] = 3;
    for (int i = 0; i < FORKS; i++) {
        int pid = fork();
        if (pid == 0)
            exit(start[0] + start[size / 2] + start[size - 1] == 6 ? 0 : 1);
        int status = -1;
        wait(&status);
        if (pid < 0 || status != 0) {
            printf("hugeheap: fork %d failed: pid %d, status %d\n", i, pid, status);
            return 1;
        }
    }
    printf("hugeheap: %u MiB heap, 3 pages touched, forked %d times\n", size >> 20, FORKS);
    sleep(2000); /* time for the shell's ps and vmmap */
    sbrk(-(int)(size / 2));
    sbrk(-(int)(size - size / 2));
    printf("hugeheap: heap given back\n");
    return 0;
}
