/* Kernel heap (kmalloc/kfree/krealloc): a pure core (no hardware, no kernel
 * globals). The kernel glue owns one struct kheap and gives it whole pages
 * from the buddy allocator through struct kheap_ops; host tests give it pages
 * from aligned_alloc(). See kheap_core.c for how it works.
 *
 * Alignment: every pointer kheap_alloc returns is 16-byte aligned
 * (KHEAP_ALIGN), for small and large objects alike, on i386 and on 64-bit
 * hosts.
 *
 * Small objects (up to KHEAP_MAX_SMALL bytes) live in slab pages: single
 * pages, each carved into equal slots of one size class, with a header
 * (struct kheap_page) at the start of the page. Large objects get a block of
 * 2^order pages to themselves, with a header (struct kheap_large) in its first
 * KHEAP_LARGE_HDR bytes. Either way the header of an object is found by
 * rounding its address down to a page boundary. */
#ifndef MEM_KHEAP_CORE_H
#define MEM_KHEAP_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KHEAP_PAGE_SIZE  4096u
#define KHEAP_PAGE_SHIFT 12
#define KHEAP_ALIGN      16u /* alignment of every object */
#define KHEAP_NR_CLASSES 22
#define KHEAP_MAX_SMALL  2016u /* largest size class; bigger objects are large */
#define KHEAP_MAX_ORDER  10    /* largest block asked of alloc_pages: 2^10 pages (buddy's limit) */
#define KHEAP_LARGE_HDR  32u   /* bytes before a large object: its struct kheap_large */
#define KHEAP_MAX_SIZE   ((size_t)(KHEAP_PAGE_SIZE << KHEAP_MAX_ORDER) - KHEAP_LARGE_HDR)
#define KHEAP_GRAVES     16 /* released pages/blocks remembered to name double frees */

/* Debug mode (kheap_init(..., true)). The byte patterns are Linux SLUB's. */
#define KHEAP_REDZONE     16u  /* at least this many red-zone bytes follow each object */
#define KHEAP_POISON_NEW  0x5A /* a freshly allocated object: "not initialised yet" */
#define KHEAP_POISON_FREE 0x6B /* every byte of a free slot */
#define KHEAP_RED_BYTE    0xBB /* the red zone, from the requested size to the slot's end */

#define KHEAP_SLAB_MAGIC  0x51AB0C8Du /* struct kheap_page.magic */
#define KHEAP_LARGE_MAGIC 0x1A26EB1Cu /* struct kheap_large.magic */

/* struct kheap_page.map[i], one 16-bit word per slot, is the slot's state,
 * the free list and the requested size at once:
 *   KHEAP_SLOT_USED | n   slot allocated, the caller asked for n bytes (n >= 1)
 *   j < KHEAP_SLOT_END    slot free, next free slot is j
 *   KHEAP_SLOT_END        slot free, last on the free list */
#define KHEAP_SLOT_USED 0x8000u
#define KHEAP_SLOT_END  0x7FFFu

/* Which list a slab page is on (struct kheap_page.list). */
#define KHEAP_ON_PARTIAL 1 /* some slots used, some free */
#define KHEAP_ON_FULL    2 /* every slot used */
#define KHEAP_ON_EMPTY   3 /* no slot used: the class's one cached empty page */

/* Why kheap_free / kheap_realloc / kheap_usable_size refused a pointer, why
 * kheap_check failed, or why kheap_alloc returned NULL. */
enum kheap_reason {
    KHEAP_OK = 0,
    KHEAP_E_DOUBLE_FREE,    /* the slot is already free, or the block was already given back */
    KHEAP_E_NOT_HEAP,       /* pointer into no page of the heap, or into a header or slack */
    KHEAP_E_MISALIGNED,     /* pointer inside an object, not at its start; offset = how far in */
    KHEAP_E_REDZONE,        /* debug: red zone overwritten; offset = first bad byte */
    KHEAP_E_USE_AFTER_FREE, /* debug: poison of a free slot overwritten; offset = first bad byte */
    KHEAP_E_CORRUPT_HEADER, /* page or block header (magic, class, counts, slot map) is bad */
    KHEAP_E_BAD_LIST,       /* a page list or the page registry is broken */
    KHEAP_E_BAD_COUNT,      /* the heap's counters disagree with its pages */
    KHEAP_E_NO_MEMORY,      /* kheap_alloc: alloc_pages returned NULL */
    KHEAP_E_TOO_BIG,        /* kheap_alloc: more than KHEAP_MAX_SIZE bytes asked */
    KHEAP_NR_REASONS
};

/* The last problem: what (enum kheap_reason), the pointer involved (the one
 * passed in, the object or slot that is damaged, or the page whose header is
 * bad), the object's requested size when known (the slot size for a free
 * slot), and a byte offset from ptr (REDZONE: err.offset - err.size is how
 * far past the end the first bad byte is; MISALIGNED: how far into the
 * object the pointer is; USE_AFTER_FREE: first bad byte of the slot). */
struct kheap_error {
    int reason;
    const void *ptr;
    size_t size;
    unsigned offset;
};

struct kheap_ops {
    /* Returns the (kernel-virtual) address of 2^order contiguous, page-aligned pages, or NULL. */
    void *(*alloc_pages)(void *ctx, unsigned order);
    void (*free_pages)(void *ctx, void *addr, unsigned order);
    void *ctx;
};

/* Links of the page and block lists (NULL-terminated, doubly linked). */
struct kheap_list {
    struct kheap_list *next, *prev;
};

/* At the start of every slab page. Slot 0 starts at the class's `first`
 * offset (this header and its map, rounded up to KHEAP_ALIGN). */
struct kheap_page {
    uint32_t magic;     /* KHEAP_SLAB_MAGIC */
    uint8_t cls;        /* size class index */
    uint8_t list;       /* KHEAP_ON_* */
    uint16_t inuse;     /* allocated slots */
    uint16_t free_head; /* first free slot, or KHEAP_SLOT_END */
    uint16_t nslots;    /* slots in this page (the class's) */
    struct kheap_list link;
    uint16_t map[]; /* one word per slot, see KHEAP_SLOT_USED */
};

/* At the start of every large block; the object starts KHEAP_LARGE_HDR bytes in. */
struct kheap_large {
    uint32_t magic; /* KHEAP_LARGE_MAGIC */
    uint8_t order;  /* the block is 2^order pages */
    uint8_t pad[3];
    size_t size; /* requested size */
    struct kheap_list link;
};

_Static_assert(sizeof(struct kheap_large) <= KHEAP_LARGE_HDR, "large header too big");
_Static_assert(KHEAP_LARGE_HDR % KHEAP_ALIGN == 0, "large objects must stay aligned");

struct kheap_class {
    uint16_t size;              /* slot size, a multiple of KHEAP_ALIGN */
    uint16_t nslots;            /* slots per page */
    uint16_t first;             /* offset of slot 0 in its page */
    struct kheap_list *partial; /* pages with used and free slots */
    struct kheap_list *full;    /* pages with no free slot */
    struct kheap_page *empty;   /* at most one cached page with no used slot */
    uint32_t pages;             /* pages held: partial + full + cached empty */
    uint32_t in_use;            /* objects allocated */
};

/* Which pages the heap holds: an open-addressing hash set of page addresses
 * (low bits: 1 slab page, 2 large block), in pages of its own from
 * alloc_pages. kheap_free looks a pointer's page up here before reading
 * anything from it, so a stray pointer or a block already given back is
 * named without touching memory the heap does not own. */
struct kheap_registry {
    uintptr_t *tab; /* NULL until the first page */
    unsigned order; /* tab is 2^order pages */
    uint32_t cap;   /* entries, a power of two */
    unsigned shift; /* 32 - log2(cap) */
    uint32_t used;  /* pages registered */
    uint32_t tombs; /* deleted entries */
};

/* A page or block recently given back (kind 1 slab, arg = class; kind 2
 * large, arg = order), so that a second free of it says "double free". */
struct kheap_grave {
    uintptr_t addr;
    uint8_t kind;
    uint8_t arg;
};

struct kheap {
    struct kheap_ops ops;
    bool debug;
    struct kheap_class cls[KHEAP_NR_CLASSES];
    uint8_t size_class[KHEAP_MAX_SMALL / KHEAP_ALIGN + 1]; /* (n + 15) / 16 -> class */
    struct kheap_list *large;                              /* live large blocks */
    uint32_t large_blocks, large_pages;
    size_t bytes_requested; /* sum of the sizes asked for, live objects */
    struct kheap_registry reg;
    struct kheap_grave graves[KHEAP_GRAVES];
    unsigned grave_next;
    uint32_t nr_alloc, nr_free; /* successful calls (a moving realloc counts one of each) */
    uint32_t nr_fail;           /* allocations that returned NULL (not size 0) */
    uint32_t nr_errors;         /* misuse and corruption found (kheap_free, _check, reuse...) */
    struct kheap_error err;     /* the last problem */
};

/* For a `mem` shell command. */
struct kheap_class_stats {
    uint32_t size;           /* slot size */
    uint32_t slots_per_page; /* slots in one page */
    uint32_t pages;          /* pages held, the cached empty one included */
    uint32_t in_use;         /* objects allocated */
    uint32_t free;           /* free slots in those pages */
};

struct kheap_stats {
    struct kheap_class_stats cls[KHEAP_NR_CLASSES];
    uint32_t large_blocks, large_pages; /* large objects, and the pages they hold */
    uint32_t meta_pages;                /* the page registry's table */
    uint32_t pages_held;                /* slab + large + meta pages */
    size_t bytes_requested;             /* what callers asked for (live objects) */
    size_t bytes_held;                  /* pages_held * KHEAP_PAGE_SIZE */
    uint32_t nr_alloc, nr_free, nr_fail, nr_errors;
};

/* Set up an empty heap; allocates nothing. debug turns on red zones,
 * poisoning and the poison checks (fixed for the heap's lifetime). */
void kheap_init(struct kheap *h, const struct kheap_ops *ops, bool debug);
/* size bytes, 16-byte aligned; NULL on failure (h->err says why) or size 0. */
void *kheap_alloc(struct kheap *h, size_t size);
/* 0, or -EINVAL with h->err set and nothing changed. NULL is a no-op returning 0. */
int kheap_free(struct kheap *h, void *p);
/* C semantics: NULL p = kheap_alloc, size 0 = kheap_free and return NULL. On
 * failure (no memory, or p refused as by kheap_free) returns NULL and p is
 * untouched. Stays in place when the new size has p's class (or block order);
 * a shrink that cannot get memory for the smaller copy also stays in place. */
void *kheap_realloc(struct kheap *h, void *p, size_t size);
/* Bytes the caller may use at p: the slot size or block capacity; in debug
 * mode the requested size (the rest is red zone). 0 for NULL or a pointer
 * refused as by kheap_free (h->err set). */
size_t kheap_usable_size(struct kheap *h, const void *p);
/* Walk every page and object: 0, or -EINVAL with h->err naming the first
 * problem (headers, lists, counters; in debug mode every red zone and every
 * free slot's poison too). Changes nothing else. */
int kheap_check(struct kheap *h);
/* Give back the cached empty pages, and the registry if no page is held.
 * Returns the number of pages given back. */
unsigned kheap_shrink(struct kheap *h);
void kheap_stats(const struct kheap *h, struct kheap_stats *out);
/* A short English sentence for an enum kheap_reason ("?" if unknown). */
const char *kheap_error_name(int reason);

#endif
