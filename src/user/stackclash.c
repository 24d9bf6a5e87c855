/* Grows the heap as close to the stack as the kernel allows, then recurses
 * with 16 KiB stack frames: a frame bigger than a page must not be able to
 * step over the end of the stack into the heap (the 1 MiB gap stops it). */
#include "libc.h"

static int deep(int depth)
{
    volatile char frame[16384];
    frame[0] = (char)depth;
    if (depth > 1000000) /* never reached: the kernel ends it first */
        return 0;
    return frame[0] + deep(depth + 1) + frame[100];
}

int main(void)
{
    /* Grow the heap by 1 MiB steps until the kernel says no. */
    int steps = 0;
    while (sbrk(1 << 20) != (void *)-1)
        steps++;
    printf("stackclash: heap grown %d MiB, up to %p; recursing with 16 KiB frames\n", steps,
           sbrk(0));
    return deep(0);
}
