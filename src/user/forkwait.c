/* forkwait: fork() makes a child, wait() collects its exit status, and a
 * second wait() with no children left says -ECHILD. */
#include "libc.h"

int main(void)
{
    int pid = fork();
    if (pid < 0) {
        printf("forkwait: fork failed %d\n", pid);
        return 1;
    }
    if (pid == 0) {
        printf("child %d running\n", getpid());
        exit(42);
    }

    int status = -1;
    int got = wait(&status);
    printf("parent %d: child %d exited with status %d\n", getpid(), got, status);

    int dummy;
    int again = wait(&dummy);
    printf("parent %d: no more children (%d)\n", getpid(), again);

    return status == 42 && got == pid && again == -ECHILD ? 0 : 1;
}
