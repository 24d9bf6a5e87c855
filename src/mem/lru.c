/* Page replacement lists: see lru.h for the interface and
 * docs/11-page-replacement.md for the policies.
 *
 * Every list operation is O(1): a page knows its neighbours (page.next,
 * page.prev) and its list (PG_ACTIVE). Only lru_take_victim loops, and its
 * loops are bounded by the list lengths it finds on entry.
 *
 * The two-list policy, step by step:
 *  1. Balance. While the active list is longer than the inactive one, look
 *     at the active tail: referenced, it goes back to the active head;
 *     otherwise it moves to the inactive head (pgdeactivate). The target is
 *     Linux's for a small machine: inactive at least as long as active.
 *  2. Choose. Look at the inactive tail: a page not referenced is the
 *     victim; a referenced one moves to the active head (pgactivate).
 *     One look is enough, as Linux decides for anonymous pages. The
 *     access that faulted a page in has set its accessed bit, so a new
 *     page reaching the tail for the first time is always activated; it
 *     leaves again through step 1 if it is not used on the active list.
 *     A rule that wants two referenced looks in a row (Linux's
 *     PG_referenced for file pages) was measured with lru-sim and
 *     rejected: on the shipped xz trace with 64 frames it takes 22992
 *     faults against 3715 for one look and 4079 for exact LRU, and on
 *     sort with 8 frames 808541 against 12700 (docs/11-page-replacement.md
 *     has the table).
 *  3. Bound. Step 1 looks at each active page at most once and step 2 at
 *     each inactive page at most once (counted on entry to the step), so
 *     a page is looked at no more than twice. If every page was
 *     referenced, the scan ends without a victim and takes the coldest
 *     page: the inactive tail, or, if step 2 activated every inactive
 *     page, the active tail. A well-behaved callback would have said "not
 *     referenced" for it by then, since the scan has just asked and
 *     cleared it. */
#include "mem/lru.h"

#include <string.h>

#include "kernel/errno.h"

int lru_init(struct lru *lru, struct page *map, uint32_t nframes, enum lru_policy policy)
{
    if (!map || (unsigned)policy >= LRU_NR_POLICIES)
        return -EINVAL;
    memset(lru, 0, sizeof *lru);
    lru->map = map;
    lru->nframes = nframes;
    lru->policy = policy;
    for (int w = LRU_INACTIVE; w <= LRU_ACTIVE; w++)
        lru->list[w].head = lru->list[w].tail = BUDDY_NIL;
    return 0;
}

/* The list a page on the lists is on. */
static enum lru_which which_list(const struct page *p)
{
    return (p->flags & PG_ACTIVE) ? LRU_ACTIVE : LRU_INACTIVE;
}

static void push_head(struct lru *lru, struct lru_list *l, uint32_t pfn)
{
    struct page *p = &lru->map[pfn];
    p->prev = BUDDY_NIL;
    p->next = l->head;
    if (l->head != BUDDY_NIL)
        lru->map[l->head].prev = pfn;
    else
        l->tail = pfn;
    l->head = pfn;
    l->count++;
}

static void unlink_page(struct lru *lru, struct lru_list *l, uint32_t pfn)
{
    struct page *p = &lru->map[pfn];
    if (p->prev != BUDDY_NIL)
        lru->map[p->prev].next = p->next;
    else
        l->head = p->next;
    if (p->next != BUDDY_NIL)
        lru->map[p->next].prev = p->prev;
    else
        l->tail = p->prev;
    p->next = p->prev = BUDDY_NIL;
    l->count--;
}

/* Move a listed page to the head of list `to` (its own or the other),
 * setting PG_ACTIVE to match. */
static void move_to_head(struct lru *lru, uint32_t pfn, enum lru_which to)
{
    struct page *p = &lru->map[pfn];
    unlink_page(lru, &lru->list[which_list(p)], pfn);
    if (to == LRU_ACTIVE)
        p->flags |= PG_ACTIVE;
    else
        p->flags &= (uint16_t)~PG_ACTIVE;
    push_head(lru, &lru->list[to], pfn);
}

int lru_add(struct lru *lru, uint32_t pfn)
{
    if (pfn >= lru->nframes || (lru->map[pfn].flags & PG_LRU_FLAGS))
        return -EINVAL;
    lru->map[pfn].flags |= PG_LRU;
    push_head(lru, &lru->list[LRU_INACTIVE], pfn);
    if (lru_nr_pages(lru) > lru->peak)
        lru->peak = lru_nr_pages(lru);
    return 0;
}

int lru_remove(struct lru *lru, uint32_t pfn)
{
    if (pfn >= lru->nframes || !(lru->map[pfn].flags & PG_LRU))
        return -EINVAL;
    struct page *p = &lru->map[pfn];
    unlink_page(lru, &lru->list[which_list(p)], pfn);
    p->flags &= (uint16_t)~PG_LRU_FLAGS;
    return 0;
}

/* Two-list, step 1: age active pages until the inactive list is at least
 * as long as the active one, looking at each active page at most once. */
static void balance(struct lru *lru, lru_referenced_fn referenced, void *ctx)
{
    struct lru_list *active = &lru->list[LRU_ACTIVE], *inactive = &lru->list[LRU_INACTIVE];

    for (uint32_t budget = active->count; budget > 0 && active->count > inactive->count; budget--) {
        uint32_t pfn = active->tail;
        lru->pgscan++;
        if (referenced(pfn, ctx)) {
            move_to_head(lru, pfn, LRU_ACTIVE);
            lru->pgrotated++;
        } else {
            move_to_head(lru, pfn, LRU_INACTIVE);
            lru->pgdeactivate++;
        }
    }
}

/* Two-list, step 2: the first inactive page from the tail that was not
 * referenced, looking at each inactive page at most once; else the
 * coldest page left. */
static uint32_t two_list_victim(struct lru *lru, lru_referenced_fn referenced, void *ctx)
{
    struct lru_list *active = &lru->list[LRU_ACTIVE], *inactive = &lru->list[LRU_INACTIVE];

    for (uint32_t budget = inactive->count; budget > 0; budget--) {
        uint32_t pfn = inactive->tail;
        lru->pgscan++;
        if (!referenced(pfn, ctx))
            return pfn;
        move_to_head(lru, pfn, LRU_ACTIVE);
        lru->pgactivate++;
    }
    return inactive->count ? inactive->tail : active->tail;
}

/* CLOCK: the tail is the hand. A referenced page gets a second chance (to
 * the head, which is the same as moving the hand past it); the first page
 * that was not referenced is the victim. After a whole turn every page has
 * been asked and cleared, and the hand is back at the first: that one. */
static uint32_t clock_victim(struct lru *lru, lru_referenced_fn referenced, void *ctx)
{
    struct lru_list *ring = &lru->list[LRU_INACTIVE];

    for (uint32_t budget = ring->count; budget > 0; budget--) {
        uint32_t pfn = ring->tail;
        lru->pgscan++;
        if (!referenced(pfn, ctx))
            return pfn;
        move_to_head(lru, pfn, LRU_INACTIVE);
        lru->pgrotated++;
    }
    return ring->tail;
}

uint32_t lru_take_victim(struct lru *lru, lru_referenced_fn referenced, void *ctx)
{
    uint32_t pfn;

    if (lru_nr_pages(lru) == 0)
        return LRU_NONE;
    switch (lru->policy) {
    case LRU_FIFO:
        pfn = lru->list[LRU_INACTIVE].tail;
        lru->pgscan++;
        break;
    case LRU_CLOCK:
        pfn = clock_victim(lru, referenced, ctx);
        break;
    default:
        balance(lru, referenced, ctx);
        pfn = two_list_victim(lru, referenced, ctx);
        break;
    }
    lru_remove(lru, pfn);
    lru->pgsteal++;
    return pfn;
}

/* ---- the invariant checker --------------------------------------------- */

static int broken(struct lru_error *why, int reason, uint32_t pfn)
{
    if (why) {
        why->reason = reason;
        why->pfn = pfn;
    }
    return -EINVAL;
}

/* Whether a page on list `which` may carry these flags. */
static bool flags_fit(enum lru_which which, uint16_t flags)
{
    return (flags & PG_LRU) && !(flags & PG_ACTIVE) == (which == LRU_INACTIVE);
}

/* Walk one list from its head, `count` steps: every link inside the frames
 * and mirrored by the next page's prev, every page's flags right, and the
 * walk ends exactly at the tail. */
static int check_list(const struct lru *lru, enum lru_which which, struct lru_error *why)
{
    const struct lru_list *l = &lru->list[which];
    uint32_t prev = BUDDY_NIL, pfn = l->head;

    for (uint32_t n = 0; n < l->count; n++) {
        if (pfn == BUDDY_NIL)
            return broken(why, LRU_I_COUNT, prev);
        if (pfn >= lru->nframes)
            return broken(why, LRU_I_LINK, prev);
        const struct page *p = &lru->map[pfn];
        if (p->prev != prev)
            return broken(why, LRU_I_LINK, pfn);
        if (!flags_fit(which, p->flags))
            return broken(why, LRU_I_FLAGS, pfn);
        if (p->flags & (PG_FREE | PG_RESERVED | PG_HOT))
            return broken(why, LRU_I_FREE, pfn);
        prev = pfn;
        pfn = p->next;
    }
    if (pfn != BUDDY_NIL)
        return broken(why, LRU_I_COUNT, prev);
    if (l->tail != prev)
        return broken(why, LRU_I_LINK, l->tail);
    return 0;
}

/* Whether a page with PG_LRU looks listed from where it stands: it heads
 * its list, or its prev is a listed page whose next is this one. */
static bool linked_in(const struct lru *lru, uint32_t pfn)
{
    const struct page *p = &lru->map[pfn];
    if (p->prev == BUDDY_NIL)
        return lru->list[which_list(p)].head == pfn;
    return p->prev < lru->nframes && lru->map[p->prev].next == pfn &&
           (lru->map[p->prev].flags & PG_LRU);
}

int lru_check(const struct lru *lru, struct lru_error *why)
{
    if (!lru->map || (unsigned)lru->policy >= LRU_NR_POLICIES ||
        (lru->policy != LRU_TWO_LIST && lru->list[LRU_ACTIVE].count != 0))
        return broken(why, LRU_I_HEADER, BUDDY_NIL);
    for (int w = LRU_INACTIVE; w <= LRU_ACTIVE; w++) {
        int err = check_list(lru, (enum lru_which)w, why);
        if (err)
            return err;
    }
    /* A page with an LRU flag but on no list: one that is neither its
     * list's head nor its prev's next, or, if strays link to each other,
     * one more than the lists hold. */
    uint32_t flagged = 0;
    for (uint32_t pfn = 0; pfn < lru->nframes; pfn++) {
        const struct page *p = &lru->map[pfn];
        if (!(p->flags & PG_LRU_FLAGS))
            continue;
        if (!(p->flags & PG_LRU) || !linked_in(lru, pfn) || ++flagged > lru_nr_pages(lru))
            return broken(why, LRU_I_STRAY, pfn);
    }
    return 0;
}

const char *lru_reason_text(int reason)
{
    static const char *const text[LRU_NR_REASONS] = {
        [LRU_OK] = "no rule broken",
        [LRU_I_HEADER] = "bad policy or map, or an active list under a one-list policy",
        [LRU_I_LINK] = "a list link is out of range or disagrees with its neighbour",
        [LRU_I_COUNT] = "a list is shorter or longer than its count",
        [LRU_I_FLAGS] = "a listed page's flags disagree with its list",
        [LRU_I_STRAY] = "a page carries LRU flags but is on no list",
        [LRU_I_FREE] = "a listed page is free or reserved",
    };
    return reason >= 0 && reason < LRU_NR_REASONS ? text[reason] : "unknown reason";
}

static const char *const policy_names[LRU_NR_POLICIES] = {
    [LRU_TWO_LIST] = "lru",
    [LRU_CLOCK] = "clock",
    [LRU_FIFO] = "fifo",
};

int lru_policy_parse(const char *name, enum lru_policy *policy)
{
    for (int p = 0; p < LRU_NR_POLICIES; p++) {
        if (strcmp(name, policy_names[p]) == 0) {
            *policy = (enum lru_policy)p;
            return 0;
        }
    }
    return -EINVAL;
}

const char *lru_policy_name(enum lru_policy policy)
{
    return (unsigned)policy < LRU_NR_POLICIES ? policy_names[policy] : "?";
}
