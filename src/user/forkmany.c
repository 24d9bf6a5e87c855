/* forkmany [N [KIB]]: forks N children (default 64) that each fill KIB
 * kibibytes (default 64) of their own heap with a pattern of their own,
 * wait until every child has filled its part, and check every word. So all
 * N are alive and full at once: under a small userpages= budget their
 * pages go to swap and come back while the others run. The parent reports
 * how many failed. */
#include "libc.h"

static uint32_t pattern(uint32_t child, uint32_t word)
{
    return (child << 20 ^ word) * 2654435761u;
}

/* filled[i] is set by child i; each child writes only its own word, so no
 * update can be lost between them. */
static int child_main(uint32_t child, uint32_t words, volatile uint32_t *filled, uint32_t n)
{
    uint32_t *buf = sbrk((int)(words * 4));
    if (buf == (void *)-1) {
        filled[child] = 1; /* the others must not wait for it */
        return 2;
    }
    for (uint32_t w = 0; w < words; w++)
        buf[w] = pattern(child, w);
    filled[child] = 1;
    for (uint32_t other = 0; other < n; other++)
        while (!filled[other])
            sleep(10);
    uint32_t wrong = 0;
    for (uint32_t w = 0; w < words; w++)
        wrong += buf[w] != pattern(child, w);
    return wrong != 0;
}

int main(int argc, char **argv)
{
    uint32_t n = argc > 1 ? (uint32_t)atoi(argv[1]) : 64;
    uint32_t kib = argc > 2 ? (uint32_t)atoi(argv[2]) : 64;
    if (n > 1024) {
        printf("forkmany: at most 1024 children\n");
        return 1;
    }
    /* One word per child, in a page they all share. */
    volatile uint32_t *filled =
        (volatile uint32_t *)mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
    if ((long)filled < 0) {
        printf("forkmany: no shared page\n");
        return 1;
    }
    uint32_t forked = 0;
    for (; forked < n; forked++) {
        int pid = fork();
        if (pid == 0)
            exit(child_main(forked, kib * 256, filled, n));
        if (pid < 0) {
            printf("forkmany: fork %u returned %d\n", forked, pid);
            break;
        }
    }
    for (uint32_t i = forked; i < n; i++)
        filled[i] = 1; /* no child will: the others need not wait for it */
    uint32_t failed = 0;
    int status;
    for (uint32_t i = 0; i < forked; i++)
        if (wait(&status) < 0 || status != 0)
            failed++;
    printf("forkmany: %u children of %u KiB, %u failed\n", forked, kib, failed + (n - forked));
    return failed != 0 || forked != n;
}
