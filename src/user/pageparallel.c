/* pageparallel: four pagelinear processes at once (after Pintos's
 * page-parallel), each with its own 2 MiB. Exits 0 if all four did. */
#include "libc.h"

int main(void)
{
    static char names[4][16] = {"linear-0", "linear-1", "linear-2", "linear-3"};
    for (int i = 0; i < 4; i++) {
        if (fork() == 0) {
            char *argv[] = {"pagelinear", names[i], NULL};
            exec("pagelinear", argv);
            exit(127);
        }
    }
    int failed = 0;
    for (int i = 0; i < 4; i++) {
        int status = -1;
        wait(&status);
        failed += status != 0;
    }
    printf("pageparallel: %d of 4 failed\n", failed);
    return failed != 0;
}
