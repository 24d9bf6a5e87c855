/* Buddy allocator for physical page frames: a pure core (no hardware, no
 * kernel globals). The kernel glue (pmm) owns one zone and its descriptor
 * array; host tests, the fuzzer and the benchmark build their own.
 *
 * Frames are named by absolute page frame numbers (pfn = physical address
 * >> 12). A block of order k is 2^k frames whose first pfn is a multiple of
 * 2^k; the descriptor of that first frame (the "head") says what the block
 * is. See buddy.c for how the algorithm works.
 *
 * Around it: buddy_hot.h, an optional cache of single frames in front of
 * the lists; buddy_check.h, the invariant checker, the error names and the
 * /proc/buddyinfo line. */
#ifndef MEM_BUDDY_H
#define MEM_BUDDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BUDDY_MAX_ORDER 10 /* largest block: 2^10 frames = 4 MiB */
#define BUDDY_NR_ORDERS (BUDDY_MAX_ORDER + 1)
#define BUDDY_NO_PFN    0xFFFFFFFFu /* "no frame": failed allocation */
#define BUDDY_NIL       0xFFFFFFFFu /* end of a free list (frame index) */

/* Page flags. The buddy allocator owns bits 0-3; at most one of them is set
 * on a frame, and a frame with none of them is a tail frame of some block.
 * Bits 4-15 belong to later subsystems (the swap path's PG_LRU, PG_ACTIVE,
 * PG_DIRTY, PG_SWAPCACHE ...): the allocator never sets them, and refuses
 * to free a block whose head still carries one (BUDDY_E_FLAGS_BUSY). */
#define PG_FREE       0x0001u /* head of a free block, on the free list of its order */
#define PG_RESERVED   0x0002u /* never given to the allocator (firmware, kernel, hole) */
#define PG_HEAD       0x0004u /* head of an allocated block */
#define PG_HOT        0x0008u /* a free frame held by the order-0 cache (buddy_hot.c) */
#define PG_BUDDY_MASK 0x000Fu

/* One descriptor per frame (the kernel's mem_map), 16 bytes. The links are
 * frame indices relative to the zone, not pointers, so the size is the same
 * on i386 and on 64-bit hosts.
 *
 * next and prev link the head of a free block into the list of its order.
 * While a block is allocated the allocator does not touch them: they are
 * the owner's, e.g. for the LRU lists of the swap path. */
struct page {
    uint32_t next, prev; /* free list links, BUDDY_NIL at the ends */
    uint16_t flags;      /* PG_* */
    uint16_t order;      /* block order, on a head */
    uint32_t refcount;   /* 1 on the head of a freshly allocated block, 0 when free */
};
_Static_assert(sizeof(struct page) == 16, "struct page must stay 16 bytes");

/* Why an operation was refused, or which invariant buddy_check found broken. */
enum buddy_reason {
    BUDDY_OK = 0,
    /* misuse, refused by buddy_free / buddy_alloc / buddy_add_range */
    BUDDY_E_BAD_ORDER,    /* order above BUDDY_MAX_ORDER */
    BUDDY_E_OUT_OF_ZONE,  /* frame (or part of a range) outside the zone */
    BUDDY_E_MISALIGNED,   /* pfn not a multiple of 2^order */
    BUDDY_E_RESERVED,     /* frame is reserved: it was never allocated */
    BUDDY_E_DOUBLE_FREE,  /* block is already free (free list or cache) */
    BUDDY_E_INSIDE_FREE,  /* frame lies inside a free block: never allocated, or freed twice */
    BUDDY_E_NOT_HEAD,     /* frame lies inside an allocated block but is not its first frame */
    BUDDY_E_WRONG_ORDER,  /* block was allocated with another order */
    BUDDY_E_FLAGS_BUSY,   /* block still carries non-buddy flags (LRU, swap...) */
    BUDDY_E_NOT_RESERVED, /* add_range: frame was already given to the allocator */
    BUDDY_E_CORRUPT,      /* the descriptors contradict each other */
    /* invariants, reported by buddy_check and buddy_hot_check */
    BUDDY_I_ZONE,       /* zone header inconsistent (sizes, limits) */
    BUDDY_I_FLAGS,      /* frame has an impossible flag combination */
    BUDDY_I_ORPHAN,     /* frame neither reserved nor inside any block */
    BUDDY_I_BAD_BLOCK,  /* block head: bad order, misaligned, or past the zone end */
    BUDDY_I_TAIL,       /* frame inside a block carries buddy flags */
    BUDDY_I_LIST_LINK,  /* free list link broken: out of zone, bad prev, cycle */
    BUDDY_I_LIST_ENTRY, /* free list holds a frame that is not a free head of that order */
    BUDDY_I_LIST_COUNT, /* free list length or count disagrees with the free heads */
    BUDDY_I_MASK,       /* non-empty-order mask disagrees with the counts */
    BUDDY_I_UNMERGED,   /* two free buddies of the same order left unmerged */
    BUDDY_I_HOT,        /* the cache holds a frame twice, a frame not marked, or miscounts */
    BUDDY_I_TOTALS,     /* free/used page totals disagree with the blocks */
    BUDDY_I_REFCOUNT,   /* free frame with a non-zero reference count */
    BUDDY_NR_REASONS
};

/* The last refusal (or broken invariant): what, which frame, which order,
 * and the block involved (e.g. the free block a frame lies in), or
 * BUDDY_NO_PFN. */
struct buddy_error {
    int reason; /* enum buddy_reason */
    uint32_t pfn;
    uint32_t order;
    uint32_t block_pfn;
};

struct buddy_free_area {
    uint32_t head;  /* frame index of the first free block, or BUDDY_NIL */
    uint32_t count; /* number of free blocks of this order */
};

struct buddy_zone {
    struct page *map;  /* nframes descriptors, map[i] is frame base_pfn + i */
    uint32_t base_pfn; /* first frame of the zone */
    uint32_t nframes;  /* frames covered, reserved ones included */
    uint32_t nonempty; /* bit k set: the list of order k is not empty */
    struct buddy_free_area area[BUDDY_NR_ORDERS];
    uint32_t nr_total;      /* frames handed over by buddy_add_range */
    uint32_t nr_alloc_fail; /* allocations refused for lack of memory */
    uint32_t nr_misuse;     /* refused calls (bad free, bad order...) */
    struct buddy_error err; /* the last refusal */
};

/* Set up an empty zone over [base_pfn, base_pfn + nframes), every frame
 * reserved; 0, or -EINVAL if the range or map is unusable. */
int buddy_init(struct buddy_zone *z, struct page *map, uint32_t base_pfn, uint32_t nframes);
/* Hand the reserved frames [pfn, pfn + count) to the allocator as maximal
 * aligned blocks; 0, or -EINVAL (out of zone, or not all reserved) changing nothing. */
int buddy_add_range(struct buddy_zone *z, uint32_t pfn, uint32_t count);
/* Allocate a block of 2^order frames: its first pfn, or BUDDY_NO_PFN. */
uint32_t buddy_alloc(struct buddy_zone *z, unsigned order);
/* Free a block returned by buddy_alloc with the same order; 0, or -EINVAL
 * with z->err saying why (nothing else is changed then). */
int buddy_free(struct buddy_zone *z, uint32_t pfn, unsigned order);

/* Free blocks on the free list of one order. */
static inline uint32_t buddy_free_blocks(const struct buddy_zone *z, unsigned order)
{
    return order <= BUDDY_MAX_ORDER ? z->area[order].count : 0;
}
/* Frames managed by the allocator (added with buddy_add_range). */
static inline uint32_t buddy_nr_total(const struct buddy_zone *z)
{
    return z->nr_total;
}
/* Free frames on the lists (a cache in front of them counts its own). */
static inline uint32_t buddy_nr_free(const struct buddy_zone *z)
{
    uint32_t n = 0;
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
        n += z->area[k].count << k;
    return n;
}
/* Frames not on the lists: allocated, or held by a cache. */
static inline uint32_t buddy_nr_used(const struct buddy_zone *z)
{
    return z->nr_total - buddy_nr_free(z);
}
/* The last refusal recorded in the zone. */
static inline const struct buddy_error *buddy_last_error(const struct buddy_zone *z)
{
    return &z->err;
}
/* Descriptor of a frame, or NULL if the frame is outside the zone. A pfn
 * below the base wraps to a huge index, so one comparison covers both
 * sides. */
static inline struct page *buddy_pfn_to_page(const struct buddy_zone *z, uint32_t pfn)
{
    uint32_t idx = pfn - z->base_pfn;
    return idx < z->nframes ? &z->map[idx] : NULL;
}

#endif
