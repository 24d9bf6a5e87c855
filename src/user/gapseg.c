/* gapseg: a program the loader must refuse. Its link map (src/user/gapseg.ld)
 * puts its data in the unmapped gap below the stack, where no segment may
 * reach; exec names the segment and the gap. */
#include "libc.h"

int counter = 1; /* in .data, so the data segment exists */

int main(void)
{
    printf("gapseg: loaded with data at %p, inside the stack's gap\n", (void *)&counter);
    return 1;
}
