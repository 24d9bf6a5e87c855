/* readnull: reading address 0 must kill the program (page 0 is never
 * mapped), not the kernel. */
#include "libc.h"

int main(void)
{
    /* Through a volatile variable, so the compiler cannot see that the
     * pointer is NULL and replace the read with a trap of its own. */
    volatile uintptr_t addr = 0;
    printf("readnull: reading address 0\n");
    int v = *(volatile int *)addr;
    (void)v;
    printf("readnull: survived\n");
    return 0;
}
