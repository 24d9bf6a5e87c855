/* cowfork: fork with copy-on-write, as xv6's cowtest does it.
 *
 * 1. The parent takes two thirds of the free memory and fills it. A fork
 *    that copied every page at once could not fit; with copy-on-write the
 *    child costs only the pages that get written. Done twice, so a leak of
 *    the first child's frames would make the second fork fail.
 * 2. The kernel writing into user memory breaks copy-on-write as a user
 *    write does: the parent has meminfo() write into a page it shares with
 *    its child, and the child must still see the old contents. */
#include "libc.h"

#define PAGE 4096u

static struct meminfo shared = {1, 2, 3}; /* in .data: shared after fork */

static uint32_t pattern(uint32_t page)
{
    return page * 2654435761u ^ 0x5a5a5a5au;
}

static int big_fork(int round, uint32_t *buf, uint32_t pages)
{
    int pid = fork();
    if (pid == 0) {
        buf[0] = 0xdeadbeef; /* one page copied, in the child only */
        exit(0);
    }
    if (pid < 0) {
        printf("cowfork: round %d: fork returned %d\n", round, pid);
        return 1;
    }
    int status = -1;
    wait(&status);
    for (uint32_t p = 0; p < pages; p++)
        if (buf[p * PAGE / 4] != pattern(p)) {
            printf("cowfork: round %d: page %u changed in the parent\n", round, p);
            return 1;
        }
    printf("cowfork: round %d: fork of %u pages ok, child status %d\n", round, pages, status);
    return status;
}

int main(void)
{
    struct meminfo m;
    meminfo(&m);
    uint32_t pages = (m.free - m.reserved) / 3 * 2;
    uint32_t *buf = sbrk((int)(pages * PAGE));
    if (buf == (void *)-1) {
        printf("cowfork: sbrk of %u pages failed\n", pages);
        return 1;
    }
    for (uint32_t p = 0; p < pages; p++)
        buf[p * PAGE / 4] = pattern(p);
    if (big_fork(1, buf, pages) || big_fork(2, buf, pages))
        return 1;

    int pid = fork();
    if (pid == 0) {
        sleep(100); /* the parent's meminfo() writes meanwhile */
        bool same = shared.total == 1 && shared.free == 2 && shared.reserved == 3;
        printf("cowfork: child sees %s after the kernel wrote the parent's copy\n",
               same ? "the old data" : "the PARENT'S data");
        exit(same ? 0 : 1);
    }
    meminfo(&shared);
    int status = -1;
    wait(&status);
    return status;
}
