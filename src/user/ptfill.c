/* ptfill: page tables eat the memory user pages do not (swap keeps the
 * pages few but every swap entry keeps its table), then a first touch in a
 * new 4 MiB region needs a table that cannot be had. */
#include "libc.h"
#define PAGE   4096u
#define REGION (4u << 20)
#define NREG   384u
#define SPARE  16u
int main(void)
{
    volatile char *heap = sbrk((int)(NREG * REGION));
    if ((long)heap == -1 || (long)heap < 0) {
        printf("ptfill: sbrk failed\n");
        return 1;
    }
    for (uint32_t r = 0; r < NREG - SPARE; r++)
        heap[r * REGION] = 1;
    int kids = 0;
    for (;;) {
        int pid = fork();
        if (pid == 0) {
            sleep(20000);
            exit(0);
        }
        if (pid < 0)
            break;
        kids++;
    }
    struct meminfo m;
    meminfo(&m);
    printf("ptfill: %d children, fork failed; %u frames free\n", kids, m.free);
    volatile char *more = (volatile char *)mmap(0, 300 * REGION, PROT_READ | PROT_WRITE,
                                                 MAP_PRIVATE | MAP_ANONYMOUS);
    printf("ptfill: mmap at %p\n", (void *)more);
    for (uint32_t r = 0; r < 300; r++) {
        if (r % 25 == 0) {
            meminfo(&m);
            printf("ptfill: touching region %u of the mmap, %u frames free\n", r, m.free);
        }
        more[r * REGION] = 1;
    }
    printf("ptfill: all touched\n");
    return 0;
}
