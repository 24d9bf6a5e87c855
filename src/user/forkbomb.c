/* forkbomb: forking until the kernel says no must end in a clean refusal
 * (-EAGAIN or -ENOMEM), and every child must still be reapable. */
#include "libc.h"

#define MAX_FORKS 10000 /* a kernel that never refuses would take forever */

int main(void)
{
    int children = 0;
    int pid;
    for (;;) {
        if (children == MAX_FORKS) {
            printf("forkbomb: never refused\n");
            return 1;
        }
        pid = fork();
        if (pid == 0) {
            sleep(500); /* stay alive while the parent keeps forking */
            exit(0);
        }
        if (pid < 0)
            break;
        children++;
    }
    printf("forkbomb: %d children, then fork returned %d\n", children, pid);

    int reaped = 0, status;
    while (wait(&status) > 0)
        reaped++;
    printf("forkbomb: reaped %d children\n", reaped);

    return reaped == children && (pid == -EAGAIN || pid == -ENOMEM) ? 0 : 1;
}
