/* cowfork: fork with copy-on-write, as xv6's cowtest does it.
 *
 * 1. The parent takes two thirds of the free memory and fills it. A fork
 *    that copied every page at once could not fit; with copy-on-write the
 *    child costs only the pages that get written. Done twice, so a leak of
 *    the first child's frames would make the second fork fail.
 * 2. Three processes write a quarter of memory each (xv6's threetest).
 * 3. The kernel writing into user memory breaks copy-on-write as a user
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

/* xv6's threetest: the parent and two children each write every page of a
 * buffer of a quarter of free memory, with patterns of their own, so that
 * three quarters end up in use; each checks that it reads back only its own
 * writes. Returns the number of processes that saw another's data. */
static int three_writers(void)
{
    struct meminfo m;
    meminfo(&m);
    uint32_t pages = (m.free - m.reserved) / 4;
    uint32_t *buf = sbrk((int)(pages * PAGE));
    if (buf == (void *)-1)
        return 3;
    for (uint32_t p = 0; p < pages; p++)
        buf[p * PAGE / 4] = pattern(p);
    int who = 0;
    for (int c = 1; c <= 2 && who == 0; c++)
        if (fork() == 0)
            who = c;
    for (uint32_t p = 0; p < pages; p++)
        buf[p * PAGE / 4] = pattern(p) + (uint32_t)who;
    uint32_t wrong = 0;
    for (uint32_t p = 0; p < pages; p++)
        wrong += buf[p * PAGE / 4] != pattern(p) + (uint32_t)who;
    if (who)
        exit(wrong != 0);
    int failed = wrong != 0;
    for (int c = 0; c < 2; c++) {
        int status = -1;
        wait(&status);
        failed += status != 0;
    }
    printf("cowfork: three processes each wrote %u pages (a quarter of free memory): %d saw "
           "another's data\n",
           pages, failed);
    sbrk(-(int)(pages * PAGE));
    return failed;
}

int main(void)
{
    if (three_writers())
        return 1;

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
