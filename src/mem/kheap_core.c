/* Kernel heap: kmalloc's pure core.
 *
 * How it works
 * ------------
 * Pages come from the caller (struct kheap_ops, the buddy allocator in the
 * kernel). A request of n bytes goes to the smallest size class that holds
 * it, or, above KHEAP_MAX_SMALL, to a block of 2^order pages of its own.
 *
 * Small objects. Each class owns whole pages ("slab pages"), each carved into
 * equal slots behind a header (struct kheap_page) at the start of the page.
 * The header's slot map holds one 16-bit word per slot: for a used slot, a
 * USED bit and the requested size; for a free slot, the index of the next
 * free slot. So the page's free list, each slot's state and each object's
 * requested size live in the header, never in the slots: a free slot is all
 * poison in debug mode, and "is this slot allocated?" is one bit that no
 * write into a slot can fake. Pages with free slots are on the class's
 * partial list, full pages on its full list; a page whose last object is
 * freed becomes the class's cached empty page, or goes back to free_pages if
 * the class already has one (one spare page per class avoids thrashing when a
 * class hovers around a page boundary; kheap_shrink gives the spares back).
 *
 * Large objects get a block of 2^order pages with a struct kheap_large in its
 * first KHEAP_LARGE_HDR bytes; live blocks are on one list.
 *
 * Finding an object from a pointer: round it down to its page; the page's
 * header says which class (or that it is a large block) and the slot is
 * (offset - first) / size. Before reading that header, kheap_free looks the
 * page up in the registry (a hash set of the pages the heap holds), so a
 * pointer to the stack, into the kernel image, or into a page already given
 * back is refused without reading memory the heap does not own; a small ring
 * of recently given-back pages ("graves") tells a double free of those from a
 * pointer the heap never returned.
 *
 * Size classes
 * ------------
 *   16 32 48 64 80 96 112 128 160 192 224 256 320 384 448
 *   496 576 672 800 1008 1344 2016
 * All are multiples of 16, so every slot is 16-byte aligned (slot 0 starts
 * at a 16-byte boundary after the header). Up to 128 bytes they step by 16
 * (small objects are the most common; waste is at most 15 bytes); up to 448
 * by about 1/6 to 1/4. From 496 up, the header in the page decides: a class
 * of size S packs n = (4096 - header) / S slots, and every class size between
 * two such "n slots fit" points packs the same n slots per page, so it wastes
 * the same page and only rounds less. The top classes are therefore the
 * largest multiple of 16 for n = 8, 7, 6, 5, 4, 3, 2 slots: 496 576 672 800
 * 1008 1344 2016. A power-of-two set would be worse here: 2048 does not fit
 * twice beside a header (one object per page = a large block anyway), and 1024
 * fits 3 times where 1008 fits 4. The price: a request of exactly 512 or 1024
 * bytes lands in 576 or 1344, and one of 2017..4064 bytes takes a whole page
 * (4096+ bytes take 2^order pages, with a 32-byte header, so exactly 4096
 * takes two pages: page-sized buffers belong to the page allocator).
 *
 * Debug mode
 * ----------
 * Each object gets at least KHEAP_REDZONE bytes of red zone (the class is
 * chosen for n + 16): bytes n .. slot end are KHEAP_RED_BYTE and are checked
 * by kheap_free, kheap_realloc and kheap_check. A new object is filled with
 * KHEAP_POISON_NEW, a freed slot with KHEAP_POISON_FREE; the poison is
 * checked when the slot is handed out again (a mismatch is recorded in
 * h->err as KHEAP_E_USE_AFTER_FREE and counted in nr_errors; the slot is still
 * handed out) and by kheap_check for every free slot.
 *
 * Double free is found in both modes, through the slot map (free slot = no
 * USED bit) or, for a page or block already given back, through the graves.
 * It costs nothing extra: the map is the free list anyway.
 *
 * No 64-bit division: slot arithmetic is in unsigned (32-bit) ints, and the
 * one division per free is 32-bit.
 */
#include "mem/kheap_core.h"

#include <string.h>

#include "kernel/errno.h"

#define PAGE_MASK ((uintptr_t)KHEAP_PAGE_SIZE - 1)
#define REG_EMPTY ((uintptr_t)0)
#define REG_SLAB  ((uintptr_t)1)
#define REG_LARGE ((uintptr_t)2)
#define REG_TOMB  ((uintptr_t)3) /* deleted entry (address 0 is never registered) */
#define REG_KIND  ((uintptr_t)3)

static const uint16_t class_sizes[KHEAP_NR_CLASSES] = {
    16,  32,  48,  64,  80,  96,  112, 128, 160,  192,  224,
    256, 320, 384, 448, 496, 576, 672, 800, 1008, 1344, 2016,
};

/* A machine word that may alias anything, for the pattern scans. */
typedef uintptr_t __attribute__((may_alias)) kheap_word;

#define CONTAINER(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* ---- small helpers ----------------------------------------------------- */

static inline size_t block_bytes(unsigned order)
{
    return (size_t)KHEAP_PAGE_SIZE << order;
}
static inline unsigned redzone(const struct kheap *h)
{
    return h->debug ? KHEAP_REDZONE : 0;
}
static inline struct kheap_page *page_of(struct kheap_list *l)
{
    return CONTAINER(l, struct kheap_page, link);
}
static inline struct kheap_large *block_of(struct kheap_list *l)
{
    return CONTAINER(l, struct kheap_large, link);
}

static inline uint8_t *slot_addr(const struct kheap_class *c, struct kheap_page *pg, unsigned idx)
{
    return (uint8_t *)pg + c->first + idx * (unsigned)c->size;
}

static void list_push(struct kheap_list **head, struct kheap_list *n)
{
    n->prev = NULL;
    n->next = *head;
    if (*head)
        (*head)->prev = n;
    *head = n;
}

static void list_del(struct kheap_list **head, struct kheap_list *n)
{
    if (n->prev)
        n->prev->next = n->next;
    else
        *head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    n->next = n->prev = NULL;
}

/* Record a problem without counting it as misuse (allocation failures). */
static void note(struct kheap *h, int reason, const void *ptr, size_t size, unsigned offset)
{
    h->err.reason = reason;
    h->err.ptr = ptr;
    h->err.size = size;
    h->err.offset = offset;
}

/* Record misuse or corruption: -EINVAL. */
static int fail(struct kheap *h, int reason, const void *ptr, size_t size, unsigned offset)
{
    note(h, reason, ptr, size, offset);
    h->nr_errors++;
    return -EINVAL;
}

/* Offset of the first byte of p[0..n) that is not c, or n. */
static size_t first_not(const uint8_t *p, size_t n, uint8_t c)
{
    const uintptr_t pat = ((uintptr_t) ~(uintptr_t)0 / 0xFF) * c;
    size_t i = 0;

    while (i < n && ((uintptr_t)(p + i) & (sizeof(kheap_word) - 1))) {
        if (p[i] != c)
            return i;
        i++;
    }
    for (; i + sizeof(kheap_word) <= n; i += sizeof(kheap_word)) {
        if (*(const kheap_word *)(const void *)(p + i) != pat)
            break;
    }
    for (; i < n; i++) {
        if (p[i] != c)
            return i;
    }
    return n;
}

/* ---- graves: recently given-back pages --------------------------------- */

static const struct kheap_grave *grave_find(const struct kheap *h, uintptr_t a)
{
    for (unsigned i = 0; i < KHEAP_GRAVES; i++) {
        const struct kheap_grave *g = &h->graves[i];
        unsigned order = g->kind == REG_LARGE ? g->arg : 0;
        if (g->kind && a >= g->addr && a - g->addr < block_bytes(order))
            return g;
    }
    return NULL;
}

/* The pages [addr, addr + 2^order pages) are ours again: forget their graves. */
static void grave_forget(struct kheap *h, uintptr_t addr, unsigned order)
{
    for (unsigned i = 0; i < KHEAP_GRAVES; i++) {
        struct kheap_grave *g = &h->graves[i];
        unsigned gorder = g->kind == REG_LARGE ? g->arg : 0;
        if (g->kind && g->addr < addr + block_bytes(order) && addr < g->addr + block_bytes(gorder))
            g->kind = 0;
    }
}

/* ---- the page registry ------------------------------------------------- */

static inline uint32_t reg_hash(uintptr_t page)
{
    uint32_t x = (uint32_t)(page >> KHEAP_PAGE_SHIFT) ^ (uint32_t)((uint64_t)page >> 44);
    return x * 0x9E3779B1u;
}

/* The table entry holding page, or NULL. */
static uintptr_t *reg_find(const struct kheap_registry *r, uintptr_t page)
{
    if (!r->tab || page == 0)
        return NULL;
    uint32_t mask = r->cap - 1;
    uint32_t i = reg_hash(page) >> r->shift;
    for (uint32_t n = 0; n < r->cap; n++, i = (i + 1) & mask) {
        uintptr_t e = r->tab[i];
        if (e == REG_EMPTY)
            return NULL;
        if (e != REG_TOMB && (e & ~PAGE_MASK) == page)
            return &r->tab[i];
    }
    return NULL;
}

/* Insert an entry; there is room (reg_reserve). */
static void reg_put(struct kheap_registry *r, uintptr_t entry)
{
    uint32_t mask = r->cap - 1;
    uint32_t i = reg_hash(entry & ~PAGE_MASK) >> r->shift;
    while (r->tab[i] != REG_EMPTY && r->tab[i] != REG_TOMB)
        i = (i + 1) & mask;
    if (r->tab[i] == REG_TOMB)
        r->tombs--;
    r->tab[i] = entry;
    r->used++;
}

static void reg_del(struct kheap_registry *r, uintptr_t *e)
{
    uint32_t i = (uint32_t)(e - r->tab);
    /* A deleted entry followed by an empty one ends no probe chain: empty it. */
    if (r->tab[(i + 1) & (r->cap - 1)] == REG_EMPTY) {
        *e = REG_EMPTY;
    } else {
        *e = REG_TOMB;
        r->tombs++;
    }
    r->used--;
    if (r->used == 0 && r->tombs) {
        memset(r->tab, 0, (size_t)r->cap * sizeof(uintptr_t));
        r->tombs = 0;
    }
}

/* Make room for one more entry, keeping the table at most half full (tombs
 * included): 0, or -ENOMEM with nothing changed. */
static int reg_reserve(struct kheap *h)
{
    struct kheap_registry *r = &h->reg;
    if (r->tab && (r->used + r->tombs + 1) * 2 <= r->cap)
        return 0;
    unsigned order = 0;
    if (r->tab)
        order = (r->used + 1) * 4 > r->cap ? r->order + 1 : r->order; /* grow, or just drop tombs */
    if (order > KHEAP_MAX_ORDER)
        return -ENOMEM;
    uintptr_t *tab = h->ops.alloc_pages(h->ops.ctx, order);
    if (!tab)
        return -ENOMEM;
    struct kheap_registry old = *r;
    grave_forget(h, (uintptr_t)tab, order);
    memset(tab, 0, block_bytes(order));
    r->tab = tab;
    r->order = order;
    r->cap = (uint32_t)(block_bytes(order) / sizeof(uintptr_t));
    r->shift = 32;
    for (uint32_t c = r->cap; c > 1; c >>= 1)
        r->shift--;
    r->used = 0;
    r->tombs = 0;
    for (uint32_t i = 0; old.tab && i < old.cap; i++) {
        if (old.tab[i] != REG_EMPTY && old.tab[i] != REG_TOMB)
            reg_put(r, old.tab[i]);
    }
    if (old.tab)
        h->ops.free_pages(h->ops.ctx, old.tab, old.order);
    return 0;
}

/* ---- pages in and out -------------------------------------------------- */

/* 2^order pages from the caller, registered as kind; NULL with h->err set. */
static void *get_pages(struct kheap *h, unsigned order, uintptr_t kind)
{
    if (reg_reserve(h) < 0) {
        note(h, KHEAP_E_NO_MEMORY, NULL, 0, order);
        return NULL;
    }
    void *p = h->ops.alloc_pages(h->ops.ctx, order);
    uintptr_t a = (uintptr_t)p;
    if (!p) {
        note(h, KHEAP_E_NO_MEMORY, NULL, 0, order);
        return NULL;
    }
    if (a & PAGE_MASK) {
        /* The glue is broken: give the block back untouched. */
        h->ops.free_pages(h->ops.ctx, p, order);
        fail(h, KHEAP_E_BAD_LIST, p, 0, order);
        return NULL;
    }
    if (reg_find(&h->reg, a)) {
        /* A page the heap already holds: the glue is broken, keep away from it. */
        fail(h, KHEAP_E_BAD_LIST, p, 0, order);
        return NULL;
    }
    reg_put(&h->reg, a | kind);
    grave_forget(h, a, order);
    return p;
}

static void put_pages(struct kheap *h, void *p, unsigned order, uintptr_t kind, unsigned arg)
{
    uintptr_t *e = reg_find(&h->reg, (uintptr_t)p);
    if (e)
        reg_del(&h->reg, e);
    struct kheap_grave *g = &h->graves[h->grave_next];
    h->grave_next = (h->grave_next + 1) % KHEAP_GRAVES;
    g->addr = (uintptr_t)p;
    g->kind = (uint8_t)kind;
    g->arg = (uint8_t)arg;
    h->ops.free_pages(h->ops.ctx, p, order);
}

/* ---- init -------------------------------------------------------------- */

static unsigned header_bytes(unsigned nslots)
{
    unsigned n = (unsigned)offsetof(struct kheap_page, map) + 2 * nslots;
    return (n + KHEAP_ALIGN - 1) & ~(KHEAP_ALIGN - 1);
}

void kheap_init(struct kheap *h, const struct kheap_ops *ops, bool debug)
{
    memset(h, 0, sizeof *h);
    h->ops = *ops;
    h->debug = debug;
    for (unsigned ci = 0; ci < KHEAP_NR_CLASSES; ci++) {
        struct kheap_class *c = &h->cls[ci];
        unsigned size = class_sizes[ci];
        unsigned n = (KHEAP_PAGE_SIZE - (unsigned)offsetof(struct kheap_page, map)) / (size + 2);
        while (n > 1 && header_bytes(n) + n * size > KHEAP_PAGE_SIZE)
            n--;
        c->size = (uint16_t)size;
        c->nslots = (uint16_t)n;
        c->first = (uint16_t)header_bytes(n);
    }
    unsigned ci = 0;
    for (unsigned i = 0; i <= KHEAP_MAX_SMALL / KHEAP_ALIGN; i++) {
        while (class_sizes[ci] < i * KHEAP_ALIGN)
            ci++;
        h->size_class[i] = (uint8_t)ci;
    }
}

/* ---- allocation -------------------------------------------------------- */

static struct kheap_page *slab_new(struct kheap *h, unsigned ci)
{
    struct kheap_class *c = &h->cls[ci];
    struct kheap_page *pg = get_pages(h, 0, REG_SLAB);
    if (!pg)
        return NULL;
    pg->magic = KHEAP_SLAB_MAGIC;
    pg->cls = (uint8_t)ci;
    pg->list = 0;
    pg->inuse = 0;
    pg->free_head = 0;
    pg->nslots = c->nslots;
    pg->link.next = pg->link.prev = NULL;
    for (unsigned i = 0; i < c->nslots; i++)
        pg->map[i] = (uint16_t)(i + 1 < c->nslots ? i + 1 : KHEAP_SLOT_END);
    if (h->debug)
        memset(slot_addr(c, pg, 0), KHEAP_POISON_FREE, (size_t)c->nslots * c->size);
    c->pages++;
    return pg;
}

static void *slab_alloc(struct kheap *h, unsigned ci, size_t size)
{
    struct kheap_class *c = &h->cls[ci];
    struct kheap_page *pg;

    if (c->partial) {
        pg = page_of(c->partial);
    } else {
        if (c->empty) {
            pg = c->empty;
            c->empty = NULL;
        } else if (!(pg = slab_new(h, ci))) {
            return NULL;
        }
        pg->list = KHEAP_ON_PARTIAL;
        list_push(&c->partial, &pg->link);
    }
    unsigned idx = pg->free_head;
    if (pg->magic != KHEAP_SLAB_MAGIC || idx >= c->nslots || (pg->map[idx] & KHEAP_SLOT_USED) ||
        pg->inuse >= c->nslots) {
        fail(h, KHEAP_E_CORRUPT_HEADER, pg, 0, 0);
        return NULL;
    }
    pg->free_head = pg->map[idx];
    pg->map[idx] = (uint16_t)(KHEAP_SLOT_USED | size);
    pg->inuse++;
    c->in_use++;
    if (pg->inuse == c->nslots) {
        list_del(&c->partial, &pg->link);
        list_push(&c->full, &pg->link);
        pg->list = KHEAP_ON_FULL;
    }
    uint8_t *obj = slot_addr(c, pg, idx);
    if (h->debug) {
        size_t bad = first_not(obj, c->size, KHEAP_POISON_FREE);
        if (bad < c->size)
            fail(h, KHEAP_E_USE_AFTER_FREE, obj, c->size, (unsigned)bad);
        memset(obj, KHEAP_POISON_NEW, size);
        memset(obj + size, KHEAP_RED_BYTE, c->size - size);
    }
    h->bytes_requested += size;
    return obj;
}

static unsigned large_order(size_t bytes)
{
    unsigned order = 0;
    while (block_bytes(order) < bytes)
        order++;
    return order;
}

static void *large_alloc(struct kheap *h, size_t size)
{
    unsigned order = large_order(KHEAP_LARGE_HDR + size + redzone(h));
    struct kheap_large *b = get_pages(h, order, REG_LARGE);
    if (!b)
        return NULL;
    b->magic = KHEAP_LARGE_MAGIC;
    b->order = (uint8_t)order;
    b->pad[0] = b->pad[1] = b->pad[2] = 0;
    b->size = size;
    list_push(&h->large, &b->link);
    h->large_blocks++;
    h->large_pages += 1u << order;
    h->bytes_requested += size;
    uint8_t *obj = (uint8_t *)b + KHEAP_LARGE_HDR;
    if (h->debug) {
        memset(obj, KHEAP_POISON_NEW, size);
        memset(obj + size, KHEAP_RED_BYTE, block_bytes(order) - KHEAP_LARGE_HDR - size);
    }
    return obj;
}

/* The size class of a small object needing `need` bytes, red zone included. */
static unsigned class_of(const struct kheap *h, size_t need)
{
    return h->size_class[(need + KHEAP_ALIGN - 1) / KHEAP_ALIGN];
}

/* A request no block can hold: recorded as a failure, not as misuse. */
static bool refuse_too_big(struct kheap *h, size_t size)
{
    if (size <= KHEAP_MAX_SIZE - redzone(h))
        return false;
    note(h, KHEAP_E_TOO_BIG, NULL, size, 0);
    h->nr_fail++;
    return true;
}

void *kheap_alloc(struct kheap *h, size_t size)
{
    if (size == 0)
        return NULL;
    if (refuse_too_big(h, size))
        return NULL;
    size_t need = size + redzone(h);
    void *p;
    if (need <= KHEAP_MAX_SMALL)
        p = slab_alloc(h, class_of(h, need), size);
    else
        p = large_alloc(h, size);
    if (p)
        h->nr_alloc++;
    else
        h->nr_fail++;
    return p;
}

/* ---- finding an object ------------------------------------------------- */

struct kheap_loc {
    struct kheap_page *pg;   /* small object: its page */
    struct kheap_large *blk; /* large object: its block */
    unsigned idx;            /* small: slot index */
    size_t size;             /* requested size */
    size_t cap;              /* slot size or block capacity */
};

/* A pointer whose page the heap does not hold: name the misuse. */
static int locate_stray(struct kheap *h, const void *p)
{
    uintptr_t a = (uintptr_t)p;
    const struct kheap_grave *g = grave_find(h, a);
    if (g) {
        uintptr_t off = a - g->addr;
        if (g->kind == REG_LARGE && off == KHEAP_LARGE_HDR)
            return fail(h, KHEAP_E_DOUBLE_FREE, p, 0, 0);
        if (g->kind == REG_SLAB && g->arg < KHEAP_NR_CLASSES) {
            const struct kheap_class *c = &h->cls[g->arg];
            unsigned o = (unsigned)off;
            /* Every slot of a page was free when the page went back. */
            if (o >= c->first && (o - c->first) % c->size == 0 &&
                (o - c->first) / c->size < c->nslots)
                return fail(h, KHEAP_E_DOUBLE_FREE, p, 0, 0);
        }
        return fail(h, KHEAP_E_NOT_HEAP, p, 0, 0);
    }
    /* Inside a later page of a live large block? */
    uint32_t steps = 0;
    for (struct kheap_list *l = h->large; l && steps <= h->large_blocks; l = l->next, steps++) {
        struct kheap_large *b = block_of(l);
        uintptr_t start = (uintptr_t)b + KHEAP_LARGE_HDR;
        if (a > start && a - (uintptr_t)b < block_bytes(b->order & 31))
            return fail(h, KHEAP_E_MISALIGNED, p, b->size, (unsigned)(a - start));
    }
    return fail(h, KHEAP_E_NOT_HEAP, p, 0, 0);
}

/* Find the live object p points to: 0, or -EINVAL with h->err set. Reads
 * only pages the registry says the heap holds; changes nothing else. */
static int locate(struct kheap *h, const void *p, struct kheap_loc *l)
{
    uintptr_t a = (uintptr_t)p, page = a & ~PAGE_MASK;
    uintptr_t *e = reg_find(&h->reg, page);

    l->pg = NULL;
    l->blk = NULL;
    l->idx = 0;
    if (!e)
        return locate_stray(h, p);
    if ((*e & REG_KIND) == REG_LARGE) {
        struct kheap_large *b = (struct kheap_large *)page;
        if (b->magic != KHEAP_LARGE_MAGIC || b->order > KHEAP_MAX_ORDER || b->size == 0 ||
            b->size + redzone(h) > block_bytes(b->order) - KHEAP_LARGE_HDR)
            return fail(h, KHEAP_E_CORRUPT_HEADER, b, 0, 0);
        if (a < page + KHEAP_LARGE_HDR)
            return fail(h, KHEAP_E_NOT_HEAP, p, 0, 0);
        if (a != page + KHEAP_LARGE_HDR)
            return fail(h, KHEAP_E_MISALIGNED, p, b->size, (unsigned)(a - page - KHEAP_LARGE_HDR));
        l->blk = b;
        l->size = b->size;
        l->cap = block_bytes(b->order) - KHEAP_LARGE_HDR;
        return 0;
    }
    struct kheap_page *pg = (struct kheap_page *)page;
    if (pg->magic != KHEAP_SLAB_MAGIC || pg->cls >= KHEAP_NR_CLASSES ||
        pg->nslots != h->cls[pg->cls].nslots || pg->inuse > pg->nslots)
        return fail(h, KHEAP_E_CORRUPT_HEADER, pg, 0, 0);
    const struct kheap_class *c = &h->cls[pg->cls];
    unsigned off = (unsigned)(a - page);
    if (off < c->first)
        return fail(h, KHEAP_E_NOT_HEAP, p, 0, 0);
    off -= c->first;
    unsigned idx = off / c->size, within = off % c->size;
    if (idx >= c->nslots)
        return fail(h, KHEAP_E_NOT_HEAP, p, 0, 0); /* the slack at the page's end */
    uint16_t m = pg->map[idx];
    if (within)
        return fail(h, KHEAP_E_MISALIGNED, p,
                    (m & KHEAP_SLOT_USED) ? (size_t)(m & ~KHEAP_SLOT_USED) : 0, within);
    if (!(m & KHEAP_SLOT_USED))
        return fail(h, KHEAP_E_DOUBLE_FREE, p, c->size, 0);
    size_t size = m & ~KHEAP_SLOT_USED;
    if (size == 0 || size + redzone(h) > c->size)
        return fail(h, KHEAP_E_CORRUPT_HEADER, pg, size, 0);
    l->pg = pg;
    l->idx = idx;
    l->size = size;
    l->cap = c->size;
    return 0;
}

/* Debug: the red zone of a located object is intact. */
static int check_red(struct kheap *h, const void *p, size_t size, size_t cap)
{
    size_t bad = first_not((const uint8_t *)p + size, cap - size, KHEAP_RED_BYTE);
    if (bad < cap - size)
        return fail(h, KHEAP_E_REDZONE, p, size, (unsigned)(size + bad));
    return 0;
}

/* ---- freeing ----------------------------------------------------------- */

static void release(struct kheap *h, void *p, const struct kheap_loc *l)
{
    h->bytes_requested -= l->size;
    h->nr_free++;
    if (l->blk) {
        struct kheap_large *b = l->blk;
        unsigned order = b->order;
        list_del(&h->large, &b->link);
        h->large_blocks--;
        h->large_pages -= 1u << order;
        b->magic = 0;
        put_pages(h, b, order, REG_LARGE, order);
        return;
    }
    struct kheap_page *pg = l->pg;
    unsigned ci = pg->cls;
    struct kheap_class *c = &h->cls[ci];
    if (h->debug)
        memset(p, KHEAP_POISON_FREE, c->size);
    pg->map[l->idx] = pg->free_head;
    pg->free_head = (uint16_t)l->idx;
    c->in_use--;
    if (pg->inuse-- == c->nslots) {
        list_del(&c->full, &pg->link);
        list_push(&c->partial, &pg->link);
        pg->list = KHEAP_ON_PARTIAL;
    }
    if (pg->inuse == 0) {
        list_del(&c->partial, &pg->link);
        if (!c->empty) {
            c->empty = pg;
            pg->list = KHEAP_ON_EMPTY;
        } else {
            c->pages--;
            pg->magic = 0;
            put_pages(h, pg, 0, REG_SLAB, ci);
        }
    }
}

int kheap_free(struct kheap *h, void *p)
{
    struct kheap_loc l;
    if (!p)
        return 0;
    int rc = locate(h, p, &l);
    if (rc)
        return rc;
    if (h->debug && (rc = check_red(h, p, l.size, l.cap)))
        return rc;
    release(h, p, &l);
    return 0;
}

size_t kheap_usable_size(struct kheap *h, const void *p)
{
    struct kheap_loc l;
    if (!p || locate(h, p, &l))
        return 0;
    return h->debug ? l.size : l.cap;
}

/* ---- realloc ----------------------------------------------------------- */

static void resize_in_place(struct kheap *h, uint8_t *p, const struct kheap_loc *l, size_t size)
{
    if (l->pg)
        l->pg->map[l->idx] = (uint16_t)(KHEAP_SLOT_USED | size);
    else
        l->blk->size = size;
    h->bytes_requested = h->bytes_requested - l->size + size;
    if (h->debug) {
        if (size > l->size)
            memset(p + l->size, KHEAP_POISON_NEW, size - l->size);
        else
            memset(p + size, KHEAP_RED_BYTE, l->size - size);
    }
}

void *kheap_realloc(struct kheap *h, void *p, size_t size)
{
    struct kheap_loc l;
    if (!p)
        return kheap_alloc(h, size);
    if (size == 0) {
        kheap_free(h, p);
        return NULL;
    }
    if (locate(h, p, &l) || (h->debug && check_red(h, p, l.size, l.cap)))
        return NULL;
    if (refuse_too_big(h, size))
        return NULL;
    size_t need = size + redzone(h);
    bool fits = need <= l.cap, same;
    if (l.pg)
        same = need <= KHEAP_MAX_SMALL && class_of(h, need) == l.pg->cls;
    else
        same = need > KHEAP_MAX_SMALL && large_order(KHEAP_LARGE_HDR + need) == l.blk->order;
    if (same) {
        resize_in_place(h, p, &l, size);
        return p;
    }
    void *q = kheap_alloc(h, size);
    if (!q) {
        if (!fits)
            return NULL;
        resize_in_place(h, p, &l, size); /* a shrink: keep it where it is */
        return p;
    }
    size_t keep = h->debug ? l.size : l.cap;
    memcpy(q, p, keep < size ? keep : size);
    release(h, p, &l);
    return q;
}

/* ---- check ------------------------------------------------------------- */

/* Is the list node at l a registered page of this kind? Checked before reading it. */
static bool registered(const struct kheap *h, const void *hdr, uintptr_t kind)
{
    uintptr_t a = (uintptr_t)hdr;
    if (a & PAGE_MASK)
        return false;
    const uintptr_t *e = reg_find(&h->reg, a);
    return e && (*e & REG_KIND) == kind;
}

static int check_page(struct kheap *h, unsigned ci, struct kheap_page *pg, unsigned where,
                      size_t *requested)
{
    const struct kheap_class *c = &h->cls[ci];
    unsigned n = c->nslots, used = 0;

    if (pg->magic != KHEAP_SLAB_MAGIC || pg->cls != ci || pg->nslots != n || pg->list != where)
        return fail(h, KHEAP_E_CORRUPT_HEADER, pg, 0, 0);
    if ((where == KHEAP_ON_PARTIAL && (pg->inuse == 0 || pg->inuse >= n)) ||
        (where == KHEAP_ON_FULL && pg->inuse != n) || (where == KHEAP_ON_EMPTY && pg->inuse != 0))
        return fail(h, KHEAP_E_CORRUPT_HEADER, pg, 0, 0);
    for (unsigned i = 0; i < n; i++) {
        uint16_t m = pg->map[i];
        if (!(m & KHEAP_SLOT_USED))
            continue;
        size_t size = m & ~KHEAP_SLOT_USED;
        if (size == 0 || size + redzone(h) > c->size)
            return fail(h, KHEAP_E_CORRUPT_HEADER, pg, size, 0);
        used++;
        *requested += size;
    }
    if (used != pg->inuse)
        return fail(h, KHEAP_E_CORRUPT_HEADER, pg, 0, 0);
    /* The free list: exactly the n - used free slots, no cycle. */
    unsigned nfree = 0, idx = pg->free_head;
    while (idx != KHEAP_SLOT_END) {
        if (idx >= n || (pg->map[idx] & KHEAP_SLOT_USED) || ++nfree > n - used)
            return fail(h, KHEAP_E_CORRUPT_HEADER, pg, 0, 0);
        idx = pg->map[idx];
    }
    if (nfree != n - used)
        return fail(h, KHEAP_E_CORRUPT_HEADER, pg, 0, 0);
    if (!h->debug)
        return 0;
    for (unsigned i = 0; i < n; i++) {
        uint8_t *obj = slot_addr(c, pg, i);
        uint16_t m = pg->map[i];
        if (m & KHEAP_SLOT_USED) {
            int rc = check_red(h, obj, m & ~KHEAP_SLOT_USED, c->size);
            if (rc)
                return rc;
        } else {
            size_t bad = first_not(obj, c->size, KHEAP_POISON_FREE);
            if (bad < c->size)
                return fail(h, KHEAP_E_USE_AFTER_FREE, obj, c->size, (unsigned)bad);
        }
    }
    return 0;
}

static int check_list(struct kheap *h, unsigned ci, struct kheap_list *head, unsigned where,
                      uint32_t *pages, uint32_t *in_use, size_t *requested)
{
    struct kheap_list *prev = NULL;
    for (struct kheap_list *l = head; l; prev = l, l = l->next) {
        struct kheap_page *pg = page_of(l);
        if (!registered(h, pg, REG_SLAB) || l->prev != prev || ++*pages > h->cls[ci].pages)
            return fail(h, KHEAP_E_BAD_LIST, pg, 0, ci);
        int rc = check_page(h, ci, pg, where, requested);
        if (rc)
            return rc;
        *in_use += pg->inuse;
    }
    return 0;
}

int kheap_check(struct kheap *h)
{
    size_t requested = 0;
    uint32_t held = 0;
    int rc;

    for (unsigned ci = 0; ci < KHEAP_NR_CLASSES; ci++) {
        struct kheap_class *c = &h->cls[ci];
        uint32_t pages = 0, in_use = 0;
        if ((rc = check_list(h, ci, c->partial, KHEAP_ON_PARTIAL, &pages, &in_use, &requested)) ||
            (rc = check_list(h, ci, c->full, KHEAP_ON_FULL, &pages, &in_use, &requested)))
            return rc;
        if (c->empty) {
            if (!registered(h, c->empty, REG_SLAB) || ++pages > c->pages)
                return fail(h, KHEAP_E_BAD_LIST, c->empty, 0, ci);
            if ((rc = check_page(h, ci, c->empty, KHEAP_ON_EMPTY, &requested)))
                return rc;
        }
        if (pages != c->pages || in_use != c->in_use)
            return fail(h, KHEAP_E_BAD_COUNT, NULL, 0, ci);
        held += pages;
    }

    uint32_t blocks = 0, bpages = 0;
    struct kheap_list *prev = NULL;
    for (struct kheap_list *l = h->large; l; prev = l, l = l->next) {
        struct kheap_large *b = block_of(l);
        if (!registered(h, b, REG_LARGE) || l->prev != prev || ++blocks > h->large_blocks)
            return fail(h, KHEAP_E_BAD_LIST, b, 0, 0);
        if (b->magic != KHEAP_LARGE_MAGIC || b->order > KHEAP_MAX_ORDER || b->size == 0 ||
            b->size + redzone(h) > block_bytes(b->order) - KHEAP_LARGE_HDR)
            return fail(h, KHEAP_E_CORRUPT_HEADER, b, 0, 0);
        if (h->debug && (rc = check_red(h, (uint8_t *)b + KHEAP_LARGE_HDR, b->size,
                                        block_bytes(b->order) - KHEAP_LARGE_HDR)))
            return rc;
        bpages += 1u << b->order;
        requested += b->size;
    }
    if (blocks != h->large_blocks || bpages != h->large_pages)
        return fail(h, KHEAP_E_BAD_COUNT, NULL, 0, 0);
    if (requested != h->bytes_requested)
        return fail(h, KHEAP_E_BAD_COUNT, NULL, 0, 0);
    /* Every registered page was found on a list exactly once. */
    const struct kheap_registry *r = &h->reg;
    if (held + blocks != r->used || (r->tab && (r->used + r->tombs) * 2 > r->cap))
        return fail(h, KHEAP_E_BAD_LIST, r->tab, 0, 0);
    return 0;
}

/* ---- shrink, stats, names ---------------------------------------------- */

unsigned kheap_shrink(struct kheap *h)
{
    unsigned released = 0;
    for (unsigned ci = 0; ci < KHEAP_NR_CLASSES; ci++) {
        struct kheap_class *c = &h->cls[ci];
        struct kheap_page *pg = c->empty;
        if (!pg)
            continue;
        c->empty = NULL;
        c->pages--;
        pg->magic = 0;
        put_pages(h, pg, 0, REG_SLAB, ci);
        released++;
    }
    if (h->reg.tab && h->reg.used == 0) {
        h->ops.free_pages(h->ops.ctx, h->reg.tab, h->reg.order);
        released += 1u << h->reg.order;
        memset(&h->reg, 0, sizeof h->reg);
    }
    return released;
}

void kheap_stats(const struct kheap *h, struct kheap_stats *out)
{
    memset(out, 0, sizeof *out);
    for (unsigned ci = 0; ci < KHEAP_NR_CLASSES; ci++) {
        const struct kheap_class *c = &h->cls[ci];
        struct kheap_class_stats *s = &out->cls[ci];
        s->size = c->size;
        s->slots_per_page = c->nslots;
        s->pages = c->pages;
        s->in_use = c->in_use;
        s->free = c->pages * c->nslots - c->in_use;
        out->pages_held += c->pages;
    }
    out->large_blocks = h->large_blocks;
    out->large_pages = h->large_pages;
    out->meta_pages = h->reg.tab ? 1u << h->reg.order : 0;
    out->pages_held += h->large_pages + out->meta_pages;
    out->bytes_requested = h->bytes_requested;
    out->bytes_held = (size_t)out->pages_held * KHEAP_PAGE_SIZE;
    out->nr_alloc = h->nr_alloc;
    out->nr_free = h->nr_free;
    out->nr_fail = h->nr_fail;
    out->nr_errors = h->nr_errors;
}

const char *kheap_error_name(int reason)
{
    static const char *const names[KHEAP_NR_REASONS] = {
        [KHEAP_OK] = "no error",
        [KHEAP_E_DOUBLE_FREE] = "object is already free (double free)",
        [KHEAP_E_NOT_HEAP] = "pointer was never returned by the heap",
        [KHEAP_E_MISALIGNED] = "pointer points inside an object, not at its start",
        [KHEAP_E_REDZONE] = "red zone after the object was overwritten",
        [KHEAP_E_USE_AFTER_FREE] = "freed object was written to (poison overwritten)",
        [KHEAP_E_CORRUPT_HEADER] = "page or block header is corrupt",
        [KHEAP_E_BAD_LIST] = "page list or page registry is broken",
        [KHEAP_E_BAD_COUNT] = "heap counters disagree with the pages",
        [KHEAP_E_NO_MEMORY] = "out of memory: no pages from alloc_pages",
        [KHEAP_E_TOO_BIG] = "request larger than the largest block",
    };
    if (reason < 0 || reason >= KHEAP_NR_REASONS || !names[reason])
        return "?";
    return names[reason];
}
