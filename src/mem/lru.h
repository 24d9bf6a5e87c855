/* Page replacement lists, a pure core (docs/11-page-replacement.md).
 *
 * The lists hold page frames in use and answer one question for the swap
 * path: which frame should be given up next? The links live in the frames'
 * own descriptors (struct page, src/mem/buddy.h): next and prev are frame
 * numbers, BUDDY_NIL at the ends, and they are free for this use while the
 * buddy allocator has the frame handed out. A list's head is its most
 * recently added end, its tail the coldest.
 *
 * Three policies (enum lru_policy) share the lists:
 *   LRU_TWO_LIST  as Linux: new pages start on the inactive list; a page
 *                 found referenced at its tail moves to the active list;
 *                 victims come from the inactive tail; idle active pages
 *                 go back to the inactive list, which is kept at least as
 *                 long as the active one;
 *   LRU_CLOCK     one circular list, second chance for referenced pages;
 *   LRU_FIFO      one list, the oldest page goes first.
 * The single-list policies keep every page on the inactive list.
 *
 * The core never reads page tables. It asks a callback, when it scans,
 * whether a page was referenced since the last time it asked: in the kernel
 * that is the accessed bits of the PTEs that map the frame, in the
 * simulator (src/lab/) a bit set by the trace. */
#ifndef MEM_LRU_H
#define MEM_LRU_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/buddy.h"

/* Page flags, in the bits buddy.h leaves to later subsystems. The buddy
 * allocator refuses to free a frame that still has any of them. (Linux
 * also has PG_referenced, for a rule that activates a page only when it is
 * found referenced twice running; lru.c explains why this one does not.) */
#define PG_LRU       0x0010u /* on one of the lists */
#define PG_ACTIVE    0x0020u /* on the active list (LRU_TWO_LIST only) */
#define PG_LRU_FLAGS (PG_LRU | PG_ACTIVE)

#define LRU_NONE 0xFFFFFFFFu /* "no frame": lru_take_victim on empty lists */

enum lru_policy {
    LRU_TWO_LIST, /* the default; its boot name is "lru" */
    LRU_CLOCK,
    LRU_FIFO,
    LRU_NR_POLICIES
};

/* Which list: an index into struct lru's list[]. */
enum lru_which { LRU_INACTIVE, LRU_ACTIVE };

struct lru_list {
    uint32_t head, tail; /* frame numbers, BUDDY_NIL when empty */
    uint32_t count;
};

struct lru {
    struct page *map; /* map[pfn] is the descriptor of frame pfn */
    uint32_t nframes; /* frames 0 .. nframes-1 may go on the lists */
    enum lru_policy policy;
    struct lru_list list[2]; /* LRU_INACTIVE, LRU_ACTIVE */
    /* Counters, named after Linux's /proc/vmstat. */
    uint64_t pgscan;       /* pages the victim scan looked at, on either list */
    uint64_t pgsteal;      /* victims taken */
    uint64_t pgactivate;   /* inactive -> active (found referenced at the inactive tail) */
    uint64_t pgdeactivate; /* active -> inactive (not referenced since the last look) */
    uint64_t pgrotated;    /* referenced pages sent round their own list again (second chances) */
    uint32_t peak;         /* the most pages the lists have held at once */
};

/* Whether frame pfn was referenced since the last call for it; the answer
 * also clears that record (the kernel clears the accessed bits). */
typedef bool (*lru_referenced_fn)(uint32_t pfn, void *ctx);

/* Which rule lru_check found broken. */
enum lru_reason {
    LRU_OK = 0,
    LRU_I_HEADER, /* bad policy or map, or pages on the active list of a one-list policy */
    LRU_I_LINK,   /* a link leaves the frames, a prev link disagrees, or a head/tail is wrong */
    LRU_I_COUNT,  /* a list is shorter or longer than its count (a cycle, say) */
    LRU_I_FLAGS,  /* a listed page's flags disagree with its list */
    LRU_I_STRAY,  /* a page carries LRU flags but is on no list */
    LRU_I_FREE,   /* a listed page is free or reserved in the buddy allocator */
    LRU_NR_REASONS
};

struct lru_error {
    int reason;   /* enum lru_reason */
    uint32_t pfn; /* the page where it showed, or BUDDY_NIL for the header */
};

/* Empty lists over map[0 .. nframes); 0, or -EINVAL for a NULL map or an
 * unknown policy. */
int lru_init(struct lru *lru, struct page *map, uint32_t nframes, enum lru_policy policy);
/* Put a page newly in use at the head of the inactive list: 0, or -EINVAL
 * if pfn is out of range or already on a list. */
int lru_add(struct lru *lru, uint32_t pfn);
/* Take a page off whichever list holds it and clear its PG_LRU_FLAGS: 0,
 * or -EINVAL if it is on none. */
int lru_remove(struct lru *lru, uint32_t pfn);
/* Choose a victim by the policy, take it off the lists (as lru_remove) and
 * return its pfn; LRU_NONE when the lists are empty. referenced is asked
 * about the pages the scan looks at (never by LRU_FIFO), about each at most
 * twice, whatever it answers. */
uint32_t lru_take_victim(struct lru *lru, lru_referenced_fn referenced, void *ctx);
/* Check every rule above: 0, or -EINVAL after recording the broken one in
 * *why (may be NULL). Walks the lists and the whole map. */
int lru_check(const struct lru *lru, struct lru_error *why);
/* A short English sentence for an enum lru_reason. */
const char *lru_reason_text(int reason);
/* The policy named by a boot option evict=NAME ("lru", "clock", "fifo"):
 * 0, or -EINVAL for any other name. */
int lru_policy_parse(const char *name, enum lru_policy *policy);
/* The boot name of a policy ("lru", "clock", "fifo"), or "?". */
const char *lru_policy_name(enum lru_policy policy);

/* Pages on the lists. */
static inline uint32_t lru_nr_pages(const struct lru *lru)
{
    return lru->list[LRU_INACTIVE].count + lru->list[LRU_ACTIVE].count;
}
static inline uint32_t lru_nr_active(const struct lru *lru)
{
    return lru->list[LRU_ACTIVE].count;
}
static inline uint32_t lru_nr_inactive(const struct lru *lru)
{
    return lru->list[LRU_INACTIVE].count;
}

#endif
