/* The hot-frame cache, in front of the buddy allocator (buddy.c).
 *
 * Most requests are for a single frame, and a frame freed now is often
 * wanted again soon. Through the lists alone, each of them may split a
 * block on the way out and merge it again on the way back. The cache keeps
 * free frames on a stack, as Linux keeps its per-CPU page lists:
 *
 *  - allocating one frame pops the stack: the frame freed last goes out
 *    first, the likeliest to be still in the CPU's caches. An empty stack
 *    is first refilled with BUDDY_HOT_BATCH frames from the lists.
 *  - freeing one frame pushes it. When that fills the stack
 *    (BUDDY_HOT_HIGH frames), its BUDDY_HOT_BATCH bottom frames, freed
 *    longest ago, go back to the lists.
 *  - anything larger goes straight to the lists.
 *
 * A cached frame is free, but the lists see it as taken: it is marked
 * PG_HOT, sits on no list, and its buddy cannot merge with it. So when the
 * lists refuse a request while the cache holds frames, the cache gives all
 * of them back (merging as they go) and the lists are asked once more. A
 * refusal therefore means what it means without the cache: no free block
 * of that order exists. That rare case costs at most BUDDY_HOT_HIGH - 1
 * frees.
 *
 * The cache only moves frames; every check is buddy.c's. A free that is
 * not of an allocated single frame goes to buddy_free, which frees it or
 * refuses it with its reason (PG_HOT makes a second free of a cached frame
 * a double free there too).
 */
#include "mem/buddy_hot.h"

#include "kernel/errno.h"
#include "mem/buddy_check.h"

void buddy_hot_init(struct buddy_hot *h, struct buddy_zone *z, bool on)
{
    h->zone = z;
    h->on = on;
    h->count = 0;
    h->nr_refill = 0;
    h->nr_spill = 0;
    h->nr_drain = 0;
}

/* The descriptor of frame pfn, which the cache knows is in the zone. */
static struct page *page_of(const struct buddy_hot *h, uint32_t pfn)
{
    return &h->zone->map[pfn - h->zone->base_pfn];
}

/* The frame at pfn, allocated by the lists, becomes a cached free frame
 * on top of the stack. */
static void push(struct buddy_hot *h, uint32_t pfn)
{
    struct page *p = page_of(h, pfn);
    p->flags = PG_HOT;
    p->order = 0;
    p->refcount = 0;
    h->frame[h->count++] = pfn;
}

/* The cached frame at pfn goes back to the lists: marked allocated again,
 * it is freed like any other frame (and may merge). */
static void give_back(struct buddy_hot *h, uint32_t pfn)
{
    page_of(h, pfn)->flags = PG_HEAD;
    buddy_free(h->zone, pfn, 0);
}

/* The stack is empty: take up to BUDDY_HOT_BATCH single frames from the
 * lists. They are pushed last-taken first, so that the first one taken
 * goes out first (after a split, frames then go out in address order). */
static void refill(struct buddy_hot *h)
{
    uint32_t taken[BUDDY_HOT_BATCH];
    uint32_t n = 0;

    while (n < BUDDY_HOT_BATCH) {
        uint32_t pfn = buddy_alloc(h->zone, 0);
        if (pfn == BUDDY_NO_PFN)
            break;
        taken[n++] = pfn;
    }
    while (n > 0)
        push(h, taken[--n]);
    h->nr_refill++;
}

/* The stack is full: give its BUDDY_HOT_BATCH bottom frames, freed
 * longest ago, back to the lists, and slide the others down. */
static void spill(struct buddy_hot *h)
{
    for (uint32_t i = 0; i < BUDDY_HOT_BATCH; i++)
        give_back(h, h->frame[i]);
    for (uint32_t i = BUDDY_HOT_BATCH; i < h->count; i++)
        h->frame[i - BUDDY_HOT_BATCH] = h->frame[i];
    h->count -= BUDDY_HOT_BATCH;
    h->nr_spill++;
}

/* Bring an empty or a full stack back between the two. (One function for
 * both, called from alloc and free, stays out of line: the push and the
 * pop around it need no saved registers.) */
static void rebalance(struct buddy_hot *h)
{
    if (h->count == 0)
        refill(h);
    else
        spill(h);
}

/* A request for the lists. If they refuse it while the cache holds
 * frames, give those back and ask again (see the top of this file). */
static uint32_t alloc_from_lists(struct buddy_hot *h, unsigned order)
{
    uint32_t pfn = buddy_alloc(h->zone, order);
    if (pfn == BUDDY_NO_PFN && h->count > 0 && order <= BUDDY_MAX_ORDER) {
        buddy_hot_drain(h);
        pfn = buddy_alloc(h->zone, order);
    }
    return pfn;
}

/* What buddy_hot_alloc does when it cannot simply pop a frame. Kept out
 * of line (noinline) so that a pop needs no saved registers: 17
 * instructions instead of 23 (tests/bench/callgrind.sh, order0). */
__attribute__((noinline)) static uint32_t alloc_slow(struct buddy_hot *h, unsigned order)
{
    if (order != 0 || !h->on)
        return alloc_from_lists(h, order);
    rebalance(h); /* empty */
    if (h->count == 0)
        return BUDDY_NO_PFN; /* the lists had no frame left either */
    return buddy_hot_alloc(h, 0);
}

uint32_t buddy_hot_alloc(struct buddy_hot *h, unsigned order)
{
    if (order != 0 || h->count == 0) /* (off, the cache is always empty) */
        return alloc_slow(h, order);
    uint32_t pfn = h->frame[--h->count];
    struct page *p = page_of(h, pfn);
    p->flags = PG_HEAD;
    p->order = 0;
    p->refcount = 1;
    return pfn;
}

int buddy_hot_free(struct buddy_hot *h, uint32_t pfn, unsigned order)
{
    uint32_t idx = pfn - h->zone->base_pfn;

    /* Only an allocated single frame with no other flag is cached, the
     * same test buddy_free makes; anything else is buddy_free's to free
     * or to refuse. */
    if (order != 0 || !h->on || idx >= h->zone->nframes || h->zone->map[idx].flags != PG_HEAD ||
        h->zone->map[idx].order != 0)
        return buddy_free(h->zone, pfn, order);
    push(h, pfn);
    if (h->count == BUDDY_HOT_HIGH)
        rebalance(h); /* full */
    return 0;
}

void buddy_hot_drain(struct buddy_hot *h)
{
    while (h->count > 0)
        give_back(h, h->frame[--h->count]);
    h->nr_drain++;
}

void buddy_hot_set(struct buddy_hot *h, bool on)
{
    if (!on)
        buddy_hot_drain(h);
    h->on = on;
}

/* Fill *why (if asked) for a broken cache and return -EINVAL. */
static int hot_broken(struct buddy_error *why, uint32_t pfn)
{
    if (why) {
        why->reason = BUDDY_I_HOT;
        why->pfn = pfn;
        why->order = 0;
        why->block_pfn = BUDDY_NO_PFN;
    }
    return -EINVAL;
}

int buddy_hot_check(const struct buddy_hot *h, struct buddy_error *why)
{
    const struct buddy_zone *z = h->zone;
    int r = buddy_check_report(z, why);
    if (r)
        return r;
    if (h->count > BUDDY_HOT_HIGH || (!h->on && h->count > 0))
        return hot_broken(why, BUDDY_NO_PFN);
    for (uint32_t i = 0; i < h->count; i++) {
        const struct page *p = buddy_pfn_to_page(z, h->frame[i]);
        if (!p || p->flags != PG_HOT)
            return hot_broken(why, h->frame[i]);
        for (uint32_t j = 0; j < i; j++)
            if (h->frame[j] == h->frame[i])
                return hot_broken(why, h->frame[i]);
    }
    /* Each frame marked PG_HOT is one of those: none was lost. */
    uint32_t marked = 0;
    for (uint32_t i = 0; i < z->nframes; i++)
        marked += (z->map[i].flags & PG_BUDDY_MASK) == PG_HOT;
    if (marked != h->count)
        return hot_broken(why, BUDDY_NO_PFN);
    return 0;
}
