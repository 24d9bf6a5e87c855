/* mmaptest: mmap, munmap and mprotect on anonymous memory, with probe() to
 * see what the page tables hold, and copy-on-write seen frame by frame.
 * Every check prints a line; a failed one says FAILED. */
#include "libc.h"

#define PAGE 4096u

static int failures;

static void check(const char *what, long got, long want)
{
    printf("mmaptest: %s: %ld%s\n", what, got, got == want ? "" : " FAILED");
    failures += got != want;
}

/* Runs fn in a child and returns its exit status (139: killed by a fault). */
static int in_child(void (*fn)(char *), char *p)
{
    int pid = fork();
    if (pid == 0) {
        fn(p);
        exit(0);
    }
    int status = -1;
    wait(&status);
    return status;
}

static void read_page(char *p)
{
    volatile char c = *p;
    (void)c;
}

static void write_page(char *p)
{
    *p = 1;
}

int main(void)
{
    int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
    check("mmap of 0 bytes", mmap(NULL, 0, rw, anon), -EINVAL);
    check("mmap with both MAP_SHARED and MAP_PRIVATE",
          mmap(NULL, PAGE, rw, MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS), -EINVAL);
    check("mmap with neither", mmap(NULL, PAGE, rw, MAP_ANONYMOUS), -EINVAL);
    check("MAP_FIXED at an unaligned address", mmap((void *)0x50000001, PAGE, rw, anon | MAP_FIXED),
          -EINVAL);
    check("mmap of 3.5 GiB", mmap(NULL, 0xE0000000u, rw, anon), -EINVAL);
    check("mmap of 2.5 GiB (no room)", mmap(NULL, 0xA0000000u, rw, anon), -ENOMEM);
    check("MAP_FIXED at 0x50000000", mmap((void *)0x50000000, 2 * PAGE, rw, anon | MAP_FIXED),
          0x50000000);
    check("a free hint is taken", mmap((void *)0x60000000, PAGE, rw, anon), 0x60000000);

    long a = mmap(NULL, 4 * PAGE, rw, anon);
    check("mmap of 4 pages lands at 1 GiB", a, 0x40000000);
    char *p = (char *)a;
    struct probe pr;
    probe(p, &pr);
    check("an untouched page is not present", pr.present, 0);
    for (unsigned i = 0; i < 4; i++)
        p[i * PAGE] = (char)('a' + i);
    probe(p, &pr);
    check("after a write it is present, writable, 1 reference",
          pr.present && (pr.pte & 2) && pr.refs == 1, 1);

    check("munmap of the second page", munmap(p + PAGE, PAGE), 0);
    check("reading the unmapped page kills", in_child(read_page, p + PAGE), EXIT_KILLED_SEGV);
    check("the pages around it are intact", p[0] == 'a' && p[2 * PAGE] == 'c', 1);
    check("mprotect of the first page to read-only", mprotect(p, PAGE, PROT_READ), 0);
    check("reading it still works", p[0], 'a');
    check("writing it kills", in_child(write_page, p), EXIT_KILLED_SEGV);
    check("mprotect over the hole", mprotect(p, 3 * PAGE, PROT_READ), -ENOMEM);
    check("mprotect back to read-write", mprotect(p, PAGE, rw), 0);
    p[0] = 'A';
    check("and writing works again", p[0], 'A');

    /* Copy-on-write, frame by frame. */
    struct probe before, after;
    probe(p + 2 * PAGE, &before);
    int pid = fork();
    if (pid == 0) {
        struct probe shared, mine;
        probe(p + 2 * PAGE, &shared);
        p[2 * PAGE] = 'z';
        probe(p + 2 * PAGE, &mine);
        exit(shared.frame == before.frame && (shared.pte & 0x200) && !(shared.pte & 2) &&
                     shared.refs == 2 && mine.frame != before.frame && (mine.pte & 2)
                 ? 0
                 : 1);
    }
    int status = -1;
    wait(&status);
    check("the child shared the frame read-only, then wrote its own copy", status, 0);
    probe(p + 2 * PAGE, &after);
    check("the parent keeps its frame and its data",
          after.frame == before.frame && p[2 * PAGE] == 'c' && after.refs == 1, 1);
    printf("mmaptest: %d failed\n", failures);
    return failures;
}
