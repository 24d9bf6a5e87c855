/* cowpage: one page of copy-on-write, frame by frame. The page is written
 * (a private copy of the program file's page), then shared by fork: the
 * child's write copies it (cow-copy), and the parent's write after the child
 * has gone finds itself the only owner and keeps the frame (cow-reuse).
 * Then the reverse: after a second fork, the parent writes first and gets
 * the copy, and the child still reads the old byte. probe() shows the frame and its reference count at each step. Exits 0
 * when every step did what copy-on-write promises. */
#include "libc.h"

static char page[4096] __attribute__((aligned(4096))) = {1}; /* in .data */

static struct probe look(void)
{
    struct probe p;
    probe(page, &p);
    return p;
}

int main(void)
{
    page[0] = 'P';
    struct probe before = look();
    printf("cowpage: before fork: frame 0x%x, %u reference, pte 0x%x\n", before.frame, before.refs,
           before.pte);
    int pid = fork();
    if (pid == 0) {
        struct probe shared = look();
        page[0] = 'C';
        struct probe mine = look();
        printf("cowpage: child: shared frame 0x%x (%u references, pte 0x%x), after its write "
               "frame 0x%x (%u reference, pte 0x%x)\n",
               shared.frame, shared.refs, shared.pte, mine.frame, mine.refs, mine.pte);
        exit(shared.frame == before.frame && shared.refs == 2 && mine.frame != before.frame &&
                     mine.refs == 1
                 ? 0
                 : 1);
    }
    int status = -1;
    wait(&status);
    struct probe alone = look();
    page[0] = 'Q';
    struct probe after = look();
    printf("cowpage: parent: alone with frame 0x%x (%u reference, pte 0x%x), after its write "
           "frame 0x%x (pte 0x%x)\n",
           alone.frame, alone.refs, alone.pte, after.frame, after.pte);
    bool ok = status == 0 && alone.refs == 1 && after.frame == before.frame;

    /* The other way round: the parent writes while the child still shares
     * the page, and the child must go on reading the old byte. */
    pid = fork();
    if (pid == 0) {
        sleep(50); /* the parent writes meanwhile */
        exit(page[0] == 'Q' ? 0 : 1);
    }
    struct probe shared = look();
    page[0] = 'R';
    struct probe copy = look();
    wait(&status);
    printf("cowpage: parent wrote first: shared frame 0x%x (%u references) became its copy 0x%x; "
           "the child read the old byte: %s\n",
           shared.frame, shared.refs, copy.frame, status == 0 ? "yes" : "no");
    ok = ok && shared.refs == 2 && copy.frame != shared.frame && status == 0;
    printf("cowpage: %s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
