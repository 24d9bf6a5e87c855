/* jumpkernel: user code may not run kernel code by jumping into it; the
 * instruction fetch faults and the program is killed. */
#include "libc.h"

int main(void)
{
    volatile uintptr_t addr = 0xC0100000;
    void (*fn)(void) = (void (*)(void))addr;
    printf("jumpkernel: calling 0xc0100000\n");
    fn();
    printf("jumpkernel: survived\n");
    return 0;
}
