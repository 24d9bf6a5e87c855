/* Host tests of the kernel heap core (src/mem/kheap_core.c).
 *
 * The heap gets its pages from aligned_alloc(4096 << order), so rounding an
 * object's address down to 4096 finds its page header as in the kernel. The
 * provider records every block it hands out and checks each one comes back
 * once, with its order; "outstanding" must return to 0 when everything is
 * freed. The misuse tests write past objects inside a page the heap holds
 * (one ASan allocation, so ASan lets them); nothing here reads a page after
 * the heap gave it back, and ASan would catch the heap doing so. */
#include "unit.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/errno.h"
#include "mem/kheap_core.h"

typedef const void *cptr;

/* expect_* (tests/unit/unit.h) instead of ck_assert_* in the hot loops. */
#define expect_ptr_eq(X, Y) expect_cmp(cptr, "%p", X, ==, Y)

/* ---- the page provider ------------------------------------------------- */

struct block {
    void *addr;
    unsigned order;
};

static struct provider {
    long outstanding; /* pages handed out and not given back */
    long calls;       /* alloc_pages calls */
    long frees;       /* free_pages calls */
    unsigned last_order;
    bool fail_all;     /* every alloc_pages returns NULL */
    long fail_at;      /* the call numbered fail_at (calls counts from 1) returns NULL */
    unsigned fail_pct; /* this share of calls, in percent, return NULL */
    uint32_t rng;
    struct block *blocks;
    size_t nblocks, cap;
} pv;

static uint32_t rnd(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static void *pv_alloc(void *ctx, unsigned order)
{
    struct provider *p = ctx;
    p->calls++;
    p->last_order = order;
    expect_uint_le(order, KHEAP_MAX_ORDER);
    if (p->fail_all || p->calls == p->fail_at || (p->fail_pct && rnd(&p->rng) % 100 < p->fail_pct))
        return NULL;
    size_t bytes = (size_t)KHEAP_PAGE_SIZE << order;
    void *a = aligned_alloc(bytes, bytes);
    expect(a != NULL);
    memset(a, 0xE5, bytes); /* the heap must not expect zeroed pages */
    if (p->nblocks == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 256;
        p->blocks = realloc(p->blocks, p->cap * sizeof *p->blocks);
        expect(p->blocks != NULL);
    }
    p->blocks[p->nblocks++] = (struct block){a, order};
    p->outstanding += 1L << order;
    return a;
}

static void pv_free(void *ctx, void *addr, unsigned order)
{
    struct provider *p = ctx;
    size_t i = 0;
    while (i < p->nblocks && p->blocks[i].addr != addr)
        i++;
    expect_msg(i < p->nblocks, "free_pages(%p): not a block the provider handed out", addr);
    expect_uint_eq(order, p->blocks[i].order);
    p->blocks[i] = p->blocks[--p->nblocks];
    p->outstanding -= 1L << order;
    p->frees++;
    free(addr);
}

static const struct kheap_ops ops = {pv_alloc, pv_free, &pv};
static struct kheap H;

static void setup(void)
{
    memset(&pv, 0, sizeof pv);
    pv.rng = 0x2545F491u;
}

static void teardown(void)
{
    for (size_t i = 0; i < pv.nblocks; i++)
        free(pv.blocks[i].addr);
    free(pv.blocks);
    memset(&pv, 0, sizeof pv);
}

/* ---- helpers ----------------------------------------------------------- */

static const unsigned classes[KHEAP_NR_CLASSES] = {16,  32,  48,  64,   80,   96,  112, 128,
                                                   160, 192, 224, 256,  320,  384, 448, 496,
                                                   576, 672, 800, 1008, 1344, 2016};

static void heap(bool debug)
{
    kheap_init(&H, &ops, debug);
}
static unsigned rz(void)
{
    return H.debug ? KHEAP_REDZONE : 0;
}

/* The class a request of need bytes (red zone included) belongs to, or -1. */
static int expected_class(size_t need)
{
    for (int i = 0; i < KHEAP_NR_CLASSES; i++) {
        if (classes[i] >= need)
            return i;
    }
    return -1;
}

static unsigned expected_order(size_t need)
{
    unsigned k = 0;
    while (((size_t)KHEAP_PAGE_SIZE << k) < KHEAP_LARGE_HDR + need)
        k++;
    return k;
}

static struct kheap_stats snap(void)
{
    struct kheap_stats s;
    kheap_stats(&H, &s);
    return s;
}

static struct kheap_page *page_at(const void *p)
{
    return (struct kheap_page *)((uintptr_t)p & ~(uintptr_t)(KHEAP_PAGE_SIZE - 1));
}

static void assert_ok(void)
{
    int r = kheap_check(&H);
    expect_msg(r == 0, "kheap_check: %s (ptr %p size %zu offset %u)",
               kheap_error_name(H.err.reason), H.err.ptr, H.err.size, H.err.offset);
}

static uint8_t pat(uint32_t seed, size_t i)
{
    return (uint8_t)(seed * 0x9Du + i * 7u + (i >> 8) * 13u + 1u);
}

static void fill(void *p, size_t n, uint32_t seed)
{
    uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        b[i] = pat(seed, i);
}

static size_t bad_byte(const void *p, size_t n, uint32_t seed)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != pat(seed, i))
            return i;
    }
    return n;
}

#define expect_pattern(P, N, SEED)                                                                 \
    do {                                                                                           \
        size_t _n = (N), _b = bad_byte((P), _n, (SEED));                                           \
        expect_msg(_b == _n, "contents of %p broken at byte %zu of %zu", (const void *)(P), _b,    \
                   _n);                                                                            \
    } while (0)

static size_t bad_fill(const void *p, size_t n, uint8_t c)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != c)
            return i;
    }
    return n;
}

/* "Nothing changed": the whole heap structure, bar the error record. */
static struct kheap saved;

static void save_heap(void)
{
    memcpy(&saved, &H, sizeof H);
}

static void expect_heap_unchanged(uint32_t new_errors)
{
    static struct kheap now;
    memcpy(&now, &H, sizeof H);
    expect_uint_eq(now.nr_errors, saved.nr_errors + new_errors);
    now.nr_errors = saved.nr_errors;
    memset(&now.err, 0, sizeof now.err);
    memset(&saved.err, 0, sizeof saved.err);
    expect_msg(memcmp(&now, &saved, sizeof now) == 0, "the heap changed");
}

/* rc must be -EINVAL for reason and ptr, the heap unchanged and still consistent. */
static void check_refused(int rc, int reason, const void *ptr)
{
    expect_int_eq(rc, -EINVAL);
    expect_msg(H.err.reason == reason, "reason %d (%s), expected %d (%s)", H.err.reason,
               kheap_error_name(H.err.reason), reason, kheap_error_name(reason));
    expect_ptr_eq(H.err.ptr, ptr);
    expect_heap_unchanged(1);
    assert_ok();
}

#define expect_refused(CALL, REASON, PTR)                                                          \
    do {                                                                                           \
        save_heap();                                                                               \
        int _rc = (CALL);                                                                          \
        check_refused(_rc, (REASON), (PTR));                                                       \
    } while (0)

static void expect_all_freed(void)
{
    struct kheap_stats s = snap();
    for (int i = 0; i < KHEAP_NR_CLASSES; i++) {
        expect_uint_eq(s.cls[i].in_use, 0);
        expect_uint_le(s.cls[i].pages, 1);
    }
    expect_uint_eq(s.large_blocks, 0);
    expect_uint_eq(s.large_pages, 0);
    expect_uint_eq(s.bytes_requested, 0);
    assert_ok();
    kheap_shrink(&H);
    s = snap();
    expect_uint_eq(s.pages_held, 0);
    expect_uint_eq(s.bytes_held, 0);
    expect_int_eq(pv.outstanding, 0);
    expect_uint_eq(pv.nblocks, 0);
}

/* ---- layout and classes ------------------------------------------------ */

START_TEST(test_class_layout)
{
    heap(_i);
    struct kheap_stats s = snap();
    unsigned hdr0 = (unsigned)offsetof(struct kheap_page, map);
    for (int i = 0; i < KHEAP_NR_CLASSES; i++) {
        const struct kheap_class *c = &H.cls[i];
        unsigned n = c->nslots, size = classes[i];
        expect_uint_eq(s.cls[i].size, size);
        expect_uint_eq(size % KHEAP_ALIGN, 0);
        expect_uint_eq(s.cls[i].slots_per_page, n);
        expect_uint_ge(n, 2);
        expect_uint_eq(c->first, (hdr0 + 2 * n + 15) / 16 * 16);
        expect_uint_le(c->first + n * size, KHEAP_PAGE_SIZE);
        /* n is the most that fit */
        expect_uint_gt((hdr0 + 2 * (n + 1) + 15) / 16 * 16 + (n + 1) * size, KHEAP_PAGE_SIZE);
        expect_uint_eq(s.cls[i].pages, 0);
        if (i > 0)
            expect_uint_gt(size, classes[i - 1]);
    }
    if (sizeof(void *) == 8) {
        /* The top classes are the largest 16-multiples for 2..9 slots a page. */
        static const unsigned top[][2] = {{2016, 2}, {1344, 3}, {1008, 4}, {800, 5},
                                          {672, 6},  {576, 7},  {496, 8},  {448, 9}};
        for (unsigned t = 0; t < 8; t++) {
            int ci = expected_class(top[t][0]);
            unsigned n = top[t][1];
            expect_uint_eq(H.cls[ci].nslots, n);
            expect_uint_gt((hdr0 + 2 * n + 15) / 16 * 16 + n * (top[t][0] + 16), KHEAP_PAGE_SIZE);
        }
        expect_uint_eq(H.cls[0].nslots, 225);
    }
    expect_uint_eq(KHEAP_MAX_SMALL, classes[KHEAP_NR_CLASSES - 1]);
    expect_uint_eq(s.pages_held, 0);
    expect_int_eq(pv.calls, 0); /* init allocates nothing */
}
END_TEST

/* docs/06-kernel-heap.md, exercises 1 and 2: the class kmalloc(1000) gets
 * with and without the red zone, and the slots of the 64-byte class (its
 * header is 144 bytes only in the 32-bit kernel, so not checked here). */
START_TEST(test_chapter_exercises)
{
    heap(true);
    void *p = kheap_alloc(&H, 1000);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(H.cls[page_at(p)->cls].size, 1344);
    ck_assert_int_eq(kheap_free(&H, p), 0);
    heap(false);
    p = kheap_alloc(&H, 1000);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(H.cls[page_at(p)->cls].size, 1008);
    ck_assert_int_eq(kheap_free(&H, p), 0);
    ck_assert_uint_eq(H.cls[expected_class(64)].size, 64);
    ck_assert_uint_eq(H.cls[expected_class(64)].nslots, 61);
}
END_TEST

START_TEST(test_every_size_lands_in_its_class)
{
    heap(_i);
    for (size_t size = 1; size <= 5000; size++) {
        size_t need = size + rz();
        int ci = expected_class(need);
        struct kheap_stats s0 = snap(), s1;
        uint8_t *p = kheap_alloc(&H, size);
        expect_msg(p != NULL, "alloc(%zu) failed", size);
        expect_uint_eq((uintptr_t)p % KHEAP_ALIGN, 0);
        s1 = snap();
        for (int cj = 0; cj < KHEAP_NR_CLASSES; cj++)
            expect_uint_eq(s1.cls[cj].in_use, s0.cls[cj].in_use + (cj == ci));
        size_t usable = kheap_usable_size(&H, p);
        if (ci >= 0) {
            expect_uint_eq(s1.large_blocks, s0.large_blocks);
            expect_uint_eq(usable, H.debug ? size : classes[ci]);
            struct kheap_page *pg = page_at(p);
            expect_uint_eq(pg->magic, KHEAP_SLAB_MAGIC);
            expect_uint_eq(pg->cls, ci);
            expect_uint_ge((uintptr_t)p - (uintptr_t)pg, H.cls[ci].first);
            expect(page_at(p + classes[ci] - 1) == pg); /* the slot lies in its page */
        } else {
            unsigned k = expected_order(need);
            expect_uint_eq(s1.large_blocks, s0.large_blocks + 1);
            expect_uint_eq(s1.large_pages, s0.large_pages + (1u << k));
            expect_uint_eq(pv.last_order, k);
            expect_uint_eq((uintptr_t)p % KHEAP_PAGE_SIZE, KHEAP_LARGE_HDR);
            expect_uint_eq(usable,
                           H.debug ? size : ((size_t)KHEAP_PAGE_SIZE << k) - KHEAP_LARGE_HDR);
        }
        expect_uint_eq(s1.bytes_requested, s0.bytes_requested + size);
        memset(p, 0x3C, usable); /* all of it is the caller's */
        expect_int_eq(kheap_free(&H, p), 0);
        expect_uint_eq(snap().bytes_requested, s0.bytes_requested);
        if (size % 250 == 0)
            assert_ok();
    }
    /* The edges, by hand. */
    expect_uint_eq(expected_class(KHEAP_MAX_SMALL), KHEAP_NR_CLASSES - 1);
    void *p = kheap_alloc(&H, KHEAP_PAGE_SIZE - KHEAP_LARGE_HDR - rz());
    expect_uint_eq(pv.last_order, 0);
    expect_int_eq(kheap_free(&H, p), 0);
    p = kheap_alloc(&H, KHEAP_PAGE_SIZE - KHEAP_LARGE_HDR - rz() + 1);
    expect_uint_eq(pv.last_order, 1);
    expect_int_eq(kheap_free(&H, p), 0);
    expect_all_freed();
}
END_TEST

START_TEST(test_zero_and_null)
{
    heap(_i);
    expect(kheap_alloc(&H, 0) == NULL);
    expect_int_eq(pv.calls, 0);
    expect_uint_eq(snap().nr_fail, 0); /* size 0 is not a failure */
    expect_int_eq(kheap_free(&H, NULL), 0);
    expect_uint_eq(kheap_usable_size(&H, NULL), 0);
    expect(kheap_realloc(&H, NULL, 0) == NULL);
    uint8_t *p = kheap_realloc(&H, NULL, 10);
    expect(p != NULL);
    expect_uint_ge(kheap_usable_size(&H, p), 10);
    expect_uint_eq(snap().bytes_requested, 10);
    expect(kheap_realloc(&H, p, 0) == NULL);
    expect_uint_eq(snap().bytes_requested, 0);
    expect_int_eq(kheap_free(&H, p), -EINVAL); /* realloc(p, 0) did free it */
    expect_int_eq(H.err.reason, KHEAP_E_DOUBLE_FREE);
    expect_all_freed();
}
END_TEST

/* ---- contents ---------------------------------------------------------- */

struct obj {
    uint8_t *p;
    size_t size;
    uint32_t seed;
};

static int by_address(const void *a, const void *b)
{
    const struct obj *x = a, *y = b;
    return x->p < y->p ? -1 : x->p > y->p;
}

START_TEST(test_objects_do_not_overlap)
{
    enum { N = 3000 };
    static struct obj objs[N], sorted[N];
    uint32_t r = 77;
    size_t total = 0;
    unsigned large = 0;

    heap(_i);
    for (unsigned i = 0; i < N; i++) {
        size_t size = i % 40 == 0 ? 2017 + rnd(&r) % 40000 : 1 + rnd(&r) % 2100;
        objs[i] = (struct obj){kheap_alloc(&H, size), size, i};
        expect(objs[i].p != NULL);
        fill(objs[i].p, size, i);
        total += size;
        large += size + rz() > KHEAP_MAX_SMALL;
    }
    memcpy(sorted, objs, sizeof objs);
    qsort(sorted, N, sizeof sorted[0], by_address);
    for (unsigned i = 0; i < N; i++) {
        const struct obj *o = &sorted[i];
        /* the object plus its red zone (debug) or its whole slot */
        size_t extent = H.debug ? o->size + KHEAP_REDZONE : kheap_usable_size(&H, o->p);
        if (i + 1 < N)
            expect_msg(o->p + extent <= sorted[i + 1].p, "%p+%zu overlaps %p", (void *)o->p, extent,
                       (void *)sorted[i + 1].p);
        if (o->size + rz() <= KHEAP_MAX_SMALL)
            expect(page_at(o->p) == page_at(o->p + extent - 1));
        expect_pattern(o->p, o->size, o->seed);
    }
    assert_ok();
    struct kheap_stats s = snap();
    uint32_t small = 0;
    for (int c = 0; c < KHEAP_NR_CLASSES; c++)
        small += s.cls[c].in_use;
    expect_uint_eq(small, N - large);
    expect_uint_eq(s.large_blocks, large);
    expect_uint_eq(s.bytes_requested, total);
    expect_uint_eq(s.pages_held, (uint32_t)pv.outstanding);
    expect_uint_ge(s.bytes_held, total);

    /* Free in a random order, checking the survivors now and then. */
    for (unsigned i = N - 1; i > 0; i--) {
        unsigned j = rnd(&r) % (i + 1);
        struct obj t = objs[i];
        objs[i] = objs[j];
        objs[j] = t;
    }
    for (unsigned i = 0; i < N; i++) {
        expect_pattern(objs[i].p, objs[i].size, objs[i].seed);
        expect_int_eq(kheap_free(&H, objs[i].p), 0);
        if (i % 500 == 0) {
            assert_ok();
            for (unsigned j = i + 1; j < N; j++)
                expect_pattern(objs[j].p, objs[j].size, objs[j].seed);
        }
    }
    expect_all_freed();
}
END_TEST

START_TEST(test_realloc_keeps_contents)
{
    static const size_t steps[] = {1,    10,   16,   17,   100,   500,    2000,   2016,
                                   2017, 4064, 4065, 5000, 10000, 100000, 300000, 12000,
                                   3000, 700,  20,   5,    1,     2500,   1};
    const unsigned nsteps = sizeof steps / sizeof steps[0];

    heap(_i);
    uint8_t *p = kheap_alloc(&H, steps[0]);
    expect(p != NULL);
    fill(p, steps[0], 0);
    for (unsigned k = 1; k < nsteps; k++) {
        size_t old = steps[k - 1], size = steps[k];
        int oc = expected_class(old + rz()), nc = expected_class(size + rz());
        bool same = oc >= 0 ? oc == nc
                            : nc < 0 && expected_order(old + rz()) == expected_order(size + rz());
        uint8_t *q = kheap_realloc(&H, p, size);
        expect_msg(q != NULL, "realloc %zu -> %zu failed", old, size);
        expect_msg((q == p) == same, "realloc %zu -> %zu: moved %d, expected %d", old, size, q != p,
                   !same);
        expect_pattern(q, old < size ? old : size, k - 1);
        expect_uint_ge(kheap_usable_size(&H, q), size);
        struct kheap_stats s = snap();
        expect_uint_eq(s.bytes_requested, size);
        expect_uint_eq(s.large_blocks, nc < 0);
        fill(q, size, k);
        assert_ok();
        p = q;
    }
    expect_int_eq(kheap_free(&H, p), 0);
    expect_all_freed();
}
END_TEST

/* Outside debug mode the whole slot is the caller's (usable size), so a move
 * keeps all of it, not only the bytes asked for. */
START_TEST(test_realloc_keeps_the_usable_bytes)
{
    heap(false);
    uint8_t *p = kheap_alloc(&H, 20);
    expect_uint_eq(kheap_usable_size(&H, p), 32);
    fill(p, 32, 5);
    uint8_t *q = kheap_realloc(&H, p, 100);
    expect(q != p);
    expect_pattern(q, 32, 5);
    p = kheap_alloc(&H, 3000);
    expect_uint_eq(kheap_usable_size(&H, p), KHEAP_PAGE_SIZE - KHEAP_LARGE_HDR);
    fill(p, KHEAP_PAGE_SIZE - KHEAP_LARGE_HDR, 6);
    uint8_t *r = kheap_realloc(&H, p, 10000);
    expect(r != p);
    expect_pattern(r, KHEAP_PAGE_SIZE - KHEAP_LARGE_HDR, 6);
    expect_int_eq(kheap_free(&H, q), 0);
    expect_int_eq(kheap_free(&H, r), 0);
    expect_all_freed();
}
END_TEST

/* Debug mode: an in-place grow shows fresh poison, an in-place shrink turns
 * the tail into red zone (kheap_check would see a hole otherwise). */
START_TEST(test_realloc_in_place_debug)
{
    heap(true);
    uint8_t *p = kheap_alloc(&H, 100); /* 116 -> class 128 */
    expect_uint_eq(bad_fill(p, 100, KHEAP_POISON_NEW), 100);
    expect_uint_eq(bad_fill(p + 100, 28, KHEAP_RED_BYTE), 28);
    fill(p, 100, 1);
    expect(kheap_realloc(&H, p, 108) == p);
    expect_pattern(p, 100, 1);
    expect_uint_eq(bad_fill(p + 100, 8, KHEAP_POISON_NEW), 8);
    expect_uint_eq(bad_fill(p + 108, 20, KHEAP_RED_BYTE), 20);
    expect_uint_eq(kheap_usable_size(&H, p), 108);
    assert_ok();
    expect(kheap_realloc(&H, p, 98) == p); /* 114 -> still 128 */
    expect_uint_eq(bad_fill(p + 98, 30, KHEAP_RED_BYTE), 30);
    expect_uint_eq(snap().bytes_requested, 98);
    assert_ok();
    uint8_t *q = kheap_realloc(&H, p, 50); /* 66 -> class 80: moves */
    expect(q != p);
    expect_pattern(q, 50, 1);
    expect_int_eq(kheap_free(&H, q), 0);
    expect_all_freed();
}
END_TEST

/* ---- misuse ------------------------------------------------------------ */

START_TEST(test_double_free)
{
    heap(_i);
    uint8_t *a = kheap_alloc(&H, 100), *b = kheap_alloc(&H, 100);
    expect(page_at(a) == page_at(b));
    fill(b, 100, 2);
    expect_int_eq(kheap_free(&H, a), 0);
    save_heap();
    expect_refused(kheap_free(&H, a), KHEAP_E_DOUBLE_FREE, a);
    expect_pattern(b, 100, 2);
    expect_int_eq(kheap_free(&H, b), 0); /* the page is now the class's cached empty page */
    save_heap();
    expect_refused(kheap_free(&H, b), KHEAP_E_DOUBLE_FREE, b);
    save_heap();
    expect(kheap_realloc(&H, b, 10) == NULL);
    expect_int_eq(H.err.reason, KHEAP_E_DOUBLE_FREE);
    expect_heap_unchanged(1);
    save_heap();
    expect(kheap_realloc(&H, b, 0) == NULL);
    expect_int_eq(H.err.reason, KHEAP_E_DOUBLE_FREE);
    expect_heap_unchanged(1);

    /* A second free after the page went back to free_pages: named from the
     * graves, without reading the page (ASan would object). */
    int ci = expected_class(64 + rz());
    unsigned n = H.cls[ci].nslots;
    static uint8_t *objs[3 * 256];
    for (unsigned i = 0; i < 3 * n; i++)
        objs[i] = kheap_alloc(&H, 64);
    expect_uint_eq(snap().cls[ci].pages, 3);
    for (unsigned i = 0; i < 3 * n; i++)
        expect_int_eq(kheap_free(&H, objs[i]), 0);
    expect_uint_eq(snap().cls[ci].pages, 1);
    uint8_t *gone = NULL;
    for (unsigned i = 0; i < 3 * n && !gone; i++) {
        if (page_at(objs[i]) != H.cls[ci].empty)
            gone = objs[i];
    }
    save_heap();
    expect_refused(kheap_free(&H, gone), KHEAP_E_DOUBLE_FREE, gone);
    expect_all_freed();
}
END_TEST

START_TEST(test_free_of_pointers_never_returned)
{
    heap(_i);
    uint8_t *keep = kheap_alloc(&H, 100);
    int local = 0;
    save_heap();
    expect_refused(kheap_free(&H, &local), KHEAP_E_NOT_HEAP, &local);
    char *m = malloc(64);
    expect_refused(kheap_free(&H, m), KHEAP_E_NOT_HEAP, m);
    free(m);
    void *wild = (void *)(uintptr_t)0x1000; /* reading it would crash */
    expect_refused(kheap_free(&H, wild), KHEAP_E_NOT_HEAP, wild);
    struct kheap_page *pg = page_at(keep);
    expect_refused(kheap_free(&H, pg), KHEAP_E_NOT_HEAP, pg); /* the header */
    expect_refused(kheap_free(&H, (uint8_t *)pg + 16), KHEAP_E_NOT_HEAP, (uint8_t *)pg + 16);
    /* the slack after the last slot of a class-2016 page */
    uint8_t *big = kheap_alloc(&H, KHEAP_MAX_SMALL - rz());
    const struct kheap_class *c = &H.cls[KHEAP_NR_CLASSES - 1];
    uint8_t *slack = (uint8_t *)page_at(big) + c->first + c->nslots * c->size;
    expect((uintptr_t)slack < (uintptr_t)page_at(big) + KHEAP_PAGE_SIZE);
    save_heap();
    expect_refused(kheap_free(&H, slack), KHEAP_E_NOT_HEAP, slack);
    expect_uint_eq(kheap_usable_size(&H, &local), 0);
    expect_int_eq(H.err.reason, KHEAP_E_NOT_HEAP);
    save_heap();
    expect(kheap_realloc(&H, &local, 10) == NULL);
    expect_int_eq(H.err.reason, KHEAP_E_NOT_HEAP);
    expect_heap_unchanged(1);
    expect_int_eq(kheap_free(&H, keep), 0);
    expect_int_eq(kheap_free(&H, big), 0);
    expect_all_freed();
}
END_TEST

START_TEST(test_free_of_interior_pointers)
{
    heap(_i);
    uint8_t *p = kheap_alloc(&H, 100), *q = kheap_alloc(&H, 10000);
    fill(p, 100, 1);
    fill(q, 10000, 2);
    save_heap();
    expect_refused(kheap_free(&H, p + 8), KHEAP_E_MISALIGNED, p + 8);
    expect_uint_eq(H.err.offset, 8);
    expect_uint_eq(H.err.size, 100);
    expect_refused(kheap_free(&H, p + 1), KHEAP_E_MISALIGNED, p + 1);
    expect_uint_eq(H.err.offset, 1);
    expect_refused(kheap_free(&H, q + 16), KHEAP_E_MISALIGNED, q + 16);
    expect_uint_eq(H.err.offset, 16);
    expect_uint_eq(H.err.size, 10000);
    expect_refused(kheap_free(&H, q + 5000), KHEAP_E_MISALIGNED, q + 5000); /* second page */
    expect_uint_eq(H.err.offset, 5000);
    expect_refused(kheap_free(&H, q - KHEAP_LARGE_HDR), KHEAP_E_NOT_HEAP, q - KHEAP_LARGE_HDR);
    save_heap();
    expect(kheap_realloc(&H, p + 16, 10) == NULL);
    expect_int_eq(H.err.reason, KHEAP_E_MISALIGNED);
    expect_heap_unchanged(1);
    expect_pattern(p, 100, 1);
    expect_pattern(q, 10000, 2);
    expect_int_eq(kheap_free(&H, p), 0);
    expect_int_eq(kheap_free(&H, q), 0);
    expect_all_freed();
}
END_TEST

START_TEST(test_redzone_overflow_detected)
{
    static const size_t sizes[] = {1, 15, 16, 100, 2000, 2001, 5000, 100000};
    heap(true);
    for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t s = sizes[k];
        uint8_t *p = kheap_alloc(&H, s);
        expect(p != NULL);
        fill(p, s, k);
        expect_uint_eq(p[s], KHEAP_RED_BYTE);
        p[s] ^= 1; /* one byte too far */
        save_heap();
        expect_int_eq(kheap_free(&H, p), -EINVAL);
        expect_int_eq(H.err.reason, KHEAP_E_REDZONE);
        expect_ptr_eq(H.err.ptr, p);
        expect_uint_eq(H.err.size, s);
        expect_uint_eq(H.err.offset, s);
        expect_heap_unchanged(1);
        save_heap();
        expect_int_eq(kheap_check(&H), -EINVAL);
        expect_int_eq(H.err.reason, KHEAP_E_REDZONE);
        expect_ptr_eq(H.err.ptr, p);
        expect_uint_eq(H.err.offset, s);
        expect(kheap_realloc(&H, p, 2 * s) == NULL);
        expect_int_eq(H.err.reason, KHEAP_E_REDZONE);
        expect_heap_unchanged(2);
        p[s] ^= 1;
        assert_ok();
        p[s + 9] = 0; /* further out, first byte left alone */
        expect_int_eq(kheap_free(&H, p), -EINVAL);
        expect_int_eq(H.err.reason, KHEAP_E_REDZONE);
        expect_uint_eq(H.err.offset, s + 9);
        p[s + 9] = KHEAP_RED_BYTE;
        assert_ok();
        expect_pattern(p, s, k);
        expect_int_eq(kheap_free(&H, p), 0);
    }
    expect_all_freed();
}
END_TEST

START_TEST(test_use_after_free)
{
    heap(true);
    int ci = expected_class(64 + KHEAP_REDZONE);
    unsigned slot = classes[ci];
    uint8_t *keep = kheap_alloc(&H, 64), *p = kheap_alloc(&H, 64);
    expect(page_at(keep) == page_at(p)); /* so the page stays the heap's */
    expect_int_eq(kheap_free(&H, p), 0);
    expect_uint_eq(bad_fill(p, slot, KHEAP_POISON_FREE), slot);
    p[10] = 0;
    save_heap();
    expect_int_eq(kheap_check(&H), -EINVAL);
    expect_int_eq(H.err.reason, KHEAP_E_USE_AFTER_FREE);
    expect_ptr_eq(H.err.ptr, p);
    expect_uint_eq(H.err.offset, 10);
    expect_uint_eq(H.err.size, slot);
    expect_heap_unchanged(1);
    p[10] = KHEAP_POISON_FREE;
    assert_ok();

    /* Caught again when the slot is handed out (the freshest free slot first). */
    p[3] = 0x11;
    uint32_t errors = H.nr_errors;
    uint8_t *q = kheap_alloc(&H, 64);
    expect_ptr_eq(q, p);
    expect_uint_eq(H.nr_errors, errors + 1);
    expect_int_eq(H.err.reason, KHEAP_E_USE_AFTER_FREE);
    expect_ptr_eq(H.err.ptr, p);
    expect_uint_eq(H.err.offset, 3);
    expect_uint_eq(bad_fill(q, 64, KHEAP_POISON_NEW), 64);
    expect_uint_eq(bad_fill(q + 64, slot - 64, KHEAP_RED_BYTE), slot - 64);
    assert_ok();
    expect_int_eq(kheap_free(&H, q), 0);
    expect_int_eq(kheap_free(&H, keep), 0);
    expect_all_freed();
}
END_TEST

START_TEST(test_large_double_free)
{
    heap(_i);
    void *warm = kheap_alloc(&H, 8); /* the registry's page is allocated now */
    long before = pv.outstanding;
    uint8_t *q = kheap_alloc(&H, 10000);
    expect_int_eq(pv.outstanding, before + 4);
    fill(q, 10000, 3);
    expect_int_eq(kheap_free(&H, q), 0);
    expect_int_eq(pv.outstanding, before);
    save_heap();
    expect_refused(kheap_free(&H, q), KHEAP_E_DOUBLE_FREE, q);
    save_heap();
    expect(kheap_realloc(&H, q, 5) == NULL);
    expect_int_eq(H.err.reason, KHEAP_E_DOUBLE_FREE);
    expect_uint_eq(kheap_usable_size(&H, q), 0);
    expect_int_eq(H.err.reason, KHEAP_E_DOUBLE_FREE);
    expect_heap_unchanged(2);
    uint8_t *r = kheap_alloc(&H, 1000000);
    expect_int_eq(pv.outstanding, before + 256);
    expect_int_eq(kheap_free(&H, r), 0);
    save_heap();
    expect_refused(kheap_free(&H, r), KHEAP_E_DOUBLE_FREE, r);
    expect_refused(kheap_free(&H, r + 4096), KHEAP_E_NOT_HEAP, r + 4096);
    expect_int_eq(kheap_free(&H, warm), 0);
    expect_all_freed();
}
END_TEST

START_TEST(test_corrupt_headers)
{
    heap(_i);
    uint8_t *keep = kheap_alloc(&H, 40), *p = kheap_alloc(&H, 40);
    struct kheap_page *pg = page_at(p);
    int ci = pg->cls;
    expect(page_at(keep) == pg);

    pg->magic ^= 1;
    save_heap();
    expect_int_eq(kheap_free(&H, p), -EINVAL);
    expect_int_eq(H.err.reason, KHEAP_E_CORRUPT_HEADER);
    expect_ptr_eq(H.err.ptr, pg);
    expect_int_eq(kheap_check(&H), -EINVAL);
    expect_int_eq(H.err.reason, KHEAP_E_CORRUPT_HEADER);
    expect_heap_unchanged(2);
    pg->magic ^= 1;
    assert_ok();

    pg->inuse++;
    expect_int_eq(kheap_check(&H), -EINVAL);
    expect_int_eq(H.err.reason, KHEAP_E_CORRUPT_HEADER);
    pg->inuse--;
    assert_ok();

    unsigned f = pg->free_head;
    uint16_t saved_map = pg->map[f];
    pg->map[f] = (uint16_t)(KHEAP_SLOT_USED | 5); /* a free slot marked used */
    expect_int_eq(kheap_check(&H), -EINVAL);
    expect_int_eq(H.err.reason, KHEAP_E_CORRUPT_HEADER);
    pg->map[f] = (uint16_t)f; /* a free list that loops */
    expect_int_eq(kheap_check(&H), -EINVAL);
    expect_int_eq(H.err.reason, KHEAP_E_CORRUPT_HEADER);
    pg->map[f] = saved_map;
    assert_ok();

    struct kheap_list *prev = pg->link.prev;
    pg->link.prev = (struct kheap_list *)(uintptr_t)0x1234;
    expect_int_eq(kheap_check(&H), -EINVAL);
    expect_int_eq(H.err.reason, KHEAP_E_BAD_LIST);
    pg->link.prev = prev;
    assert_ok();

    H.cls[ci].in_use++;
    expect_int_eq(kheap_check(&H), -EINVAL);
    expect_int_eq(H.err.reason, KHEAP_E_BAD_COUNT);
    H.cls[ci].in_use--;
    H.bytes_requested++;
    expect_int_eq(kheap_check(&H), -EINVAL);
    expect_int_eq(H.err.reason, KHEAP_E_BAD_COUNT);
    H.bytes_requested--;
    assert_ok();

    uint8_t *q = kheap_alloc(&H, 5000);
    struct kheap_large *b = (struct kheap_large *)(q - KHEAP_LARGE_HDR);
    expect_uint_eq(b->magic, KHEAP_LARGE_MAGIC);
    expect_uint_eq(b->size, 5000);
    b->size = 0;
    save_heap();
    expect_int_eq(kheap_free(&H, q), -EINVAL);
    expect_int_eq(H.err.reason, KHEAP_E_CORRUPT_HEADER);
    expect_ptr_eq(H.err.ptr, b);
    expect_int_eq(kheap_check(&H), -EINVAL);
    expect_int_eq(H.err.reason, KHEAP_E_CORRUPT_HEADER);
    expect_heap_unchanged(2);
    b->size = 5000;
    assert_ok();

    expect_int_eq(kheap_free(&H, p), 0);
    expect_int_eq(kheap_free(&H, keep), 0);
    expect_int_eq(kheap_free(&H, q), 0);
    expect_all_freed();
}
END_TEST

/* ---- running out of pages ---------------------------------------------- */

START_TEST(test_alloc_failure)
{
    heap(_i);
    pv.fail_all = true;
    expect(kheap_alloc(&H, 100) == NULL);
    expect_int_eq(H.err.reason, KHEAP_E_NO_MEMORY);
    expect(kheap_alloc(&H, 100000) == NULL);
    expect_uint_eq(snap().nr_fail, 2);
    expect_uint_eq(snap().pages_held, 0);
    expect_int_eq(pv.outstanding, 0);
    assert_ok();

    pv.fail_all = false;
    uint8_t *p = kheap_alloc(&H, 100), *big = kheap_alloc(&H, 3000);
    fill(p, 100, 1);
    fill(big, 3000, 2);
    pv.fail_all = true;
    void *more = kheap_alloc(&H, 100); /* a free slot in p's page: no page needed */
    expect(more != NULL);
    expect_int_eq(kheap_free(&H, more), 0);
    size_t usable = kheap_usable_size(&H, p);
    save_heap();
    expect(kheap_realloc(&H, p, 50000) == NULL); /* grow: p untouched */
    expect(kheap_realloc(&H, p, 1000) == NULL);
    expect_int_eq(H.err.reason, KHEAP_E_NO_MEMORY);
    expect_pattern(p, 100, 1);
    expect_uint_eq(kheap_usable_size(&H, p), usable);
    H.nr_fail -= 2;
    expect_heap_unchanged(0);
    assert_ok();
    /* A shrink with no page for the smaller class stays in place. */
    expect_ptr_eq(kheap_realloc(&H, big, 30), big);
    expect_pattern(big, 30, 2);
    expect_uint_eq(snap().bytes_requested, 130);
    if (H.debug)
        expect_uint_eq(kheap_usable_size(&H, big), 30);
    assert_ok();
    pv.fail_all = false;
    expect_int_eq(kheap_free(&H, p), 0);
    expect_int_eq(kheap_free(&H, big), 0);
    expect_all_freed();
}
END_TEST

/* Growing the registry takes a page too; failing exactly that call must fail
 * the allocation cleanly. */
START_TEST(test_registry_growth_failure)
{
    enum { N = 1500 };
    static void *objs[N];
    heap(_i);
    unsigned failed = 0;
    for (unsigned i = 0; i < N; i++) {
        bool grows = H.reg.tab && (H.reg.used + H.reg.tombs + 1) * 2 > H.reg.cap;
        if (grows) {
            pv.fail_at = pv.calls + 1;
            expect(kheap_alloc(&H, 3000) == NULL);
            expect_int_eq(H.err.reason, KHEAP_E_NO_MEMORY);
            expect_uint_eq(snap().pages_held, (uint32_t)pv.outstanding);
            assert_ok();
            failed++;
        }
        objs[i] = kheap_alloc(&H, 3000);
        expect(objs[i] != NULL);
    }
    expect_uint_ge(failed, 2); /* 256 and 512 pages on 64-bit hosts */
    expect_uint_ge(snap().meta_pages, 2);
    assert_ok();
    for (unsigned i = 0; i < N; i++)
        expect_int_eq(kheap_free(&H, objs[i]), 0);
    expect_uint_eq(H.reg.used, 0);
    expect_all_freed();
}
END_TEST

START_TEST(test_random_failures_leak_nothing)
{
    enum { LIVE = 400, OPS = 20000 };
    static struct obj live[LIVE];
    uint32_t r = 99 + _i;
    unsigned fails = 0;

    memset(live, 0, sizeof live);
    heap(_i);
    pv.fail_pct = 25;
    for (unsigned op = 0; op < OPS; op++) {
        struct obj *o = &live[rnd(&r) % LIVE];
        size_t size = rnd(&r) % 4 ? 1 + rnd(&r) % 2048 : 1 + rnd(&r) % 20000;
        if (!o->p) {
            o->p = kheap_alloc(&H, size);
            if (!o->p) {
                expect_int_eq(H.err.reason, KHEAP_E_NO_MEMORY);
                fails++;
                continue;
            }
            o->size = size;
            o->seed = op;
            fill(o->p, size, op);
        } else if (rnd(&r) % 2) {
            expect_pattern(o->p, o->size, o->seed);
            expect_int_eq(kheap_free(&H, o->p), 0);
            o->p = NULL;
        } else {
            uint8_t *q = kheap_realloc(&H, o->p, size);
            if (!q) {
                expect_int_eq(H.err.reason, KHEAP_E_NO_MEMORY);
                expect_pattern(o->p, o->size, o->seed);
                fails++;
                continue;
            }
            expect_pattern(q, o->size < size ? o->size : size, o->seed);
            o->p = q;
            o->size = size;
            o->seed = op;
            fill(q, size, op);
        }
        if (op % 1000 == 0) {
            assert_ok();
            expect_uint_eq(snap().pages_held, (uint32_t)pv.outstanding);
        }
    }
    expect_uint_gt(fails, 100);
    pv.fail_pct = 0;
    for (unsigned i = 0; i < LIVE; i++) {
        if (live[i].p)
            expect_int_eq(kheap_free(&H, live[i].p), 0);
    }
    expect_all_freed();
}
END_TEST

START_TEST(test_too_big)
{
    heap(_i);
    size_t max = KHEAP_MAX_SIZE - rz();
    expect(kheap_alloc(&H, max + 1) == NULL);
    expect_int_eq(H.err.reason, KHEAP_E_TOO_BIG);
    expect(kheap_alloc(&H, SIZE_MAX) == NULL);
    expect(kheap_alloc(&H, SIZE_MAX - 8) == NULL);
    expect_int_eq(pv.calls, 0);
    expect_uint_eq(snap().nr_fail, 3);
    uint8_t *p = kheap_alloc(&H, max);
    expect(p != NULL);
    expect_uint_eq(pv.last_order, KHEAP_MAX_ORDER);
    p[0] = 1;
    p[max - 1] = 2;
    expect(kheap_realloc(&H, p, SIZE_MAX) == NULL);
    expect_int_eq(H.err.reason, KHEAP_E_TOO_BIG);
    expect_uint_eq(p[0] + p[max - 1], 3);
    assert_ok();
    expect_int_eq(kheap_free(&H, p), 0);
    expect_all_freed();
}
END_TEST

/* ---- counters ---------------------------------------------------------- */

START_TEST(test_stats_values)
{
    heap(false);
    int ci = expected_class(100);
    expect_uint_eq(classes[ci], 112);
    void *p = kheap_alloc(&H, 100);
    struct kheap_stats s = snap();
    expect_uint_eq(s.cls[ci].pages, 1);
    expect_uint_eq(s.cls[ci].in_use, 1);
    expect_uint_eq(s.cls[ci].free, s.cls[ci].slots_per_page - 1);
    expect_uint_eq(s.meta_pages, 1);
    expect_uint_eq(s.pages_held, 2);
    expect_uint_eq(s.bytes_held, 2 * KHEAP_PAGE_SIZE);
    expect_uint_eq(s.bytes_requested, 100);
    expect_uint_eq(s.nr_alloc, 1);
    expect_int_eq(pv.outstanding, 2);

    void *q = kheap_alloc(&H, 5000); /* 5032 bytes: order 1 */
    s = snap();
    expect_uint_eq(s.large_blocks, 1);
    expect_uint_eq(s.large_pages, 2);
    expect_uint_eq(s.pages_held, 4);
    expect_uint_eq(s.bytes_held, 4 * KHEAP_PAGE_SIZE);
    expect_uint_eq(s.bytes_requested, 5100);
    expect_int_eq(pv.outstanding, 4);

    expect_int_eq(kheap_free(&H, p), 0);
    expect_int_eq(kheap_free(&H, q), 0);
    s = snap();
    expect_uint_eq(s.cls[ci].pages, 1); /* cached */
    expect_uint_eq(s.cls[ci].in_use, 0);
    expect_uint_eq(s.cls[ci].free, s.cls[ci].slots_per_page);
    expect_uint_eq(s.large_blocks, 0);
    expect_uint_eq(s.large_pages, 0);
    expect_uint_eq(s.pages_held, 2);
    expect_uint_eq(s.bytes_requested, 0);
    expect_uint_eq(s.nr_free, 2);
    expect_uint_eq(s.nr_errors, 0);
    expect_uint_eq(kheap_shrink(&H), 2);
    expect_uint_eq(snap().pages_held, 0);
    expect_int_eq(pv.outstanding, 0);
}
END_TEST

START_TEST(test_one_empty_page_cached)
{
    static void *objs[3 * 256];
    heap(_i);
    int ci = expected_class(64 + rz());
    unsigned n = H.cls[ci].nslots;
    for (unsigned i = 0; i < 3 * n; i++)
        objs[i] = kheap_alloc(&H, 64);
    expect_uint_eq(snap().cls[ci].pages, 3);
    expect_int_eq(pv.calls, 4); /* registry + 3 pages */
    for (unsigned i = 0; i < 3 * n; i++)
        expect_int_eq(kheap_free(&H, objs[i]), 0);
    expect_uint_eq(snap().cls[ci].pages, 1);
    expect_int_eq(pv.frees, 2);
    expect_int_eq(pv.outstanding, 2);
    void *p = kheap_alloc(&H, 64);
    expect_int_eq(pv.calls, 4); /* the cached page, no new one */
    expect_uint_eq(snap().cls[ci].pages, 1);
    assert_ok();
    expect_int_eq(kheap_free(&H, p), 0);
    expect_all_freed();
}
END_TEST

START_TEST(test_error_names)
{
    for (int a = 0; a < KHEAP_NR_REASONS; a++) {
        expect(kheap_error_name(a) != NULL);
        expect_msg(strcmp(kheap_error_name(a), "?") != 0, "reason %d has no name", a);
        for (int b = 0; b < a; b++)
            expect(strcmp(kheap_error_name(a), kheap_error_name(b)) != 0);
    }
    expect(strcmp(kheap_error_name(KHEAP_NR_REASONS), "?") == 0);
    expect(strcmp(kheap_error_name(-1), "?") == 0);
}
END_TEST

/* ---- the storm --------------------------------------------------------- */

static size_t storm_size(uint32_t *r)
{
    uint32_t k = rnd(r) % 1000;
    if (k < 600)
        return 1 + rnd(r) % 256;
    if (k < 880)
        return 1 + rnd(r) % 2048;
    if (k < 990)
        return 1 + rnd(r) % 16384;
    return 1 + rnd(r) % 131072;
}

START_TEST(test_random_storm)
{
    enum { LIVE = 1024, OPS = 200000, CHECK_EVERY = 4096 };
    static struct obj live[LIVE];
    uint32_t r = 0xC0FFEEu + (uint32_t)_i;
    size_t total = 0;
    unsigned allocs = 0, frees = 0, reallocs = 0, misuses = 0;

    memset(live, 0, sizeof live);
    heap(_i);
    for (unsigned op = 1; op <= OPS; op++) {
        struct obj *o = &live[rnd(&r) % LIVE];
        uint32_t k = rnd(&r) % 100;
        if (!o->p) {
            size_t size = storm_size(&r);
            o->p = kheap_alloc(&H, size);
            expect(o->p != NULL);
            o->size = size;
            o->seed = op;
            fill(o->p, size, op);
            total += size;
            allocs++;
        } else if (k < 55) {
            expect_pattern(o->p, o->size, o->seed);
            expect_int_eq(kheap_free(&H, o->p), 0);
            total -= o->size;
            o->p = NULL;
            frees++;
        } else if (k < 98) {
            size_t size = storm_size(&r);
            expect_pattern(o->p, o->size, o->seed);
            uint8_t *q = kheap_realloc(&H, o->p, size);
            expect(q != NULL);
            expect_pattern(q, o->size < size ? o->size : size, o->seed);
            total = total - o->size + size;
            o->p = q;
            o->size = size;
            o->seed = op;
            fill(q, size, op);
            reallocs++;
        } else if (o->size > 1) {
            uint8_t *inside = o->p + 1 + rnd(&r) % (o->size - 1);
            expect_int_eq(kheap_free(&H, inside), -EINVAL);
            expect_int_eq(H.err.reason, KHEAP_E_MISALIGNED);
            misuses++;
        }
        if (op % CHECK_EVERY == 0) {
            assert_ok();
            struct kheap_stats s = snap();
            expect_uint_eq(s.bytes_requested, total);
            expect_uint_eq(s.pages_held, (uint32_t)pv.outstanding);
        }
    }
    expect_uint_gt(allocs, 50000);
    expect_uint_gt(frees, 40000);
    expect_uint_gt(reallocs, 40000);
    expect_uint_gt(misuses, 1000);
    expect_uint_eq(H.nr_errors, misuses);
    for (unsigned i = 0; i < LIVE; i++) {
        if (live[i].p) {
            expect_pattern(live[i].p, live[i].size, live[i].seed);
            expect_int_eq(kheap_free(&H, live[i].p), 0);
        }
    }
    expect_all_freed();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kheap");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    /* _i: 0 plain heap, 1 debug heap */
    tcase_add_loop_test(tc, test_class_layout, 0, 2);
    tcase_add_test(tc, test_chapter_exercises);
    tcase_add_loop_test(tc, test_every_size_lands_in_its_class, 0, 2);
    tcase_add_loop_test(tc, test_zero_and_null, 0, 2);
    tcase_add_loop_test(tc, test_objects_do_not_overlap, 0, 2);
    tcase_add_loop_test(tc, test_realloc_keeps_contents, 0, 2);
    tcase_add_test(tc, test_realloc_keeps_the_usable_bytes);
    tcase_add_test(tc, test_realloc_in_place_debug);
    tcase_add_loop_test(tc, test_double_free, 0, 2);
    tcase_add_loop_test(tc, test_free_of_pointers_never_returned, 0, 2);
    tcase_add_loop_test(tc, test_free_of_interior_pointers, 0, 2);
    tcase_add_test(tc, test_redzone_overflow_detected);
    tcase_add_test(tc, test_use_after_free);
    tcase_add_loop_test(tc, test_large_double_free, 0, 2);
    tcase_add_loop_test(tc, test_corrupt_headers, 0, 2);
    tcase_add_loop_test(tc, test_alloc_failure, 0, 2);
    tcase_add_loop_test(tc, test_registry_growth_failure, 0, 2);
    tcase_add_loop_test(tc, test_random_failures_leak_nothing, 0, 2);
    tcase_add_loop_test(tc, test_too_big, 0, 2);
    tcase_add_test(tc, test_stats_values);
    tcase_add_loop_test(tc, test_one_empty_page_cached, 0, 2);
    tcase_add_test(tc, test_error_names);
    tcase_add_loop_test(tc, test_random_storm, 0, 2);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
