/* stackoverflow: endless recursion runs into the unmapped gap below the
 * stack's limit (8 MiB unless stack= says otherwise), and the kernel kills
 * the program. On the way the stack area grows down, fault by fault. */
#include "libc.h"

static int recurse(int depth)
{
    /* 1 KiB per call; volatile so that every byte really is written. */
    volatile char array[1024];
    for (int i = 0; i < (int)sizeof array; i++)
        array[i] = (char)depth;
    if (depth % 1024 == 0)
        printf("depth %d\n", depth);
    /* Never true (the stack ends near depth 8192), but without a way out
     * compilers warn about infinite recursion. */
    if (depth == 1000000)
        return 0;
    /* Using the result after the call keeps it from being a tail call,
     * which the compiler could turn into a loop on the same frame. */
    return depth + recurse(depth + 1) + array[depth % 1024];
}

int main(void)
{
    printf("stackoverflow: recursing\n");
    recurse(0);
    printf("stackoverflow: survived\n");
    return 0;
}
