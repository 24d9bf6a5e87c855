/* hello: the smallest program; shows that pids, the parent's pid and the
 * arguments from exec reach a user program. */
#include "libc.h"

int main(int argc, char **argv)
{
    printf("hello from pid %d (parent %d), argc %d\n", getpid(), getppid(), argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    return 0;
}
