/* shmtest: shared memory between processes, both kinds: mmap(MAP_SHARED |
 * MAP_ANONYMOUS), inherited by children, and System V segments (shmget,
 * shmat, shmdt, shmctl). Every check prints a line; a failed one says
 * FAILED. With an argument, it stops before cleaning up and sleeps that many
 * milliseconds, so that the shell's ipcs and vmmap can look at it. */
#include "libc.h"

#define PAGE 4096u
#define KEY  0x1234

static int failures;

static void check(const char *what, long got, long want)
{
    printf("shmtest: %s: %ld%s\n", what, got, got == want ? "" : " FAILED");
    failures += got != want;
}

/* Waits for one child and returns its exit status. */
static int wait_one(void)
{
    int status = -1;
    wait(&status);
    return status;
}

/* Three children each fill a quarter of a shared mapping; the parent
 * fills the last one, then checks every word that all four wrote. */
static void quarters(void)
{
    const unsigned words = 4 * 3 * PAGE / 4; /* 12 pages, 3 per quarter */
    unsigned *w = (unsigned *)mmap(NULL, 12 * PAGE, PROT_READ | PROT_WRITE,
                                   MAP_SHARED | MAP_ANONYMOUS);
    for (unsigned q = 0; q < 4; q++) {
        if (q < 3 && fork() != 0)
            continue; /* the parent starts the next child */
        for (unsigned i = q * words / 4; i < (q + 1) * words / 4; i++)
            w[i] = i * 2654435761u;
        if (q < 3)
            exit(0);
    }
    int statuses = 0;
    for (int c = 0; c < 3; c++)
        statuses += wait_one();
    unsigned wrong = 0;
    for (unsigned i = 0; i < words; i++)
        wrong += w[i] != i * 2654435761u;
    check("three children and the parent each wrote a quarter: words wrong", wrong, 0);
    check("their exit statuses add up to", statuses, 0);
    check("munmap of the shared mapping", munmap(w, 12 * PAGE), 0);
}

/* mmap(MAP_SHARED) is shared with a child; MAP_PRIVATE is copy-on-write. */
static void shared_and_private(void)
{
    int rw = PROT_READ | PROT_WRITE;
    char *s = (char *)mmap(NULL, 2 * PAGE, rw, MAP_SHARED | MAP_ANONYMOUS);
    char *p = (char *)mmap(NULL, PAGE, rw, MAP_PRIVATE | MAP_ANONYMOUS);
    s[0] = 'p';
    p[0] = 'p';
    if (fork() == 0) {
        s[0] = 'c';
        s[PAGE] = 'C'; /* a page the parent never touched */
        p[0] = 'c';
        exit(0);
    }
    wait_one();
    check("the child's write to MAP_SHARED is seen", s[0], 'c');
    check("so is its first touch of another page", s[PAGE], 'C');
    check("the child's write to MAP_PRIVATE is not", p[0], 'p');
    struct probe pr;
    probe(s, &pr);
    check("the shared frame has 2 references (the mapping, the segment)", pr.refs, 2);
    munmap(s, 2 * PAGE);
    munmap(p, PAGE);
}

/* shmget's rules for keys, sizes and flags. */
static int keys(void)
{
    check("size 0", shmget(IPC_PRIVATE, 0, IPC_CREAT), -EINVAL);
    check("size over 16 MiB", shmget(IPC_PRIVATE, (16u << 20) + 1, IPC_CREAT), -EINVAL);
    check("a key nobody made, without IPC_CREAT", shmget(KEY, PAGE, 0), -ENOENT);
    int id = shmget(KEY, 3 * PAGE, IPC_CREAT | IPC_EXCL | 0600);
    check("a new key gives an id > 0", id > 0, 1);
    check("the same key with IPC_EXCL", shmget(KEY, PAGE, IPC_CREAT | IPC_EXCL), -EEXIST);
    check("the same key finds the same id", shmget(KEY, PAGE, 0), id);
    check("but not for a larger size", shmget(KEY, 4 * PAGE, 0), -EINVAL);
    int other = shmget(IPC_PRIVATE, PAGE, IPC_CREAT);
    check("IPC_PRIVATE always makes a new one", other > 0 && other != id, 1);
    check("removing it", shmctl(other, IPC_RMID, NULL), 0);
    check("removing it again", shmctl(other, IPC_RMID, NULL), -EINVAL);
    return id;
}

/* Two attachments of one segment in one process see the same bytes; a
 * child that attaches by key sees them too; IPC_STAT counts them. */
static void attachments(int id)
{
    char *a = (char *)shmat(id, NULL, 0);
    char *b = (char *)shmat(id, NULL, 0);
    check("two attachments at different addresses", a != b && (long)a > 0 && (long)b > 0, 1);
    a[5000] = 'x';
    check("written through one, read through the other", b[5000], 'x');
    struct shm_info info;
    check("IPC_STAT", shmctl(id, IPC_STAT, &info), 0);
    check("its size", info.size, 3 * PAGE);
    check("attachments", info.nattch, 2);
    check("resident pages", info.resident, 1);
    check("IPC_STAT to a wild pointer", shmctl(id, IPC_STAT, (struct shm_info *)0xC0000000), -EFAULT);
    check("an unknown shmctl command", shmctl(id, 99, &info), -EINVAL);
    if (fork() == 0) {
        char *c = (char *)shmat(shmget(KEY, 0, 0), NULL, 0);
        c[0] = 'k';
        struct shm_info in;
        shmctl(id, IPC_STAT, &in);
        exit(in.nattch == 5 ? 0 : 1); /* a and b (inherited), a and b (parent), c */
    }
    check("a child attached by key saw 5 attachments", wait_one(), 0);
    check("and its write is seen", b[0], 'k');
    check("attaching at a taken address", shmat(id, a, 0), -EINVAL);
    check("attaching at an unaligned address", shmat(id, (void *)0x50000010, 0), -EINVAL);
    check("attaching at a chosen address", shmat(id, (void *)0x50000000, 0), 0x50000000);
    check("which shows the same bytes", ((char *)0x50000000)[5000], 'x');
    check("shmdt of it", shmdt((void *)0x50000000), 0);
    check("shmdt where nothing is attached", shmdt((void *)0x50000000), -EINVAL);
    check("attaching an unknown id", shmat(9999, NULL, 0), -EINVAL);
    check("munmap of the middle page of an attachment", munmap(b + PAGE, PAGE), 0);
    check("shmdt takes both pieces", shmdt(b), 0);
    shmctl(id, IPC_STAT, &info);
    check("attachments left", info.nattch, 1);
}

/* A read-only attachment kills a writer; removal waits for the last shmdt. */
static void readonly_and_removal(int id)
{
    char *r = (char *)shmat(id, NULL, SHM_RDONLY);
    check("a read-only attachment reads", r[5000], 'x');
    if (fork() == 0) {
        r[0] = 1;
        exit(0);
    }
    check("a write to it kills the writer (status 139)", wait_one(), 139);
    check("shmdt of the read-only attachment", shmdt(r), 0);
    check("IPC_RMID while attached", shmctl(id, IPC_RMID, NULL), 0);
    check("the key is gone", shmget(KEY, PAGE, 0), -ENOENT);
    check("no new attachment", shmat(id, NULL, 0), -EINVAL);
}

/* The table holds 16 segments: the 17th is refused, nothing is lost. */
static void table_full(void)
{
    int ids[20], made = 0, rc = 0;
    while (made < 20 && (rc = shmget(IPC_PRIVATE, PAGE, IPC_CREAT)) > 0)
        ids[made++] = rc;
    check("segments made before the table was full", made, 16 - 1); /* one is still attached */
    check("then", rc, -ENOSPC);
    for (int i = 0; i < made; i++)
        shmctl(ids[i], IPC_RMID, NULL);
    check("one can be made again", (rc = shmget(IPC_PRIVATE, PAGE, IPC_CREAT)) > 0, 1);
    shmctl(rc, IPC_RMID, NULL);
}

int main(int argc, char **argv)
{
    quarters();
    shared_and_private();
    int id = keys();
    attachments(id);
    readonly_and_removal(id);
    table_full();
    if (argc > 1) {
        /* Left for the shell to see: one keyed segment attached, one
         * removed but still attached, one mmap'd. */
        int keep = shmget(KEY + 1, 2 * PAGE, IPC_CREAT);
        ((char *)shmat(keep, NULL, 0))[0] = 1;
        char *m = (char *)mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
        m[0] = 1;
        printf("shmtest: waiting\n");
        sleep((unsigned)atoi(argv[1]));
        shmctl(keep, IPC_RMID, NULL);
    }
    printf("shmtest: %d failed\n", failures);
    return failures != 0;
}
