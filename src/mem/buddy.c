/* Buddy allocator for physical page frames.
 *
 * How it works
 * ------------
 * Memory is handed out in blocks of 2^k frames, k = 0..BUDDY_MAX_ORDER, and
 * a block of order k always starts at a pfn that is a multiple of 2^k. Cut
 * such a block in half and you get two blocks of order k-1, each the other's
 * "buddy"; because both are aligned, the buddy of the block at pfn is the
 * block at pfn XOR 2^k. That one XOR is the whole trick: it lets a freed block
 * find its partner without any search.
 *
 * There is one doubly linked free list per order. To allocate order k we take
 * a block from the smallest non-empty list of order >= k; if it is bigger than
 * asked, we cut it in half, keep the lower half, put the upper half on the
 * list one order down, and repeat. To free a block we look at its buddy: if
 * the buddy is a whole free block of the same order, we unlink it, join the
 * two into one block of the next order, and try again one level up; we stop at
 * the largest order, at a buddy that is not free, or at a buddy that lies
 * outside the zone or is reserved (those are never joined). Both directions
 * take at most BUDDY_MAX_ORDER steps, whatever the size of memory.
 *
 * Finding "the smallest non-empty list of order >= k" without looking at each
 * list is a bitmask with bit j set when list j is non-empty: shift it right by
 * k and count trailing zeros. An empty mask means failure, found at once.
 *
 * Descriptors (struct page, 16 bytes per frame) carry the state. Only the
 * first frame of a block (its head) is marked: PG_FREE and its order if the
 * block is free, PG_HEAD and its order if it is allocated. Every other frame
 * of a block has no buddy flag. Frames the caller never handed over carry
 * PG_RESERVED. Freeing checks the head's flags and order, so each misuse
 * (double free, never allocated, wrong order, misaligned) is seen in a few
 * instructions; telling *which* misuse it was walks at most the orders up
 * from the frame to the head of the block that contains it.
 *
 * The hot cache: order-0 requests are by far the most common, and a full
 * split or merge for each would be wasteful when a frame is freed and soon
 * wanted again. So some free single frames are kept apart (PG_HOT), for
 * order-0 allocations to take first. A cached frame is free but on no list,
 * and that is the danger: it could hide a merge, so that a larger request
 * fails, or has to search the cache, while the memory is there. The cache
 * has two parts, each with a rule that keeps such merges in one small place:
 *
 *  - The batch. When the cache is empty, an order-0 allocation takes a small
 *    block (up to 2^3 frames, from the smallest list), hands out its first
 *    frame and keeps the others as the open batch: a bit mask of its free
 *    frames (batch_free), the heads in it marked in page.batch. Its frames
 *    come back to the mask whenever they are freed, whatever their
 *    neighbours, and never go onto a list while it is open. A new refill
 *    replaces it (all its frames are handed out by then). No batch opens
 *    when the smallest free block is a single frame, or with the cache off.
 *  - The stack. Any other order-0 free goes onto a small LIFO array only if
 *    its buddy frame is not free. If the buddy is free, the two are joined
 *    at once, and a stacked buddy is taken off for that: page.next of a
 *    stacked frame holds its slot, so that costs a few instructions. So no
 *    stacked frame has a free buddy, and no wholly free block contains one.
 *
 * When no list holds a block of the order asked for, the batch is the only
 * place where one can hide: an aligned part of it that is wholly free (the
 * mask shows it in a few bit operations), handed out as one block that
 * stays in the batch, head marked, and comes back to it when freed; or the
 * whole batch, joined with free buddies above it in a chain that stops at
 * the order asked for, which closes the batch. A refusal is therefore exact
 * (buddy_drain would not have saved it), and no buddy_alloc or buddy_free
 * does more than one split or join chain. (buddy_drain, buddy_set_hot_limit
 * and buddy_add_range free many blocks, each with its own chain.)
 *
 * Cost: buddy_alloc and buddy_free are laid out as a few instructions for the
 * hot cache, then a call to the general path. Flags and order share one
 * 32-bit word (page.state), so checking a free ("the head of an allocated
 * block of this order") and testing a buddy ("the head of a free block of
 * this order") are one comparison each; telling a misuse apart is left to a
 * cold function. A free looks at its buddy once; only when that is free does
 * it enter the join chain (join_and_push), which is unrolled, one step per
 * order with the order's constants built in, and which finds buddies as
 * offsets inside one aligned block known to lie in the zone, so that no step
 * needs a bounds check. tests/bench/ measures all of it, worst cases
 * included.
 */
#include "mem/buddy.h"

#include "kernel/errno.h"

/* Rare paths are kept out of line so that the common ones stay short; the
 * steps of the join chain are always copied in, whatever the compiler's own
 * estimate, since they are written to work with constants (join_chain). */
#define BUDDY_COLD     __attribute__((noinline, cold))
#define BUDDY_NOINLINE __attribute__((noinline))
#define BUDDY_INLINE   inline __attribute__((always_inline))

static void record(struct buddy_zone *z, int reason, uint32_t pfn, uint32_t order,
                   uint32_t block_pfn)
{
    z->err.reason = reason;
    z->err.pfn = pfn;
    z->err.order = order;
    z->err.block_pfn = block_pfn;
    z->nr_misuse++;
}

/* Set a descriptor's state and reference count at once: the two fields are
 * adjacent, so this is one 64-bit store (two on i386). */
static BUDDY_INLINE void set_state(struct page *p, uint32_t state, uint32_t refcount)
{
    uint64_t both = (uint64_t)refcount << 32 | state;
    __builtin_memcpy((char *)p + offsetof(struct page, state), &both, sizeof(both));
}

/* ---- the free lists ------------------------------------------------------ */

/* Take b, a free head of order k, off its list `area`, mending the links
 * on either side; when b had neither, the list is empty now and leaves the
 * non-empty mask. */
static BUDDY_INLINE void list_unlink(struct buddy_zone *z, struct page *map,
                                     struct buddy_free_area *area, const struct page *b, unsigned k)
{
    uint32_t next = b->next, prev = b->prev;

    if (prev != BUDDY_NIL) {
        map[prev].next = next;
        if (next != BUDDY_NIL)
            map[next].prev = prev;
    } else if (next != BUDDY_NIL) {
        area->head = next;
        map[next].prev = BUDDY_NIL;
    } else {
        area->head = BUDDY_NIL;
        z->nonempty &= ~(1u << k);
    }
    area->count--;
}

/* Push the free block at idx on the list of its order and mark its head
 * (refcount 0). */
static inline void list_push(struct buddy_zone *z, uint32_t idx, unsigned order)
{
    struct page *const map = z->map;
    struct buddy_free_area *area = &z->area[order];
    uint32_t head = area->head;

    set_state(&map[idx], PAGE_STATE(PG_FREE, order), 0);
    map[idx].next = head;
    map[idx].prev = BUDDY_NIL;
    if (head != BUDDY_NIL)
        map[head].prev = idx;
    area->head = idx;
    area->count++;
    z->nonempty |= 1u << order;
}

/* ---- the hot cache --------------------------------------------------------- */

/* Put the free frame idx on top of the stack; the caller knows there is
 * room. page.next remembers the slot, for hot_remove. */
static BUDDY_INLINE void hot_push(struct buddy_zone *z, uint32_t idx)
{
    struct page *p = &z->map[idx];
    uint32_t slot = z->hot_count;

    set_state(p, PAGE_STATE(PG_HOT, 0), 0);
    p->next = slot;
    z->hot[slot] = idx;
    z->hot_count = slot + 1;
}

/* Take the stacked frame idx off the stack, from whatever slot it is in:
 * the top entry moves into that slot. Its state is left for the caller. */
static inline void hot_remove(struct buddy_zone *z, uint32_t idx)
{
    uint32_t slot = z->map[idx].next;
    uint32_t last = z->hot[--z->hot_count];

    z->hot[slot] = last;
    z->map[last].next = slot;
}

/* Is zone index idx inside the open batch? (batch_n is 0 when none is.) */
static inline bool in_batch(const struct buddy_zone *z, uint32_t idx)
{
    return idx - z->batch < z->batch_n;
}

/* Close the open batch: its frames lose their mark. The caller has dealt
 * with its free frames. */
static void batch_unmark(struct buddy_zone *z)
{
    for (uint32_t i = 0; i < z->batch_n; i++)
        z->map[z->batch + i].batch = 0;
    z->batch_n = 0;
    z->batch_free = 0;
}

/* ---- split (allocation) -------------------------------------------------- */

/* The block of order `from` at idx, just taken off its list, is split down
 * to order `to`: each upper half goes on the list of its order. Every list
 * between `to` and `from` is empty (that is why the block came from
 * `from`), so each half becomes the only block of its list, and the
 * non-empty mask gets all their bits at once. The loop is written with
 * its induction variables spelled out: `bit` is 2^order, `want` the page
 * state of a free head of that order, `area` its free list. */
static void split_down(struct buddy_zone *z, uint32_t idx, unsigned from, unsigned to)
{
    struct page *const map = z->map;
    struct buddy_free_area *area = &z->area[from];
    uint32_t bit = 1u << from, stop = 1u << to;
    uint32_t want = PAGE_STATE(PG_FREE, from);

    z->nonempty |= bit - stop;
    do {
        bit >>= 1;
        want -= PAGE_STATE(0, 1);
        area--;
        struct page *h = &map[idx + bit];
        h->next = BUDDY_NIL;
        h->prev = BUDDY_NIL;
        set_state(h, want, 0);
        area->head = idx + bit;
        area->count = 1;
    } while (bit > stop);
}

/* Take the first block off list `from`: its index. */
static inline uint32_t take_first(struct buddy_zone *z, unsigned from)
{
    struct page *const map = z->map;
    struct buddy_free_area *area = &z->area[from];
    uint32_t idx = area->head;
    uint32_t next = map[idx].next;

    /* Pop the head. The list is empty afterwards iff it had one block. */
    area->head = next;
    if (next != BUDDY_NIL)
        map[next].prev = BUDDY_NIL;
    else
        z->nonempty &= ~(1u << from);
    area->count--;
    return idx;
}

/* ---- join (free) --------------------------------------------------------- */

/* One step of the join chain: if the buddy of the block of order k at
 * offset *x is a whole free block of order k, take the buddy off its list
 * and join the two (the lower one heads the joined block).
 *
 * Offsets: the chain runs inside one aligned block (`top`, of order
 * `limit`, see join_and_push) that lies wholly inside the zone, so no buddy
 * needs a bounds check. *x is the block's offset from `top`, counted in bytes
 * of descriptors (frame offset * 16): as `top` is aligned, the buddy's
 * descriptor is at top + (*x ^ (16 << k)), one XOR and one add away, with no
 * subtraction of the zone's base and no scaling. map is z->map, for the list
 * links (which are zone indices). Everything is passed in so that it stays
 * in registers across the stores.
 *
 * join_chain writes the chain out once per order, so k is a constant in
 * each copy: the buddy's offset bit, the state it must have, its list and its
 * bit in the non-empty mask are all immediates. A step that joins costs about
 * twenty instructions, wherever the buddy sits on its list. */
static BUDDY_INLINE bool join_step(struct buddy_zone *z, struct page *map, char *top, uintptr_t *x,
                                   unsigned k)
{
    const uintptr_t step = sizeof(struct page) << k;
    struct page *b = (struct page *)(top + (*x ^ step));
    struct buddy_free_area *area = &z->area[k];

    /* flags and order in one comparison: a free head of order k */
    if (b->state != PAGE_STATE(PG_FREE, k))
        return false;
    list_unlink(z, map, area, b, k);
    b->state = 0; /* a tail now (or the new head: marked when pushed) */
    *x &= ~step;
    return true;
}

/* Join the block of `order` at offset *x in `top` with its buddies as far
 * as they go, but not above order `limit`; returns the order reached, and
 * *x the offset of the joined block. This is the loop "for k = order..limit-1:
 * join_step or stop" written out by hand, one line per order, so that each
 * step works with constants. Lines below `order` are skipped; once a line
 * has run, the `order <= k` tests that follow are known to hold and the
 * compiler drops them. When `limit` is the constant BUDDY_MAX_ORDER, the
 * `k >= limit` tests vanish too. */
static BUDDY_INLINE unsigned join_chain(struct buddy_zone *z, struct page *map, char *top,
                                        uintptr_t *x, unsigned order, unsigned limit)
{
    if (order <= 0 && (0 >= limit || !join_step(z, map, top, x, 0)))
        return 0;
    if (order <= 1 && (1 >= limit || !join_step(z, map, top, x, 1)))
        return 1;
    if (order <= 2 && (2 >= limit || !join_step(z, map, top, x, 2)))
        return 2;
    if (order <= 3 && (3 >= limit || !join_step(z, map, top, x, 3)))
        return 3;
    if (order <= 4 && (4 >= limit || !join_step(z, map, top, x, 4)))
        return 4;
    if (order <= 5 && (5 >= limit || !join_step(z, map, top, x, 5)))
        return 5;
    if (order <= 6 && (6 >= limit || !join_step(z, map, top, x, 6)))
        return 6;
    if (order <= 7 && (7 >= limit || !join_step(z, map, top, x, 7)))
        return 7;
    if (order <= 8 && (8 >= limit || !join_step(z, map, top, x, 8)))
        return 8;
    if (order <= 9 && (9 >= limit || !join_step(z, map, top, x, 9)))
        return 9;
    return BUDDY_MAX_ORDER;
}
_Static_assert(BUDDY_MAX_ORDER == 10, "join_chain has one step per order below BUDDY_MAX_ORDER");

/* The largest order of an aligned block around pfn that lies inside the
 * zone, for a pfn whose order-10 region does not (so the answer is below
 * BUDDY_MAX_ORDER). The aligned block of order m around pfn starts at or
 * after base iff pfn and base - 1 differ in some bit >= m, and ends before
 * base + nframes iff pfn and base + nframes differ in some bit >= m. So the
 * answer is the highest bit in which pfn differs from the closer of the two
 * (for unsigned numbers, the smaller has the lower highest bit). */
static inline unsigned edge_limit(const struct buddy_zone *z, uint32_t pfn)
{
    uint32_t below = pfn ^ (z->base_pfn - 1);
    uint32_t above = pfn ^ (z->base_pfn + z->nframes);
    return 31u - (unsigned)__builtin_clz(below < above ? below : above);
}

/* Join the block of `order` at zone index *idx with its free buddies, as
 * join_chain does, but never above order `cap`, nor above the largest
 * aligned block around it that lies inside the zone. Returns the order
 * reached, and *idx the joined block. For allocations that join up to the
 * order they want (alloc_short). */
static BUDDY_INLINE unsigned join_bounded(struct buddy_zone *z, uint32_t *idx, unsigned order,
                                          unsigned cap)
{
    const uint32_t pfn = z->base_pfn + *idx;
    const uint32_t region = *idx - (pfn & ((1u << BUDDY_MAX_ORDER) - 1));
    unsigned limit = cap;

    if (region >= z->inner_lim) {
        unsigned edge = edge_limit(z, pfn);
        if (edge < limit)
            limit = edge;
    }
    if (limit <= order)
        return order;
    uint32_t off = pfn & ((1u << limit) - 1);
    uint32_t top = *idx - off;
    uintptr_t x = off * sizeof(struct page);
    order = join_chain(z, z->map, (char *)&z->map[top], &x, order, limit);
    *idx = top + (uint32_t)(x / sizeof(struct page));
    return order;
}

/* The block of `order` at zone index idx has a free buddy of the same
 * order: join them, and again one order up as long as the buddy is a whole
 * free block of the same order, then push the result. Out of line: most
 * frees have nothing to join. Returns 0, for tail calls.
 *
 * The chain needs an aligned block around the block being freed that lies
 * wholly inside the zone (join_step). Almost always that is its order-10
 * region, and the chain can run up to BUDDY_MAX_ORDER with no limit test;
 * only near the zone's two ends is it a smaller block, whose order then
 * bounds the chain. The lists' counts and the non-empty mask
 * are updated as the chain goes, not gathered for the end: each step
 * touches a different list, with constants, so gathering saves nothing. */
BUDDY_NOINLINE static int join_and_push(struct buddy_zone *z, uint32_t idx, unsigned order)
{
    struct page *const map = z->map;
    const uint32_t pfn = z->base_pfn + idx;
    /* The block's offset in its order-10 region, and the zone index where
     * that region starts (a huge value, wrapped, if it starts below the
     * zone). */
    uint32_t off = pfn & ((1u << BUDDY_MAX_ORDER) - 1);
    uint32_t top = idx - off;

    if (top < z->inner_lim) {
        /* The common case: the region lies wholly inside the zone. */
        uintptr_t x = off * sizeof(struct page);
        order = join_chain(z, map, (char *)&map[top], &x, order, BUDDY_MAX_ORDER);
        idx = top + (uint32_t)(x / sizeof(struct page));
    } else {
        /* Near either end of the zone: the largest aligned block around
         * pfn that lies inside it. Its order is above `order`, since the
         * first buddy was found inside the zone (free_block); telling the
         * compiler so saves the first limit test. */
        unsigned limit = edge_limit(z, pfn);
        if (limit <= order)
            __builtin_unreachable();
        off = pfn & ((1u << limit) - 1);
        top = idx - off;
        uintptr_t x = off * sizeof(struct page);
        order = join_chain(z, map, (char *)&map[top], &x, order, limit);
        idx = top + (uint32_t)(x / sizeof(struct page));
    }
    list_push(z, idx, order);
    return 0;
}

/* Give the block of `order` at pfn back to the free lists, joining it with
 * its buddy as long as the buddy is a whole free block of the same order. A
 * buddy that is allocated, reserved, cached, split further or outside the
 * zone stops the joining (a cached buddy is the callers' business: see
 * join_hot). The block's head must already have state 0 (a tail, unless it
 * stays the head: the push marks it) and refcount 0. Returns 0. */
static inline int free_block(struct buddy_zone *z, uint32_t pfn, unsigned order)
{
    const uint32_t bit = 1u << order;
    /* Alignment is on the absolute pfn. An index below the base wraps to
     * a huge value, so one comparison rejects both sides. */
    uint32_t bidx = (pfn ^ bit) - z->base_pfn;

    /* Most frees join nothing: one look at the buddy decides. */
    if (order < BUDDY_MAX_ORDER && bidx < z->nframes &&
        z->map[bidx].state == PAGE_STATE(PG_FREE, order))
        return join_and_push(z, pfn - z->base_pfn, order);
    list_push(z, pfn - z->base_pfn, order);
    return 0;
}

/* The single frame at pfn (state 0 already) is freed while its buddy frame
 * at bidx sits in the cache: take the buddy out, and free the pair as one
 * order-1 block. */
BUDDY_NOINLINE static int join_hot(struct buddy_zone *z, uint32_t pfn, uint32_t bidx)
{
    hot_remove(z, bidx);
    z->map[bidx].state = 0;
    return free_block(z, pfn & ~1u, 1);
}

/* free_block for the rare callers (add_range, drains), so that it is not
 * copied into each; they pass a free or cached head with refcount 0. A
 * single frame whose buddy is cached is joined with it. */
BUDDY_NOINLINE static void free_block_out(struct buddy_zone *z, uint32_t pfn, unsigned order)
{
    uint32_t bidx = (pfn ^ 1) - z->base_pfn;

    z->map[pfn - z->base_pfn].state = 0;
    if (order == 0 && bidx < z->nframes && z->map[bidx].state == PAGE_STATE(PG_HOT, 0))
        join_hot(z, pfn, bidx);
    else
        free_block(z, pfn, order);
}

/* ---- setup ------------------------------------------------------------- */

/* A region is an aligned block of order BUDDY_MAX_ORDER. The one that
 * starts at zone index r lies wholly inside a zone of nframes frames iff
 * r < inner_lim(nframes) (r wraps to a huge value when the region starts
 * below the zone); join_and_push relies on it. */
static uint32_t inner_lim(uint32_t nframes)
{
    const uint32_t region = 1u << BUDDY_MAX_ORDER;
    return nframes >= region ? nframes - region + 1 : 0;
}

int buddy_init(struct buddy_zone *z, struct page *map, uint32_t base_pfn, uint32_t nframes)
{
    /* Indices must stay below BUDDY_NIL with room to spare (see
     * free_block), and BUDDY_NO_PFN must never be a frame of the zone. */
    if (nframes > 0x7FFFFFFFu || base_pfn > BUDDY_NO_PFN - 1 - nframes || (nframes && !map))
        return -EINVAL;
    z->map = map;
    z->base_pfn = base_pfn;
    z->nframes = nframes;
    z->nonempty = 0;
    z->inner_lim = inner_lim(nframes);
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
        z->area[k].head = BUDDY_NIL;
        z->area[k].count = 0;
    }
    for (unsigned i = 0; i < BUDDY_HOT_MAX; i++)
        z->hot[i] = BUDDY_NIL;
    z->hot_count = 0;
    z->hot_limit = BUDDY_HOT_MAX;
    z->batch = 0;
    z->batch_n = 0;
    z->batch_free = 0;
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
        map[i].state = PAGE_STATE(PG_RESERVED, 0);
        map[i].refcount = 0;
    }
    return 0;
}

int buddy_add_range(struct buddy_zone *z, uint32_t pfn, uint32_t count)
{
    uint32_t idx = pfn - z->base_pfn;

    if (idx >= z->nframes || count > z->nframes - idx) {
        if (count == 0)
            return 0;
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
    z->nr_total += count;
    while (count > 0) {
        /* Largest order that is aligned at pfn and fits in what is left. */
        unsigned order = 0;
        while (order < BUDDY_MAX_ORDER && (pfn & (1u << order)) == 0 && (2u << order) <= count)
            order++;
        uint32_t n = 1u << order;
        for (uint32_t i = 0; i < n; i++)
            z->map[idx + i].state = 0;
        z->map[idx].refcount = 0;
        free_block_out(z, pfn, order); /* may join a neighbour added earlier */
        pfn += n;
        idx += n;
        count -= n;
    }
    return 0;
}

/* ---- allocation -------------------------------------------------------- */

BUDDY_COLD static uint32_t alloc_refused(struct buddy_zone *z, unsigned order)
{
    record(z, BUDDY_E_BAD_ORDER, BUDDY_NO_PFN, order, BUDDY_NO_PFN);
    return BUDDY_NO_PFN;
}

/* Mark the block of `order` at idx allocated; its pfn. */
static uint32_t hand_out(struct buddy_zone *z, uint32_t idx, unsigned order)
{
    set_state(&z->map[idx], PAGE_STATE(PG_HEAD, order), 1);
    return z->base_pfn + idx;
}

/* Close the open batch, giving its free frames to the lists: a free pair
 * as an order-1 block (which may join more, as any free does), a single
 * frame alone (its buddy is allocated, so it joins nothing). */
static void batch_release(struct buddy_zone *z)
{
    const uint32_t start = z->batch, n = z->batch_n, m = z->batch_free;

    batch_unmark(z);
    for (uint32_t i = 0; i < n; i += 2) {
        uint32_t pair = (m >> i) & 3;
        if (pair == 3) {
            set_state(&z->map[start + i], 0, 0);
            set_state(&z->map[start + i + 1], 0, 0);
            free_block(z, z->base_pfn + start + i, 1);
        } else if (pair != 0) {
            uint32_t idx = start + i + (pair >> 1);
            set_state(&z->map[idx], 0, 0);
            free_block(z, z->base_pfn + idx, 0);
        }
    }
}

/* The whole batch is free: its frames become one block (tails state 0),
 * which joins free buddies up to `order`, and the batch closes. */
BUDDY_NOINLINE static uint32_t batch_join(struct buddy_zone *z, unsigned order)
{
    uint32_t idx = z->batch;
    const uint32_t n = z->batch_n;
    unsigned got = (unsigned)__builtin_ctz(n);
    struct page *const frames = &z->map[idx];

    for (uint32_t t = 0; t < n; t++)
        set_state(&frames[t], 0, 0);
    z->batch_n = 0;
    z->batch_free = 0;
    if (got < order)
        got = join_bounded(z, &idx, got, order);
    if (got == order)
        return hand_out(z, idx, order);
    list_push(z, idx, got); /* too small after all: listed, and refused */
    z->nr_alloc_fail++;
    return BUDDY_NO_PFN;
}

/* The aligned part of the batch at bit i, of `order` (below the batch's),
 * is free: hand it out as one block. It stays in the batch, its head
 * marked, so that its free brings it back (free_other). */
BUDDY_NOINLINE static uint32_t batch_part(struct buddy_zone *z, uint32_t i, unsigned order)
{
    const uint32_t idx = z->batch + i, size = 1u << order;

    z->batch_free &= ~(((1u << size) - 1) << i);
    for (uint32_t t = 1; t < size; t++)
        set_state(&z->map[idx + t], 0, 0);
    set_state(&z->map[idx], PAGE_STATE(PG_HEAD, order) | PAGE_BATCH, 1);
    return z->base_pfn + idx;
}

/* No list holds a block of `order` (>= 1) or more. By the cache's rules
 * (top of this file) only the open batch can hide one: an aligned part of
 * it that is wholly free, when the order is below the batch's, or the whole
 * batch, wholly free, joined with free buddies up to the order asked for.
 * If it hides none, no free block of this order exists. */
BUDDY_NOINLINE static uint32_t alloc_short(struct buddy_zone *z, unsigned order)
{
    /* bits at the multiples of 2^k, for k = 0..2, in an 8-bit mask */
    static const uint32_t aligned[BUDDY_HOT_BATCH_ORDER] = {0xFF, 0x55, 0x11};
    const uint32_t n = z->batch_n, size = 1u << order, m = z->batch_free;

    if (n > size) {
        /* bit i of `whole`: frames i..i+size-1 all free, i aligned */
        uint32_t whole = m;
        for (uint32_t w = 1; w < size; w <<= 1)
            whole &= whole >> w;
        whole &= aligned[order];
        if (whole != 0)
            return batch_part(z, (uint32_t)__builtin_ctz(whole), order);
    } else if (n != 0 && m == (1u << n) - 1) {
        return batch_join(z, order);
    }
    z->nr_alloc_fail++;
    return BUDDY_NO_PFN;
}

/* The block of order `from` at idx, off its list, is more than asked for:
 * split it down to `order` and hand out the lower part. Out of line, so
 * that a block of the right size is taken with few registers. */
BUDDY_NOINLINE static uint32_t split_out(struct buddy_zone *z, uint32_t idx, unsigned from,
                                         unsigned order)
{
    split_down(z, idx, from, order);
    return hand_out(z, idx, order);
}

/* A block of order >= 1 from the lists. */
BUDDY_NOINLINE static uint32_t alloc_block(struct buddy_zone *z, unsigned order)
{
    if (order > BUDDY_MAX_ORDER)
        return alloc_refused(z, order);
    /* The smallest non-empty list of order >= `order`, in one step. */
    uint32_t avail = z->nonempty >> order;
    if (avail == 0)
        return alloc_short(z, order);
    unsigned from = order + (unsigned)__builtin_ctz(avail);
    uint32_t idx = take_first(z, from);
    if (from != order)
        return split_out(z, idx, from, order);
    return hand_out(z, idx, order);
}

/* The cache is empty: take a small block (from the smallest list, so big
 * blocks stay whole), hand out its first frame, and make it the open batch
 * with the other frames free (lowest first out). The old batch, all of it
 * handed out, closes. With the cache off (hot_limit 0) this is a plain
 * split down to order 0. */
BUDDY_NOINLINE static uint32_t alloc_refill(struct buddy_zone *z)
{
    if (z->nonempty == 0) {
        z->nr_alloc_fail++;
        return BUDDY_NO_PFN;
    }
    unsigned from = (unsigned)__builtin_ctz(z->nonempty);
    unsigned r = from < BUDDY_HOT_BATCH_ORDER ? from : BUDDY_HOT_BATCH_ORDER;
    if (z->hot_limit == 0)
        r = 0;
    batch_unmark(z);
    uint32_t idx = take_first(z, from);
    if (from != r)
        split_down(z, idx, from, r);
    if (r == 0)
        return hand_out(z, idx, 0);
    const uint32_t n = 1u << r;
    for (uint32_t t = 1; t < n; t++)
        set_state(&z->map[idx + t], PAGE_STATE(PG_HOT, 0) | PAGE_BATCH, 0);
    set_state(&z->map[idx], PAGE_STATE(PG_HEAD, 0) | PAGE_BATCH, 1);
    z->batch = idx;
    z->batch_n = n;
    z->batch_free = (1u << n) - 2;
    return z->base_pfn + idx;
}

uint32_t buddy_alloc(struct buddy_zone *z, unsigned order)
{
    if (order != 0)
        return alloc_block(z, order);
    /* The hot paths: the lowest free frame of the batch, else the frame
     * stacked last. */
    uint32_t m = z->batch_free;
    if (m != 0) {
        uint32_t idx = z->batch + (uint32_t)__builtin_ctz(m);
        z->batch_free = m & (m - 1);
        set_state(&z->map[idx], PAGE_STATE(PG_HEAD, 0) | PAGE_BATCH, 1);
        return z->base_pfn + idx;
    }
    if (z->hot_count == 0)
        return alloc_refill(z);
    uint32_t idx = z->hot[--z->hot_count];
    set_state(&z->map[idx], PAGE_STATE(PG_HEAD, 0), 1);
    return z->base_pfn + idx;
}

/* ---- free -------------------------------------------------------------- */

/* The free was refused: work out why, in O(orders), and record it. */
BUDDY_COLD static int free_refused(struct buddy_zone *z, uint32_t pfn, unsigned order)
{
    uint32_t idx = pfn - z->base_pfn;
    uint32_t block = BUDDY_NO_PFN;
    int why;

    if (order > BUDDY_MAX_ORDER) {
        why = BUDDY_E_BAD_ORDER;
    } else if (idx >= z->nframes) {
        why = BUDDY_E_OUT_OF_ZONE;
    } else if (pfn & ((1u << order) - 1)) {
        why = BUDDY_E_MISALIGNED;
    } else {
        const struct page *p = &z->map[idx];
        if (p->flags & PG_RESERVED) {
            why = BUDDY_E_RESERVED;
        } else if (p->flags & (PG_FREE | PG_HOT)) {
            why = BUDDY_E_DOUBLE_FREE;
            block = pfn;
        } else if (p->flags & PG_HEAD) {
            why = p->order != order ? BUDDY_E_WRONG_ORDER : BUDDY_E_FLAGS_BUSY;
            block = pfn;
        } else {
            /* A tail frame: the head of its block is the frame at pfn
             * rounded down to the block's order; try each order. */
            why = BUDDY_E_CORRUPT;
            for (unsigned k = 1; k <= BUDDY_MAX_ORDER; k++) {
                uint32_t h = pfn & ~((1u << k) - 1);
                uint32_t hidx = h - z->base_pfn;
                if (hidx >= z->nframes)
                    break;
                const struct page *q = &z->map[hidx];
                if (!(q->flags & (PG_FREE | PG_HEAD)) || q->order < k)
                    continue;
                why = (q->flags & PG_FREE) ? BUDDY_E_INSIDE_FREE : BUDDY_E_NOT_HEAD;
                block = h;
                break;
            }
        }
    }
    record(z, why, pfn, order, block);
    return -EINVAL;
}

/* Not the head of a plain allocated block of this order (free_to_lists):
 * a part of the open batch that alloc_short handed out, which goes back to
 * the batch frame by frame, or a misuse. */
BUDDY_COLD static int free_other(struct buddy_zone *z, uint32_t pfn, unsigned order)
{
    const uint32_t idx = pfn - z->base_pfn;

    if (order < BUDDY_HOT_BATCH_ORDER && in_batch(z, idx) &&
        z->map[idx].state == (PAGE_STATE(PG_HEAD, order) | PAGE_BATCH)) {
        const uint32_t size = 1u << order;
        for (uint32_t t = 0; t < size; t++)
            set_state(&z->map[idx + t], PAGE_STATE(PG_HOT, 0) | PAGE_BATCH, 0);
        z->batch_free |= ((1u << size) - 1) << (idx - z->batch);
        return 0;
    }
    return free_refused(z, pfn, order);
}

/* A block of order >= 1: check, then back to the lists. This is free_block
 * written out again, so that the common case (no join) stores the head's
 * state once. */
BUDDY_NOINLINE static int free_to_lists(struct buddy_zone *z, uint32_t pfn, unsigned order)
{
    struct page *const map = z->map;
    const uint32_t idx = pfn - z->base_pfn;

    /* Only the head of an allocated block of exactly this order, with no
     * other flag left on it, may be freed: one comparison of its state.
     * Heads are aligned by construction, so this also rules out misaligned
     * frees. Anything else goes to free_other: a part of the batch, or a
     * misuse. (The order is checked first so that the shift in PAGE_STATE
     * cannot wrap.) */
    if (idx >= z->nframes || order > BUDDY_MAX_ORDER ||
        map[idx].state != PAGE_STATE(PG_HEAD, order))
        return free_other(z, pfn, order);
    const uint32_t bit = 1u << order;
    const uint32_t bidx = (pfn ^ bit) - z->base_pfn;
    /* Two free order-10 buddies stay apart, hence the last test; it comes
     * last because a free buddy is the rare case. */
    if (bidx < z->nframes && map[bidx].state == PAGE_STATE(PG_FREE, order) &&
        order < BUDDY_MAX_ORDER) {
        set_state(&map[idx], 0, 0); /* a tail, unless it stays the head */
        return join_and_push(z, idx, order);
    }
    list_push(z, idx, order);
    return 0;
}

/* A single frame that may not be cached goes to the lists: joined with its
 * buddy frame if that is free (listed, or cached: join_hot), else pushed.
 * bstate is the buddy's state, or 0 when it lies outside the zone. */
BUDDY_NOINLINE static int free_frame(struct buddy_zone *z, uint32_t idx, uint32_t bstate)
{
    const uint32_t pfn = z->base_pfn + idx;

    set_state(&z->map[idx], 0, 0);
    if (bstate == PAGE_STATE(PG_HOT, 0))
        return join_hot(z, pfn, (pfn ^ 1) - z->base_pfn);
    if (bstate == PAGE_STATE(PG_FREE, 0))
        return join_and_push(z, idx, 0);
    list_push(z, idx, 0);
    return 0;
}

int buddy_free(struct buddy_zone *z, uint32_t pfn, unsigned order)
{
    if (order != 0)
        return free_to_lists(z, pfn, order);

    /* The hot path: an allocated single frame goes into the cache if its
     * buddy frame is not free and the cache has room, or if it is from the
     * open batch (marked). (A free buddy is a free order-0 head or a cached
     * frame: a larger free block around it would contain this frame too.)
     * Otherwise free_frame joins or lists it. See the top of this file. */
    uint32_t idx = pfn - z->base_pfn;
    if (idx >= z->nframes)
        return free_refused(z, pfn, 0);
    uint32_t state = z->map[idx].state;
    if (state == PAGE_STATE(PG_HEAD, 0)) {
        uint32_t bidx = (pfn ^ 1) - z->base_pfn;
        uint32_t bstate = bidx < z->nframes ? z->map[bidx].state : 0;
        if ((bstate & PAGE_STATE(PG_FREE | PG_HOT, 0)) || z->hot_count >= z->hot_limit)
            return free_frame(z, idx, bstate);
        hot_push(z, idx);
        return 0;
    }
    if (state != (PAGE_STATE(PG_HEAD, 0) | PAGE_BATCH))
        return free_refused(z, pfn, 0);
    set_state(&z->map[idx], PAGE_STATE(PG_HOT, 0) | PAGE_BATCH, 0);
    z->batch_free |= 1u << (idx - z->batch);
    return 0;
}

void buddy_drain(struct buddy_zone *z)
{
    batch_release(z);
    while (z->hot_count > 0) {
        uint32_t idx = z->hot[--z->hot_count];
        free_block_out(z, z->base_pfn + idx, 0); /* may take a cached buddy too */
    }
}

void buddy_set_hot_limit(struct buddy_zone *z, uint32_t limit)
{
    buddy_drain(z);
    z->hot_limit = limit < BUDDY_HOT_MAX ? limit : BUDDY_HOT_MAX;
}

/* ---- invariants -------------------------------------------------------- */

static int broken(struct buddy_error *why, int reason, const struct buddy_zone *z, uint32_t idx,
                  uint32_t order)
{
    if (why) {
        why->reason = reason;
        why->pfn = idx == BUDDY_NIL ? BUDDY_NO_PFN : z->base_pfn + idx;
        why->order = order;
        why->block_pfn = BUDDY_NO_PFN;
    }
    return -EINVAL;
}

int buddy_check_report(const struct buddy_zone *z, struct buddy_error *why)
{
    uint32_t heads[BUDDY_NR_ORDERS] = {0}; /* free heads seen per order */
    uint32_t free_pages = 0, used_pages = 0, managed = 0, hot_seen = 0;

    if (z->nframes > 0x7FFFFFFFu || z->base_pfn > BUDDY_NO_PFN - 1 - z->nframes ||
        (z->nframes && !z->map) || z->hot_limit > BUDDY_HOT_MAX || z->hot_count > z->hot_limit ||
        z->nr_total > z->nframes || z->inner_lim != inner_lim(z->nframes))
        return broken(why, BUDDY_I_ZONE, z, BUDDY_NIL, 0);
    /* The batch: none, or an aligned block of 2..2^BUDDY_HOT_BATCH_ORDER
     * frames inside the zone, with a free mask of that many bits. */
    if (z->batch_n == 0
            ? z->batch_free != 0
            : (z->batch_n & (z->batch_n - 1) || z->batch_n < 2 ||
               z->batch_n > (1u << BUDDY_HOT_BATCH_ORDER) || z->batch >= z->nframes ||
               z->batch_n > z->nframes - z->batch || (z->base_pfn + z->batch) & (z->batch_n - 1) ||
               z->batch_free >> z->batch_n))
        return broken(why, BUDDY_I_BATCH, z, BUDDY_NIL, 0);

    /* 1. Walk the zone from the start: it must split exactly into reserved
     * frames, hot frames and blocks whose tails carry no buddy flag. */
    for (uint32_t i = 0; i < z->nframes;) {
        const struct page *p = &z->map[i];
        uint16_t f = p->flags & PG_BUDDY_MASK;
        if (f == 0)
            return broken(why, BUDDY_I_ORPHAN, z, i, 0);
        if (f & (f - 1)) /* more than one buddy flag */
            return broken(why, BUDDY_I_FLAGS, z, i, 0);
        if (f == PG_RESERVED) {
            if (in_batch(z, i) || p->batch)
                return broken(why, BUDDY_I_BATCH, z, i, 0);
            i++;
            continue;
        }
        managed++;
        /* Exactly the heads in the open batch are marked (page.state
         * comparisons rely on the mark being 0 or 1): free frames, whose
         * bits in batch_free are set, and allocated blocks smaller than
         * the batch, whose bits are clear. */
        if (in_batch(z, i)) {
            if (p->batch != 1 || p->order >= BUDDY_HOT_BATCH_ORDER ||
                (1u << p->order) >= z->batch_n)
                return broken(why, BUDDY_I_BATCH, z, i, p->order);
            uint32_t bits = (1u << (1u << p->order)) - 1;
            uint32_t mine = (z->batch_free >> (i - z->batch)) & bits;
            if (f == PG_HOT ? mine != 1 : (f != PG_HEAD || mine != 0))
                return broken(why, BUDDY_I_BATCH, z, i, p->order);
        } else if (p->batch != 0) {
            return broken(why, BUDDY_I_BATCH, z, i, p->order);
        }
        if (f == PG_HOT) {
            if (p->flags != PG_HOT || p->order != 0)
                return broken(why, BUDDY_I_FLAGS, z, i, p->order);
            if (p->refcount != 0)
                return broken(why, BUDDY_I_REFCOUNT, z, i, 0);
            hot_seen++;
            i++;
            continue;
        }
        unsigned order = p->order;
        uint32_t n = 1u << (order & 31);
        if (order > BUDDY_MAX_ORDER || ((z->base_pfn + i) & (n - 1)) || n > z->nframes - i)
            return broken(why, BUDDY_I_BAD_BLOCK, z, i, order);
        for (uint32_t t = 1; t < n; t++) {
            if ((z->map[i + t].flags & PG_BUDDY_MASK) || z->map[i + t].batch)
                return broken(why, BUDDY_I_TAIL, z, i + t, order);
        }
        /* A block that starts before the batch may not reach into it. */
        if (z->batch_n != 0 && i < z->batch && z->batch < i + n)
            return broken(why, BUDDY_I_BATCH, z, i, order);
        managed += n - 1;
        if (f == PG_FREE) {
            if (p->flags != PG_FREE)
                return broken(why, BUDDY_I_FLAGS, z, i, order);
            if (p->refcount != 0)
                return broken(why, BUDDY_I_REFCOUNT, z, i, order);
            if (order < BUDDY_MAX_ORDER) {
                uint32_t b = ((z->base_pfn + i) ^ n) - z->base_pfn;
                if (b < z->nframes && z->map[b].flags == PG_FREE && z->map[b].order == order)
                    return broken(why, BUDDY_I_UNMERGED, z, i, order);
            }
            heads[order]++;
            free_pages += n;
        } else {
            used_pages += n;
        }
        i += n;
    }

    /* 2. Each list: distinct free heads of its order, consistent links,
     * exactly as long as its count. A walk of `count` steps that ends on
     * BUDDY_NIL cannot have visited a frame twice. */
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
        const struct buddy_free_area *a = &z->area[k];
        uint32_t prev = BUDDY_NIL, idx = a->head, steps = 0;
        if (a->count != heads[k])
            return broken(why, BUDDY_I_LIST_COUNT, z, idx < z->nframes ? idx : BUDDY_NIL, k);
        if (!!(z->nonempty & (1u << k)) != (a->count != 0))
            return broken(why, BUDDY_I_MASK, z, BUDDY_NIL, k);
        while (idx != BUDDY_NIL) {
            if (idx >= z->nframes || z->map[idx].prev != prev)
                return broken(why, BUDDY_I_LIST_LINK, z, idx < z->nframes ? idx : BUDDY_NIL, k);
            if (z->map[idx].flags != PG_FREE || z->map[idx].order != k)
                return broken(why, BUDDY_I_LIST_ENTRY, z, idx, k);
            if (++steps > a->count)
                return broken(why, BUDDY_I_LIST_LINK, z, idx, k);
            prev = idx;
            idx = z->map[idx].next;
        }
        if (steps != a->count)
            return broken(why, BUDDY_I_LIST_COUNT, z, BUDDY_NIL, k);
    }
    if (z->nonempty >> BUDDY_NR_ORDERS)
        return broken(why, BUDDY_I_MASK, z, BUDDY_NIL, 0);

    /* 3. The stack: cached frames from outside the batch, each knowing its
     * slot (so no frame is in two slots), none with a free buddy frame (that
     * would hide a join); with the batch's, all the cached frames. */
    for (uint32_t h = 0; h < z->hot_count; h++) {
        uint32_t idx = z->hot[h];
        if (idx >= z->nframes || z->map[idx].state != PAGE_STATE(PG_HOT, 0) ||
            z->map[idx].next != h)
            return broken(why, BUDDY_I_HOT, z, idx < z->nframes ? idx : BUDDY_NIL, 0);
        uint32_t b = ((z->base_pfn + idx) ^ 1) - z->base_pfn;
        if (b < z->nframes && (z->map[b].flags & (PG_FREE | PG_HOT)))
            return broken(why, BUDDY_I_HIDDEN, z, idx, 0);
    }
    if (hot_seen != buddy_nr_hot(z))
        return broken(why, BUDDY_I_HOT, z, BUDDY_NIL, 0);

    /* 4. Totals. */
    if (managed != z->nr_total || free_pages + hot_seen != buddy_nr_free(z) ||
        used_pages != z->nr_total - buddy_nr_free(z))
        return broken(why, BUDDY_I_TOTALS, z, BUDDY_NIL, 0);
    if (why) {
        why->reason = BUDDY_OK;
        why->pfn = BUDDY_NO_PFN;
        why->order = 0;
        why->block_pfn = BUDDY_NO_PFN;
    }
    return 0;
}

int buddy_check(const struct buddy_zone *z)
{
    return buddy_check_report(z, NULL);
}

/* ---- reporting --------------------------------------------------------- */

const char *buddy_error_name(int reason)
{
    static const char *const names[BUDDY_NR_REASONS] = {
        [BUDDY_OK] = "no error",
        [BUDDY_E_BAD_ORDER] = "order above BUDDY_MAX_ORDER",
        [BUDDY_E_OUT_OF_ZONE] = "frame outside the zone",
        [BUDDY_E_MISALIGNED] = "block not aligned to its order",
        [BUDDY_E_RESERVED] = "frame is reserved, never allocated",
        [BUDDY_E_DOUBLE_FREE] = "block is already free (double free)",
        [BUDDY_E_INSIDE_FREE] = "frame inside a free block (double free or never allocated)",
        [BUDDY_E_NOT_HEAD] = "frame inside an allocated block, not its first frame",
        [BUDDY_E_WRONG_ORDER] = "block was allocated with another order",
        [BUDDY_E_FLAGS_BUSY] = "block still carries non-buddy page flags",
        [BUDDY_E_NOT_RESERVED] = "frame was already given to the allocator",
        [BUDDY_E_CORRUPT] = "frame descriptors contradict each other",
        [BUDDY_I_ZONE] = "zone header inconsistent",
        [BUDDY_I_FLAGS] = "impossible page flags",
        [BUDDY_I_ORPHAN] = "frame neither reserved nor in any block",
        [BUDDY_I_BAD_BLOCK] = "block head with bad order, misaligned or past the zone end",
        [BUDDY_I_TAIL] = "frame inside a block carries buddy flags",
        [BUDDY_I_LIST_LINK] = "free list link broken",
        [BUDDY_I_LIST_ENTRY] = "free list holds a frame that is not a free head of its order",
        [BUDDY_I_LIST_COUNT] = "free list length disagrees with its count",
        [BUDDY_I_MASK] = "non-empty order mask disagrees with the counts",
        [BUDDY_I_UNMERGED] = "two free buddies left unmerged",
        [BUDDY_I_HOT] = "hot cache inconsistent",
        [BUDDY_I_HIDDEN] = "cached frame outside the batch has a free buddy",
        [BUDDY_I_BATCH] = "open batch misplaced, or holding a free block or reserved frame",
        [BUDDY_I_TOTALS] = "free/used totals disagree with the blocks",
        [BUDDY_I_REFCOUNT] = "free frame with a non-zero reference count",
    };
    if (reason < 0 || reason >= BUDDY_NR_REASONS || !names[reason])
        return "unknown reason";
    return names[reason];
}

/* Append s to buf, keeping a NUL; *len counts what would have been written. */
static void put_str(char *buf, size_t size, size_t *len, const char *s)
{
    for (; *s; s++, (*len)++) {
        if (*len + 1 < size)
            buf[*len] = *s;
    }
}

/* Append n in decimal, right-aligned in `width` columns (32-bit division only). */
static void put_uint(char *buf, size_t size, size_t *len, uint32_t n, unsigned width)
{
    char digits[11];
    unsigned nd = 0;
    do {
        digits[nd++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    char pad[2] = {' ', 0};
    while (width-- > nd)
        put_str(buf, size, len, pad);
    while (nd) {
        char d[2] = {digits[--nd], 0};
        put_str(buf, size, len, d);
    }
}

int buddy_format_info(const struct buddy_zone *z, const char *zone_name, char *buf, size_t size)
{
    size_t len = 0, name_len = 0;

    while (zone_name[name_len])
        name_len++;
    put_str(buf, size, &len, "Node 0, zone ");
    for (; name_len < 8; name_len++)
        put_str(buf, size, &len, " ");
    put_str(buf, size, &len, zone_name);
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
        put_str(buf, size, &len, " ");
        put_uint(buf, size, &len, z->area[k].count, 6);
    }
    if (size > 0)
        buf[len < size ? len : size - 1] = '\0';
    return len < size ? (int)len : -ERANGE;
}
