/* Asks write() for 4 MiB at once: the kernel writes at most WRITE_MAX (4 KiB)
 * per call, so one call cannot stall the machine or touch every page. */
#include "libc.h"

int main(void)
{
    int n = 4 << 20;
    char *heap = sbrk(n);
    if (heap == (void *)-1) {
        printf("bigwrite: sbrk failed\n");
        return 1;
    }
    for (int i = 0; i < WRITE_MAX; i++)
        heap[i] = (i % 64) == 63 ? '\n' : '.';
    long got = write(1, heap, (size_t)n);
    printf("bigwrite: write of %d bytes returned %ld\n", n, got);
    return got == WRITE_MAX ? 0 : 1;
}
