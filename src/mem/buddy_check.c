/* The invariant checker, the error names and the buddyinfo formatter for
 * the buddy allocator (buddy.c). Nothing here changes a zone.
 *
 * buddy_check_report verifies, from the descriptors alone:
 *  1. the zone splits exactly into reserved frames, cached single frames
 *     (PG_HOT) and blocks, each block aligned, inside the zone, with a head
 *     of a sane order and tails that carry no buddy flag;
 *  2. no free block has a free buddy of the same order left unjoined;
 *  3. each free list holds exactly the free heads of its order, with
 *     consistent links, the right count and its bit in the non-empty mask;
 *  4. the totals add up.
 */
#include "mem/buddy_check.h"

#include "kernel/errno.h"

/* Fill *why (if asked) and return -EINVAL. idx is a zone index or BUDDY_NIL. */
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

/* What walk_zone counts. */
struct tally {
    uint32_t heads[BUDDY_NR_ORDERS]; /* free heads per order */
    uint32_t free_pages, used_pages, hot_pages;
};

/* The block with its head at zone index i, a free or allocated head (f is
 * its buddy flag): a sane order, inside the zone, tails unmarked, and for a
 * free block no free buddy of the same order. */
static int check_block(const struct buddy_zone *z, uint32_t i, uint16_t f, struct tally *t,
                       struct buddy_error *why)
{
    const struct page *p = &z->map[i];
    unsigned order = p->order;
    if (order > BUDDY_MAX_ORDER)
        return broken(why, BUDDY_I_BAD_BLOCK, z, i, order);
    uint32_t n = 1u << order;
    if (((z->base_pfn + i) & (n - 1)) || n > z->nframes - i)
        return broken(why, BUDDY_I_BAD_BLOCK, z, i, order);
    for (uint32_t k = 1; k < n; k++)
        if (z->map[i + k].flags & PG_BUDDY_MASK)
            return broken(why, BUDDY_I_TAIL, z, i + k, order);
    if (f == PG_HEAD) {
        t->used_pages += n;
        return 0;
    }
    if (p->flags != PG_FREE)
        return broken(why, BUDDY_I_FLAGS, z, i, order);
    if (p->refcount != 0)
        return broken(why, BUDDY_I_REFCOUNT, z, i, order);
    if (order < BUDDY_MAX_ORDER) {
        const struct page *b = buddy_pfn_to_page(z, (z->base_pfn + i) ^ n);
        if (b && b->flags == PG_FREE && b->order == order)
            return broken(why, BUDDY_I_UNMERGED, z, i, order);
    }
    t->heads[order]++;
    t->free_pages += n;
    return 0;
}

/* 1 and 2: walk the zone from its first frame, a block or a frame at a time. */
static int walk_zone(const struct buddy_zone *z, struct tally *t, struct buddy_error *why)
{
    for (uint32_t i = 0; i < z->nframes;) {
        const struct page *p = &z->map[i];
        uint16_t f = p->flags & PG_BUDDY_MASK;
        if (f == 0)
            return broken(why, BUDDY_I_ORPHAN, z, i, 0);
        if (f & (f - 1)) /* more than one buddy flag */
            return broken(why, BUDDY_I_FLAGS, z, i, 0);
        if (f == PG_RESERVED || f == PG_HOT) {
            if (f == PG_HOT && (p->flags != PG_HOT || p->order != 0))
                return broken(why, BUDDY_I_FLAGS, z, i, p->order);
            if (f == PG_HOT && p->refcount != 0)
                return broken(why, BUDDY_I_REFCOUNT, z, i, 0);
            t->hot_pages += f == PG_HOT;
            i++;
            continue;
        }
        int r = check_block(z, i, f, t, why);
        if (r)
            return r;
        i += 1u << p->order;
    }
    return 0;
}

/* 3: list k holds `heads` distinct free heads of order k, linked both ways.
 * A walk of at most `count` steps that ends on BUDDY_NIL cannot have
 * visited a frame twice. */
static int check_list(const struct buddy_zone *z, unsigned k, uint32_t heads,
                      struct buddy_error *why)
{
    const struct buddy_free_area *a = &z->area[k];
    uint32_t prev = BUDDY_NIL, idx = a->head, steps = 0;

    if (a->count != heads)
        return broken(why, BUDDY_I_LIST_COUNT, z, idx < z->nframes ? idx : BUDDY_NIL, k);
    if (((z->nonempty >> k) & 1) != (a->count != 0))
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
    return 0;
}

int buddy_check_report(const struct buddy_zone *z, struct buddy_error *why)
{
    struct tally t = {{0}, 0, 0, 0};

    if (z->nframes > 0x7FFFFFFFu || z->base_pfn > BUDDY_NO_PFN - 1 - z->nframes ||
        (z->nframes && !z->map) || z->nr_total > z->nframes)
        return broken(why, BUDDY_I_ZONE, z, BUDDY_NIL, 0);
    int r = walk_zone(z, &t, why);
    for (unsigned k = 0; r == 0 && k <= BUDDY_MAX_ORDER; k++)
        r = check_list(z, k, t.heads[k], why);
    if (r)
        return r;
    if (z->nonempty >> BUDDY_NR_ORDERS)
        return broken(why, BUDDY_I_MASK, z, BUDDY_NIL, 0);
    /* 4: every managed frame is free, allocated or cached, once. */
    if (t.free_pages + t.used_pages + t.hot_pages != z->nr_total)
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

/* ---- error names --------------------------------------------------------- */

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
        [BUDDY_I_HOT] = "hot-frame cache inconsistent",
        [BUDDY_I_TOTALS] = "free/used totals disagree with the blocks",
        [BUDDY_I_REFCOUNT] = "free frame with a non-zero reference count",
    };
    if (reason < 0 || reason >= BUDDY_NR_REASONS || !names[reason])
        return "unknown reason";
    return names[reason];
}

/* ---- /proc/buddyinfo ----------------------------------------------------- */

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
    while (width-- > nd)
        put_str(buf, size, len, " ");
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
