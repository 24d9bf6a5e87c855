/* execer: exec() replaces the running program (here with hello) and hands
 * it new arguments; the pid stays the same. */
#include "libc.h"

int main(void)
{
    char *argv[] = {"hello", "via", "exec", NULL};
    printf("execer %d: exec hello\n", getpid());
    int rc = exec("hello", argv);
    printf("execer: exec failed %d\n", rc);
    return 1;
}
