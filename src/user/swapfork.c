/* swapfork: fork under memory pressure. The parent fills 1 MiB, forks, and
 * both sides read every page in step: neither reads page p+1 before the
 * other has read page p (a counter each, in a MAP_SHARED page). Most pages
 * are in swap at the fork, still shared by copy-on-write, so the first side
 * to touch a page reads it from the disk and the second finds it in the
 * swap cache, whatever the timing. Then each writes its own half and checks
 * the whole buffer: its half new, the other half as it was before the
 * fork. */
#include "libc.h"

#define PAGE  4096u
#define PAGES 256u

static uint32_t before(uint32_t p)
{
    return p * 2654435761u ^ 0xa5a5a5a5u;
}

/* Pages wrong for the side that wrote half `mine` (0 or 1) with tag. */
static uint32_t check(const uint32_t *buf, uint32_t mine, uint32_t tag)
{
    uint32_t wrong = 0;
    for (uint32_t p = 0; p < PAGES; p++) {
        bool written = (p < PAGES / 2) == (mine == 0);
        wrong += buf[p * PAGE / 4] != (written ? before(p) + tag : before(p));
    }
    return wrong;
}

int main(void)
{
    /* read[0] and read[1]: how many pages the parent and the child have read. */
    volatile uint32_t *read =
        (volatile uint32_t *)mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
    uint32_t *buf = sbrk((int)(PAGES * PAGE));
    if ((long)read < 0 || buf == (void *)-1) {
        printf("swapfork: no memory\n");
        return 1;
    }
    for (uint32_t p = 0; p < PAGES; p++)
        buf[p * PAGE / 4] = before(p);
    int pid = fork();
    if (pid < 0) {
        printf("swapfork: fork failed: %d\n", pid);
        return 1;
    }
    uint32_t mine = pid == 0 ? 1 : 0, tag = pid == 0 ? 7 : 3, unchanged = 0;
    for (uint32_t p = 0; p < PAGES; p++) {
        unchanged += buf[p * PAGE / 4] == before(p);
        read[mine] = p + 1;
        while (read[1 - mine] < p + 1)
            yield();
    }
    for (uint32_t p = mine * PAGES / 2; p < (mine + 1) * PAGES / 2; p++)
        buf[p * PAGE / 4] = before(p) + tag;
    uint32_t wrong = check(buf, mine, tag) + (PAGES - unchanged);
    if (pid == 0)
        exit(wrong != 0);
    int status = -1;
    wait(&status);
    printf("swapfork: parent %u pages wrong, child exit status %d\n", wrong, status);
    return wrong != 0 || status != 0;
}
