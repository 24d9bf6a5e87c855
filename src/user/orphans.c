/* Makes 100 orphans: each child forks a grandchild and exits at once, so the
 * grandchild's parent is gone and pid 0 inherits it. If pid 0 did not collect
 * them, the process table (96 slots) would fill up and fork would fail. */
#include "libc.h"

int main(void)
{
    for (int i = 0; i < 100; i++) {
        int pid = fork();
        /* The table may be full for a while (another program is forking
         * until refused): wait for slots to come free, as a shell would. */
        for (int tries = 0; pid == -EAGAIN && tries < 500; tries++) {
            sleep(20);
            pid = fork();
        }
        if (pid < 0) {
            printf("orphans: fork %d failed with %d\n", i, pid);
            return 1;
        }
        if (pid == 0) {
            if (fork() == 0)
                exit(0); /* the grandchild: an orphan once its parent exits */
            exit(0);
        }
        int status;
        wait(&status);
    }
    printf("orphans: 100 orphans made\n");
    return 0;
}
