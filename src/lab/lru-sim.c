/* lru-sim: page faults of replacement policies on a page reference trace.
 * Everything is in cli.c; `lru-sim -h` says how to use it. */
#include <stdio.h>

#include "lab/cli.h"

int main(int argc, char **argv)
{
    return lru_sim_main(argc, argv, stdin, stdout, stderr);
}
