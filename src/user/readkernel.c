/* readkernel: user code may not even read kernel memory; the program is
 * killed. */
#include "libc.h"

int main(void)
{
    volatile uintptr_t addr = 0xC0110000;
    printf("readkernel: reading 0xc0110000\n");
    int v = *(volatile int *)addr;
    printf("readkernel: survived %x\n", v);
    return 0;
}
