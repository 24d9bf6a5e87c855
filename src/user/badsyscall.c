/* badsyscall: system call numbers the kernel does not know (too big, zero,
 * negative) must return -ENOSYS, not crash or index past a table. */
#include "libc.h"

int main(void)
{
    long big = syscall5(999, 0, 0, 0, 0, 0);
    long zero = syscall5(0, 0, 0, 0, 0, 0);
    long negative = syscall5(-1, 0, 0, 0, 0, 0);
    printf("badsyscall: %ld %ld %ld\n", big, zero, negative);
    if (big != -ENOSYS || zero != -ENOSYS || negative != -ENOSYS) {
        printf("badsyscall: expected %d for each\n", -ENOSYS);
        return 1;
    }
    printf("badsyscall: ok\n");
    return 0;
}
