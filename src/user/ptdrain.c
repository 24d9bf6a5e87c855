/* ptdrain: tries to take the frames the kernel keeps for itself.
 *
 * User pages may never take the last 256 frames of zone Normal: the kernel
 * needs them for kernel stacks, page directories and its heap, whatever the
 * programs do. Page tables are frames too, and a program decides how many it
 * needs: one per 4 MiB region it touches. So they must come out of the same
 * user budget, or a program could drain the kernel's reserve with them.
 *
 * The program grows its heap to almost 3 GiB (the areas cost nothing until
 * touched), then has the kernel touch it page by page through wait(),
 * whose status pointer the kernel checks and faults in before anything
 * else: an out-of-memory there is -ENOMEM, not a kill. Once no page is
 * left, it asks for one page in every untouched 4 MiB region: each would
 * need a new page table first. At the end at least the reserve must still
 * be free (meminfo), and a fork, which takes a kernel stack and a page
 * directory from it, must fail for want of user pages: -ENOMEM. */
#include "libc.h"

#define PAGE   4096u
#define REGION (4u << 20)
#define CHUNK  (1u << 30) /* sbrk takes an int: grow in steps of 1 GiB */

int main(void)
{
    char *start = sbrk(0);
    uint32_t size = 0;
    while (size < 0xA0000000u && sbrk(CHUNK) != (void *)-1)
        size += CHUNK;
    while (sbrk(REGION) != (void *)-1) /* as close to the limit as it goes */
        size += REGION;
    printf("ptdrain: heap of %u MiB at %p\n", size >> 20, (void *)start);

    uint32_t pages = 0, off;
    for (off = 0; off < size; off += PAGE) {
        long rc = wait((int *)(start + off));
        if (rc == -ENOMEM)
            break;
        if (rc != -ECHILD) {
            printf("ptdrain: wait on a fresh heap page returned %ld\n", rc);
            return 1;
        }
        pages++;
    }
    printf("ptdrain: %u pages (%u MiB) taken, then -ENOMEM\n", pages, pages / 256);

    uint32_t regions = 0, refused = 0;
    for (off = (off + REGION) & ~(REGION - 1); off < size; off += REGION) {
        regions++;
        refused += wait((int *)(start + off)) == -ENOMEM;
    }
    printf("ptdrain: %u untouched 4 MiB regions asked for a page: %u refused\n", regions, refused);
    struct meminfo m;
    meminfo(&m);
    printf("ptdrain: %u frames free, the kernel's reserve is %u: %s\n", m.free, m.reserved,
           m.free >= m.reserved ? "intact" : "DRAINED");

    int pid = fork();
    if (pid == 0)
        exit(0);
    printf("ptdrain: fork with no memory left returned %d%s\n", pid,
           pid == -ENOMEM   ? " (-ENOMEM)"
           : pid == -EAGAIN ? " (-EAGAIN)"
                            : "");
    if (pid > 0)
        wait(NULL);
    return pid == -ENOMEM && refused == regions && m.free >= m.reserved ? 0 : 1;
}
