/* bigdata: a 1 MiB initialised array in .data, of which one page is read.
 * Loading is lazy: exec only creates the areas, so the program costs the
 * pages it touches, not the size of its file. vmmap shows it while the
 * program sleeps. */
#include "libc.h"

char big[1 << 20] = {42}; /* not static: kept whole, in the file */

int main(void)
{
    printf("bigdata: big[0] = %d, %u KiB of data, one page touched\n", big[0],
           (unsigned)sizeof big / 1024);
    sleep(1000);
    return 0;
}
