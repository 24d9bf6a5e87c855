/* malloc and friends: a first-fit allocator over memory from sbrk().
 *
 * Every block, used or free, starts with a 16-byte header holding its size
 * (header included, a multiple of 16) and a magic number that says whether
 * it is in use. The payload follows the header, so it is 16-byte aligned
 * whenever the header is.
 *
 * Free blocks sit on one list sorted by address. malloc takes the first block
 * that is big enough, splitting off the rest when the rest can hold a block
 * of its own. free puts a block back in its place on the list and merges it
 * with the free blocks right before and after it, so that free memory does
 * not end up as many pieces too small to use. When nothing fits, the heap
 * grows with sbrk() and the new memory is freed into the list (merging with
 * a free block that ended at the old break). The heap never shrinks. */
#include "libc.h"

#define ALIGN       16
#define GROW_MIN    (16 * 1024) /* grow the heap by at least this, to save syscalls */
#define MAGIC_USED  0x5ab1ed00u
#define MAGIC_FREE  0xf4eeb10cu
#define EXIT_BADPTR 134 /* as abort() */

struct header {
    size_t size;         /* of the whole block, header included */
    uint32_t magic;      /* MAGIC_USED or MAGIC_FREE; 0 once merged into another block */
    struct header *next; /* free blocks: the next free block, by address */
    uint32_t unused;     /* pads the header to 16 bytes */
};

_Static_assert(sizeof(struct header) == ALIGN, "the header keeps payloads aligned");

/* The smallest block: a header and one aligned unit of payload. */
#define MIN_BLOCK (2 * ALIGN)

static struct header *free_list;
/* Every block lies in [heap_lo, heap_hi): free() checks pointers against it. */
static uintptr_t heap_lo, heap_hi;

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/* Puts h on the free list at its place by address, merging it with a free
 * neighbour that touches it on either side. */
static void insert_free(struct header *h)
{
    struct header *prev = NULL, *next = free_list;
    while (next && (uintptr_t)next < (uintptr_t)h) {
        prev = next;
        next = next->next;
    }
    h->magic = MAGIC_FREE;
    h->next = next;
    if (next && (uintptr_t)h + h->size == (uintptr_t)next) {
        h->size += next->size;
        h->next = next->next;
        next->magic = 0; /* no longer a block: a stale free() of it must fail */
    }
    if (!prev) {
        free_list = h;
    } else if ((uintptr_t)prev + prev->size == (uintptr_t)h) {
        prev->size += h->size;
        prev->next = h->next;
        h->magic = 0;
    } else {
        prev->next = h;
    }
}

/* Adds at least need bytes of fresh memory to the free list; false if the
 * kernel refused. */
static bool grow(size_t need)
{
    uintptr_t brk = (uintptr_t)sbrk(0);
    if (brk == (uintptr_t)-1)
        return false;
    /* The break may not be 16-byte aligned (the program may have called sbrk
     * itself); skip up to the next multiple. */
    size_t pad = round_up(brk, ALIGN) - brk;
    size_t bytes = round_up(need < GROW_MIN ? GROW_MIN : need, 4096);
    if (bytes > (size_t)INT32_MAX - pad)
        return false;
    if (sbrk((int)(pad + bytes)) == (void *)-1)
        return false;

    struct header *h = (struct header *)(brk + pad);
    h->size = bytes;
    if (heap_lo == 0)
        heap_lo = (uintptr_t)h;
    heap_hi = (uintptr_t)h + bytes;
    insert_free(h);
    return true;
}

void *malloc(size_t size)
{
    if (size > SIZE_MAX / 2)
        return NULL; /* round_up below would overflow; no such heap anyway */
    size_t need = round_up(sizeof(struct header) + size, ALIGN);

    for (;;) {
        struct header **link = &free_list;
        for (struct header *h = free_list; h; link = &h->next, h = h->next) {
            if (h->size < need)
                continue;
            if (h->size - need >= MIN_BLOCK) {
                /* Split: the tail stays on the list in h's place. */
                struct header *rest = (struct header *)((uintptr_t)h + need);
                rest->size = h->size - need;
                rest->magic = MAGIC_FREE;
                rest->next = h->next;
                *link = rest;
                h->size = need;
            } else {
                *link = h->next;
            }
            h->magic = MAGIC_USED;
            h->next = NULL;
            return h + 1;
        }
        if (!grow(need))
            return NULL;
    }
}

/* The header of p, a pointer malloc returned; exits the program if p cannot
 * be one (outside the heap, misaligned, or not a block in use). */
static struct header *checked_header(void *p)
{
    uintptr_t a = (uintptr_t)p;
    /* Range first: reading a "header" outside the heap could fault. */
    if (a % ALIGN == 0 && a >= heap_lo + sizeof(struct header) && a < heap_hi) {
        struct header *h = (struct header *)p - 1;
        if (h->magic == MAGIC_USED && h->size >= MIN_BLOCK && h->size % ALIGN == 0 &&
            h->size <= heap_hi - (uintptr_t)h)
            return h;
    }
    printf("free: bad pointer %p\n", p);
    exit(EXIT_BADPTR);
}

void free(void *p)
{
    if (!p)
        return;
    insert_free(checked_header(p));
}

void *realloc(void *p, size_t size)
{
    if (!p)
        return malloc(size);
    if (size == 0) {
        free(p);
        return NULL;
    }
    struct header *h = checked_header(p);
    size_t have = h->size - sizeof(struct header);
    if (size <= have) {
        /* Shrink in place, giving back the tail if it makes a block. */
        size_t need = round_up(sizeof(struct header) + size, ALIGN);
        if (h->size - need >= MIN_BLOCK) {
            struct header *rest = (struct header *)((uintptr_t)h + need);
            rest->size = h->size - need;
            h->size = need;
            insert_free(rest);
        }
        return p;
    }
    void *q = malloc(size);
    if (!q)
        return NULL; /* as C says: the old block is left as it was */
    memcpy(q, p, have);
    free(p);
    return q;
}

void *calloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    void *p = malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}
