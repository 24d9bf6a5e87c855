/* Buddy allocator for physical page frames.
 *
 * How it works
 * ------------
 * Memory is handed out in blocks of 2^k frames, k = 0..BUDDY_MAX_ORDER, and
 * a block of order k always starts at a pfn that is a multiple of 2^k. Cut
 * such a block in half and you get two blocks of order k-1, each the other's
 * "buddy". Because both are aligned, the buddy of the block at pfn is the
 * block at pfn XOR 2^k. That one XOR is the whole trick: it lets a freed
 * block find its partner without any search.
 *
 * There is one doubly linked free list per order (z->area[k]). To allocate
 * order k (buddy_alloc), take a block from the smallest non-empty list of
 * order >= k; while it is bigger than asked, cut it in half, keep the lower
 * half and put the upper half on the list one order down. To free a block
 * (buddy_free, free_block), look at its buddy: if the buddy is a whole free
 * block of the same order, take it off its list, join the two into one
 * block of the next order, and try again one level up. Joining stops at the
 * largest order, or at a buddy that is allocated, split further, reserved
 * or outside the zone. Both directions take at most BUDDY_MAX_ORDER steps,
 * whatever the size of memory.
 *
 * "The smallest non-empty list of order >= k" is found without looking at
 * each list: bit j of z->nonempty is set while list j holds a block, so it
 * is the lowest set bit of nonempty >> k (__builtin_ctz, one instruction),
 * and no bit at all means the allocation fails at once.
 *
 * The descriptors (struct page, 16 bytes per frame) carry the state. Only
 * the first frame of a block, its head, is marked: PG_FREE and its order if
 * the block is free, PG_HEAD and its order if it is allocated. The other
 * frames of a block have no buddy flag. Frames never handed over carry
 * PG_RESERVED. So buddy_free can tell a legal free (the head of an
 * allocated block of exactly that order) with one look, and only a refused
 * free walks further, to say which misuse it was (refusal_reason).
 *
 * This file is the algorithm alone. buddy_hot.c keeps a cache of single
 * frames in front of it; buddy_check.c checks a zone's invariants, names
 * the errors and prints the /proc/buddyinfo line.
 */
#include "mem/buddy.h"

#include "kernel/errno.h"

/* Remember why a call was refused, for the caller to report. */
static void record(struct buddy_zone *z, int reason, uint32_t pfn, uint32_t order,
                   uint32_t block_pfn)
{
    z->err.reason = reason;
    z->err.pfn = pfn;
    z->err.order = order;
    z->err.block_pfn = block_pfn;
    z->nr_misuse++;
}

/* ---- the free lists ------------------------------------------------------ */

/* Put the free block of `order` at zone index idx at the front of its list,
 * and mark its head. */
static inline void list_add(struct buddy_zone *z, uint32_t idx, unsigned order)
{
    struct buddy_free_area *area = &z->area[order];
    struct page *p = &z->map[idx];

    p->flags = PG_FREE;
    p->order = (uint16_t)order;
    p->refcount = 0;
    p->prev = BUDDY_NIL;
    p->next = area->head;
    if (area->head != BUDDY_NIL)
        z->map[area->head].prev = idx;
    area->head = idx;
    area->count++;
    z->nonempty |= 1u << order;
}

/* Take the free block whose head is p off the list of `order`. The head
 * loses PG_FREE: the caller says what the frame becomes. */
static inline void list_del(struct buddy_zone *z, struct page *p, unsigned order)
{
    struct buddy_free_area *area = &z->area[order];

    if (p->prev != BUDDY_NIL)
        z->map[p->prev].next = p->next;
    else
        area->head = p->next;
    if (p->next != BUDDY_NIL)
        z->map[p->next].prev = p->prev;
    if (--area->count == 0)
        z->nonempty &= ~(1u << order);
    p->flags = 0;
}

/* ---- allocation: split --------------------------------------------------- */

uint32_t buddy_alloc(struct buddy_zone *z, unsigned order)
{
    if (order > BUDDY_MAX_ORDER) {
        record(z, BUDDY_E_BAD_ORDER, BUDDY_NO_PFN, order, BUDDY_NO_PFN);
        return BUDDY_NO_PFN;
    }
    /* The smallest order, from the one asked for up, with a free block:
     * the lowest bit of nonempty at or above `order`. */
    uint32_t orders = z->nonempty >> order;
    if (orders == 0) {
        z->nr_alloc_fail++;
        return BUDDY_NO_PFN;
    }
    unsigned k = order + (unsigned)__builtin_ctz(orders);
    uint32_t idx = z->area[k].head;
    list_del(z, &z->map[idx], k);
    /* Split down to the order asked for: keep the lower half, list the
     * upper half. (The upper half's buddy is the lower half, which is not
     * free, so it joins nothing.) */
    while (k > order) {
        k--;
        list_add(z, idx + (1u << k), k);
    }
    struct page *p = &z->map[idx];
    p->flags = PG_HEAD;
    p->order = (uint16_t)order;
    p->refcount = 1;
    return z->base_pfn + idx;
}

/* ---- free: merge --------------------------------------------------------- */

/* Give the block of `order` at pfn to the free lists, joining it with its
 * buddy for as long as the buddy is a whole free block of the same order.
 * The block's head must carry no buddy flag (list_add marks the head of
 * what is finally listed). */
static inline void free_block(struct buddy_zone *z, uint32_t pfn, unsigned order)
{
    uint32_t size = 1u << order; /* frames in the block */

    while (order < BUDDY_MAX_ORDER) {
        uint32_t buddy = (pfn ^ size) - z->base_pfn; /* the buddy's zone index */
        if (buddy >= z->nframes)
            break; /* outside the zone (below it, the index wraps) */
        struct page *b = &z->map[buddy];
        if (b->flags != PG_FREE || b->order != order)
            break; /* allocated, reserved, cached, or split further */
        list_del(z, b, order);
        pfn &= ~size; /* the joined block starts at the lower half */
        size <<= 1;
        order++;
    }
    list_add(z, pfn - z->base_pfn, order);
}

/* pfn lies inside a block, not at its head: find the head, which is pfn
 * rounded down to the block's order, trying each order in turn. The block
 * found is stored in *block. */
static int tail_reason(const struct buddy_zone *z, uint32_t pfn, uint32_t *block)
{
    for (unsigned k = 1; k <= BUDDY_MAX_ORDER; k++) {
        uint32_t head = pfn & ~((1u << k) - 1);
        const struct page *q = buddy_pfn_to_page(z, head);
        if (!q)
            break;
        if ((q->flags & (PG_FREE | PG_HEAD)) && q->order >= k) {
            *block = head;
            return (q->flags & PG_FREE) ? BUDDY_E_INSIDE_FREE : BUDDY_E_NOT_HEAD;
        }
    }
    return BUDDY_E_CORRUPT; /* a tail with no block around it */
}

/* Why the free of (pfn, order) cannot be done; the block involved, if any,
 * in *block. */
static int refusal_reason(const struct buddy_zone *z, uint32_t pfn, unsigned order, uint32_t *block)
{
    const struct page *p = buddy_pfn_to_page(z, pfn);

    *block = BUDDY_NO_PFN;
    if (order > BUDDY_MAX_ORDER)
        return BUDDY_E_BAD_ORDER;
    if (!p)
        return BUDDY_E_OUT_OF_ZONE;
    if (pfn & ((1u << order) - 1))
        return BUDDY_E_MISALIGNED;
    if (p->flags & PG_RESERVED)
        return BUDDY_E_RESERVED;
    if (p->flags & (PG_FREE | PG_HOT)) {
        *block = pfn;
        return BUDDY_E_DOUBLE_FREE;
    }
    if (p->flags & PG_HEAD) {
        *block = pfn;
        return p->order != order ? BUDDY_E_WRONG_ORDER : BUDDY_E_FLAGS_BUSY;
    }
    return tail_reason(z, pfn, block);
}

/* The free of (pfn, order) is refused: record why, change nothing. */
static int refuse_free(struct buddy_zone *z, uint32_t pfn, unsigned order)
{
    uint32_t block;
    int why = refusal_reason(z, pfn, order, &block);
    record(z, why, pfn, order, block);
    return -EINVAL;
}

int buddy_free(struct buddy_zone *z, uint32_t pfn, unsigned order)
{
    uint32_t idx = pfn - z->base_pfn;

    /* Only the head of an allocated block of exactly this order, with no
     * other flag left on it, may be freed. Heads are aligned by
     * construction, so a misaligned pfn never gets past this test. (A pfn
     * below the zone wraps to a huge index, caught by the first test.) */
    if (idx >= z->nframes || z->map[idx].flags != PG_HEAD || z->map[idx].order != order)
        return refuse_free(z, pfn, order);
    z->map[idx].flags = 0;
    z->map[idx].refcount = 0;
    free_block(z, pfn, order);
    return 0;
}

/* ---- setup --------------------------------------------------------------- */

int buddy_init(struct buddy_zone *z, struct page *map, uint32_t base_pfn, uint32_t nframes)
{
    /* Indices must stay below BUDDY_NIL, and BUDDY_NO_PFN must never be a
     * frame of the zone. */
    if (nframes > 0x7FFFFFFFu || base_pfn > BUDDY_NO_PFN - 1 - nframes || (nframes && !map))
        return -EINVAL;
    z->map = map;
    z->base_pfn = base_pfn;
    z->nframes = nframes;
    z->nonempty = 0;
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
        z->area[k].head = BUDDY_NIL;
        z->area[k].count = 0;
    }
    z->nr_total = 0;
    z->nr_alloc_fail = 0;
    z->nr_misuse = 0;
    z->err.reason = BUDDY_OK;
    z->err.pfn = BUDDY_NO_PFN;
    z->err.order = 0;
    z->err.block_pfn = BUDDY_NO_PFN;
    for (uint32_t i = 0; i < nframes; i++) {
        map[i].next = BUDDY_NIL;
        map[i].prev = BUDDY_NIL;
        map[i].flags = PG_RESERVED;
        map[i].order = 0;
        map[i].refcount = 0;
    }
    return 0;
}

/* The largest order of a block that starts at pfn (aligned) and fits in
 * count frames. */
static unsigned largest_block(uint32_t pfn, uint32_t count)
{
    unsigned order = 0;
    while (order < BUDDY_MAX_ORDER && (pfn & (1u << order)) == 0 && (2u << order) <= count)
        order++;
    return order;
}

int buddy_add_range(struct buddy_zone *z, uint32_t pfn, uint32_t count)
{
    uint32_t idx = pfn - z->base_pfn;

    if (count == 0)
        return 0;
    if (idx >= z->nframes || count > z->nframes - idx) {
        record(z, BUDDY_E_OUT_OF_ZONE, pfn, 0, BUDDY_NO_PFN);
        return -EINVAL;
    }
    /* Check everything before changing anything. */
    for (uint32_t i = 0; i < count; i++) {
        if (z->map[idx + i].flags != PG_RESERVED) {
            record(z, BUDDY_E_NOT_RESERVED, pfn + i, 0, BUDDY_NO_PFN);
            return -EINVAL;
        }
    }
    for (uint32_t i = 0; i < count; i++)
        z->map[idx + i].flags = 0; /* tails, until free_block marks the heads */
    z->nr_total += count;
    while (count > 0) {
        unsigned order = largest_block(pfn, count);
        free_block(z, pfn, order); /* may join a neighbour added earlier */
        pfn += 1u << order;
        count -= 1u << order;
    }
    return 0;
}
