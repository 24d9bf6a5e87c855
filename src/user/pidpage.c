/* pidpage [ROUNDS]: every process running this program uses the same
 * virtual address for `page`; run several at once to show each has its own
 * physical page. Every second round sleeps 10 ms: the default 50 rounds
 * last a quarter of a second, 12000 about a minute, long enough to look at
 * the processes from the shell. */
#include "libc.h"

#define ROUNDS 50 /* without an argument */
#define WORDS  1024

/* Exactly one page, page aligned, in .bss: the same address in every copy. */
static volatile int page[WORDS] __attribute__((aligned(4096)));

static void fill(int pid)
{
    for (int i = 0; i < WORDS; i++)
        page[i] = pid;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : ROUNDS;
    int pid = getpid();
    printf("pidpage %d: page at %p\n", pid, (void *)page);
    fill(pid);
    for (int round = 0; round < rounds; round++) {
        /* Let the others run (and write their own pid) between checks. */
        if (round % 2)
            sleep(10);
        else
            yield();
        for (int i = 0; i < WORDS; i++) {
            int v = page[i];
            if (v != pid) {
                printf("pidpage %d: found %d at index %d\n", pid, v, i);
                return 1;
            }
        }
        fill(pid);
    }
    printf("pidpage %d: only my pid in the page at %p\n", pid, (void *)page);
    return 0;
}
