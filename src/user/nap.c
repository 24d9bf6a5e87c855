/* nap: sleeps for the milliseconds given as its argument (default 1000),
 * then exits. While it sleeps the shell waits and reads no commands, so
 * whatever is typed or piped meanwhile piles up in the serial input. */
#include "libc.h"

int main(int argc, char **argv)
{
    int ms = argc > 1 ? atoi(argv[1]) : 1000;
    sleep((unsigned)ms);
    printf("nap: slept %d ms\n", ms);
    return 0;
}
