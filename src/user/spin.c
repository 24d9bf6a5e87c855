/* spin: never ends by itself; a target for the shell's kill command. */
#include "libc.h"

int main(void)
{
    printf("spin %d: spinning\n", getpid());
    /* volatile so the loop really burns CPU between the yields. */
    for (volatile unsigned i = 1;; i++)
        if (i % 1000 == 0)
            yield();
}
