/* forknest: 100 rounds of nested forks (a chain four deep), where each
 * process writes its own copy-on-write page, yields a random number of
 * times and exits without waiting for its child: parents, children and
 * grandchildren end in random order, and the orphans go to pid 0 (after
 * xv6's fork tests). At the end every frame must be back. */
#include "libc.h"

#define ROUNDS 100
#define DEPTH  4

static uint32_t page[1024] __attribute__((aligned(4096))); /* in .bss */

/* The chain below a round's child: each process forks the next one down
 * (until the chain is DEPTH deep), then writes, yields and exits. */
static void chain(uint32_t seed)
{
    int d = 1;
    while (d + 1 < DEPTH && fork() == 0) {
        d++; /* the new child carries on one level down */
        seed = seed * 31 + 7;
    }
    const uint32_t mine = seed;
    page[d] = mine; /* a copy of its own */
    for (uint32_t n = random_next(&seed) % 8; n > 0; n--)
        yield();
    exit(page[d] == mine ? 0 : 1);
}

int main(void)
{
    struct meminfo before, after;
    page[0] = 1; /* present before the first fork, so every fork shares it */
    meminfo(&before);
    int failed = 0;
    uint32_t seed = 2024;
    for (int round = 0; round < ROUNDS; round++) {
        int pid = fork();
        if (pid == 0)
            chain(random_next(&seed));
        random_next(&seed);
        int status = -1;
        wait(&status);
        failed += status != 0;
    }
    /* The last grandchildren may still be finishing: give them time. */
    for (int tries = 0; tries < 50; tries++) {
        meminfo(&after);
        if (after.free == before.free)
            break;
        sleep(10);
    }
    printf("forknest: %d rounds, %d failed, %d frames not back\n", ROUNDS, failed,
           (int)before.free - (int)after.free);
    return failed || after.free != before.free;
}
