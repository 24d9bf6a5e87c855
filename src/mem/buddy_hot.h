/* The hot-frame cache: a small stack of free single frames in front of a
 * buddy zone, so that most single-frame requests neither split nor merge.
 * A pure core, like buddy.c; pmm keeps one per zone, and hot=off on the
 * kernel command line turns them off. See buddy_hot.c. */
#ifndef MEM_BUDDY_HOT_H
#define MEM_BUDDY_HOT_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/buddy.h"

#define BUDDY_HOT_HIGH  32 /* a free that fills the cache to this many gives a batch back */
#define BUDDY_HOT_BATCH 8  /* frames moved between the cache and the lists at once */
_Static_assert(BUDDY_HOT_BATCH <= BUDDY_HOT_HIGH, "a full cache must hold a whole batch");

struct buddy_hot {
    struct buddy_zone *zone;        /* the free lists behind the cache */
    bool on;                        /* false: every call goes straight to the lists */
    uint32_t count;                 /* frames held: frame[0] .. frame[count - 1] */
    uint32_t frame[BUDDY_HOT_HIGH]; /* their pfns; the last one was freed last */
    uint32_t nr_refill;             /* batches taken from the lists */
    uint32_t nr_spill;              /* batches given back because the cache filled up */
    uint32_t nr_drain;              /* times the whole cache was given back */
};

/* Put an empty cache, on or off, in front of zone z. */
void buddy_hot_init(struct buddy_hot *h, struct buddy_zone *z, bool on);
/* Allocate 2^order frames, single frames from the cache: the first pfn,
 * or BUDDY_NO_PFN when no free block of that order exists (cache included). */
uint32_t buddy_hot_alloc(struct buddy_hot *h, unsigned order);
/* Free a block from buddy_hot_alloc or buddy_alloc; 0, or -EINVAL with the
 * zone's err saying why (see buddy_free). */
int buddy_hot_free(struct buddy_hot *h, uint32_t pfn, unsigned order);
/* Give every cached frame back to the lists. */
void buddy_hot_drain(struct buddy_hot *h);
/* Turn the cache on or off (off drains it first). */
void buddy_hot_set(struct buddy_hot *h, bool on);
/* buddy_check_report on the zone, then the cache: each frame held once and
 * marked PG_HOT, and no other frame so marked. 0, or -EINVAL with *why. */
int buddy_hot_check(const struct buddy_hot *h, struct buddy_error *why);

/* Free frames, on the lists and in the cache. */
static inline uint32_t buddy_hot_nr_free(const struct buddy_hot *h)
{
    return buddy_nr_free(h->zone) + h->count;
}

#endif
