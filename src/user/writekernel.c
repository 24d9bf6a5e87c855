/* writekernel: user code writing to kernel memory must be killed: kernel
 * pages are not user accessible. */
#include "libc.h"

int main(void)
{
    volatile uintptr_t addr = 0xC0100000; /* the kernel's code */
    printf("writekernel: writing to 0xc0100000\n");
    *(volatile int *)addr = 0x12345678;
    printf("writekernel: survived\n");
    return 0;
}
