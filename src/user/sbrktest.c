/* sbrktest: a storm of malloc/free/realloc with every block's contents
 * checked, then sbrk() itself: growing, zeroed new memory, shrinking. */
#include "libc.h"

#define OPS      20000
#define SLOTS    64
#define MAX_SIZE 2000
#define PAGE     4096u

struct slot {
    unsigned char *p;
    size_t size;
    unsigned char seed; /* byte i holds seed + i */
};

static struct slot slots[SLOTS];
static uint32_t rng_state = 2463534242u; /* fixed: every run does the same */

/* Marsaglia's xorshift32. */
static uint32_t rng(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static int fail(const char *why)
{
    printf("sbrktest: failed: %s\n", why);
    return 1;
}

static void fill(struct slot *s, size_t from)
{
    for (size_t i = from; i < s->size; i++)
        s->p[i] = (unsigned char)(s->seed + i);
}

static bool intact(const struct slot *s, size_t upto)
{
    for (size_t i = 0; i < upto; i++)
        if (s->p[i] != (unsigned char)(s->seed + i))
            return false;
    return true;
}

static bool all_zero(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* One random operation on one random slot; NULL, or what went wrong. */
static const char *step(void)
{
    uint32_t r = rng();
    struct slot *s = &slots[r % SLOTS];
    size_t size = 1 + (r >> 8) % MAX_SIZE;

    if (!s->p) {
        bool zeroed = r & 0x80;
        s->p = zeroed ? calloc(1, size) : malloc(size);
        if (!s->p)
            return "malloc returned NULL";
        if ((uintptr_t)s->p % 16)
            return "a block is not 16-byte aligned";
        s->size = size;
        if (zeroed && !all_zero((char *)s->p, size))
            return "calloc memory is not zero";
        s->seed = (unsigned char)(r >> 24);
        fill(s, 0);
        return NULL;
    }
    if (!intact(s, s->size))
        return "a block's contents changed";
    if (r & 0x80) {
        free(s->p);
        s->p = NULL;
        return NULL;
    }
    unsigned char *q = realloc(s->p, size);
    if (!q)
        return "realloc returned NULL";
    size_t kept = size < s->size ? size : s->size;
    s->p = q;
    if (!intact(s, kept))
        return "realloc lost the old contents";
    s->size = size;
    fill(s, kept);
    return NULL;
}

int main(void)
{
    for (int i = 0; i < OPS; i++) {
        const char *why = step();
        if (why)
            return fail(why);
    }
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].p && !intact(&slots[i], slots[i].size))
            return fail("a block's contents changed");
        free(slots[i].p);
        slots[i].p = NULL;
    }

    /* Put the break on a page boundary, so that the pages below belong
     * to us alone and shrinking really gives whole pages back. */
    uintptr_t brk = (uintptr_t)sbrk(0);
    if (sbrk((int)(((brk + PAGE - 1) & ~(uintptr_t)(PAGE - 1)) - brk)) == (void *)-1)
        return fail("sbrk to a page boundary");
    char *old = sbrk(0);

    char *p = sbrk(2 * PAGE);
    if (p != old)
        return fail("sbrk(8192) did not return the old break");
    if (sbrk(0) != old + 2 * PAGE)
        return fail("sbrk(8192) did not move the break by 8192");
    if (!all_zero(p, 2 * PAGE))
        return fail("new heap memory is not zero");
    memset(p, 0xa5, 2 * PAGE);
    for (size_t i = 0; i < 2 * PAGE; i++)
        if ((unsigned char)p[i] != 0xa5)
            return fail("new heap memory does not keep what was written");

    if (sbrk(-(int)PAGE) != old + 2 * PAGE)
        return fail("sbrk(-4096) did not return the old break");
    if (sbrk(0) != old + PAGE)
        return fail("sbrk(-4096) did not move the break back");
    if (p[0] != (char)0xa5 || p[PAGE - 1] != (char)0xa5)
        return fail("shrinking lost memory below the break");
    /* The page given back must come back as a fresh, zeroed one. */
    if (sbrk(PAGE) != old + PAGE)
        return fail("sbrk(4096) after shrinking");
    if (!all_zero(p + PAGE, PAGE))
        return fail("a page given back and grown again is not zero");
    if (sbrk(-(int)PAGE) == (void *)-1)
        return fail("sbrk(-4096) again");

    /* malloc still works with our sbrk'd page between its memory and the break. */
    char *q = malloc(100);
    if (!q)
        return fail("malloc after sbrk");
    memset(q, 1, 100);
    free(q);

    printf("sbrktest: ok (%d operations, heap end %p)\n", OPS, sbrk(0));
    return 0;
}
