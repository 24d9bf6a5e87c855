/* A page-by-page model of the VM-area core (src/mem/vma.c), shared by the
 * random test (tests/unit/test_vma_model.c) and the fuzz target
 * (tests/fuzz/fuzz_vma.c). They differ only in where the choices come from:
 * a fixed random sequence, or the fuzz input.
 *
 * The model knows, for each page of a small window of addresses, whether an
 * area covers it and with which attributes (prot, kind, file and shared
 * segment fields). Every operation is predicted from the model alone, the
 * return value exactly as vma.h documents it, and after every operation the
 * list must be sorted, non-overlapping, page aligned, fully merged, and cover
 * exactly the model's pages with the model's attributes. A refused operation
 * must leave the list as it was, to the byte.
 *
 * The includer defines VMA_MODEL_FAIL(message), which must not return. */
#ifndef TESTS_VMA_MODEL_H
#define TESTS_VMA_MODEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernel/errno.h"
#include "mem/vma.h"

#ifndef VMA_MODEL_FAIL
#error "define VMA_MODEL_FAIL(message) before including vma_model.h"
#endif

#define MODEL_PAGE      0x1000u
#define MODEL_MAX_PAGES 256u
/* No area reaches past this: its end would be 2^32, which does not fit. */
#define MODEL_TOP       0xFFFFF000u

enum model_op { OP_INSERT, OP_UNMAP, OP_PROTECT, OP_FIND, OP_FIND_FREE, OP_FIND_ALL };

/* What the operations did, so that a run can show it reached every case. */
enum model_stat {
    ST_INSERT_NEW,    /* inserted as an area of its own */
    ST_INSERT_JOINED, /* inserted by growing a neighbour (or joining two) */
    ST_INSERT_FULL_JOINED,
    ST_INSERT_EINVAL,
    ST_INSERT_ENOMEM,
    ST_UNMAP_OK,
    ST_UNMAP_SPLIT,
    ST_UNMAP_EINVAL,
    ST_UNMAP_ENOMEM,
    ST_PROTECT_OK,
    ST_PROTECT_MERGED, /* fewer areas afterwards */
    ST_PROTECT_EINVAL,
    ST_PROTECT_HOLE,
    ST_PROTECT_FULL,
    ST_FIND_HIT,
    ST_FIND_MISS,
    ST_FREE_FROM_HINT,
    ST_FREE_WRAPPED, /* a hint was given but the answer lies below it */
    ST_FREE_FROM_LO,
    ST_FREE_NONE,
    ST_FREE_REFUSED, /* bad arguments */
    ST_LIST_FULL,    /* steps that ended with VMA_MAX areas */
    ST_COUNT
};

static const char *const model_stat_names[ST_COUNT] = {
    "insert new",     "insert joined",  "insert joined full", "insert EINVAL", "insert ENOMEM",
    "unmap ok",       "unmap split",    "unmap EINVAL",       "unmap ENOMEM",  "protect ok",
    "protect merged", "protect EINVAL", "protect hole",       "protect full",  "find hit",
    "find miss",      "free at hint",   "free wrapped",       "free from lo",  "free none",
    "free refused",   "list full"};

struct model {
    struct vma_list list;  /* what is under test */
    uint32_t base, npages; /* areas lie in [base, base + npages pages) */
    unsigned variety;      /* 1..3: how many values each attribute takes */
    bool fill;             /* mostly small inserts: the list fills up */
    bool used[MODEL_MAX_PAGES];
    struct vma attr[MODEL_MAX_PAGES];         /* page i's attributes; start, end are 0 */
    uint32_t used_below[MODEL_MAX_PAGES + 1]; /* for find_free: used pages in [0, i) */

    uint32_t (*next)(void *src); /* where the choices come from */
    void *src;

    unsigned long step;
    enum model_op op; /* the operation under way, for failure messages */
    uint32_t arg[4];
    struct vma v;
    unsigned long stats[ST_COUNT];
};

static uint32_t model_pick(struct model *m, uint32_t n)
{
    return m->next(m->src) % n;
}

static uint32_t model_page_addr(const struct model *m, uint32_t i)
{
    return m->base + i * MODEL_PAGE;
}

static uint32_t model_window_end(const struct model *m)
{
    return model_page_addr(m, m->npages);
}

/* The fields that say what an area is, everything but its range. Written
 * out here rather than calling vma_same_kind, which is under test too. */
static bool model_attr_eq(const struct vma *a, const struct vma *b)
{
    return a->prot == b->prot && a->kind == b->kind && a->file == b->file &&
           a->file_bias == b->file_bias && a->file_start == b->file_start &&
           a->file_end == b->file_end && a->shm == b->shm && a->shm_base == b->shm_base;
}

/* ---- failure messages ------------------------------------------------------ */

static int model_describe(const struct model *m, char *buf, size_t size)
{
    const uint32_t *a = m->arg;
    const struct vma *v = &m->v;
    switch (m->op) {
    case OP_INSERT:
        return snprintf(buf, size,
                        "insert [0x%08x, 0x%08x) prot %u kind %d file 0x%x bias 0x%x "
                        "[0x%x, 0x%x) shm %u at 0x%x",
                        v->start, v->end, v->prot, (int)v->kind, v->file, v->file_bias,
                        v->file_start, v->file_end, v->shm, v->shm_base);
    case OP_UNMAP:
        return snprintf(buf, size, "unmap [0x%08x, 0x%08x)", a[0], a[1]);
    case OP_PROTECT:
        return snprintf(buf, size, "protect [0x%08x, 0x%08x) to %u", a[0], a[1], a[2]);
    case OP_FIND:
        return snprintf(buf, size, "find 0x%08x", a[0]);
    case OP_FIND_FREE:
        return snprintf(buf, size, "find_free size 0x%x in [0x%08x, 0x%08x) hint 0x%08x", a[0],
                        a[1], a[2], a[3]);
    default:
        return snprintf(buf, size, "find of every page");
    }
}

static void model_fail(const struct model *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void model_fail(const struct model *m, const char *fmt, ...)
{
    char msg[4096];
    size_t k = (size_t)snprintf(msg, sizeof msg, "step %lu, window 0x%08x + %u pages, ", m->step,
                                m->base, m->npages);
    k += (size_t)model_describe(m, msg + k, sizeof msg - k);
    k += (size_t)snprintf(msg + k, sizeof msg - k, ": ");
    va_list ap;
    va_start(ap, fmt);
    k += (size_t)vsnprintf(msg + k, sizeof msg - k, fmt, ap);
    va_end(ap);
    k += (size_t)snprintf(msg + k, sizeof msg - k, "; %d areas:", m->list.n);
    for (int i = 0; i < m->list.n && i < VMA_MAX && k < sizeof msg - 64; i++)
        k += (size_t)snprintf(msg + k, sizeof msg - k, " [%x-%x p%u k%d]", m->list.area[i].start,
                              m->list.area[i].end, m->list.area[i].prot, (int)m->list.area[i].kind);
    VMA_MODEL_FAIL(msg);
}

#define MODEL_EXPECT(m, cond, ...)                                                                 \
    do {                                                                                           \
        if (!(cond))                                                                               \
            model_fail(m, __VA_ARGS__);                                                            \
    } while (0)

/* ---- the model's view ------------------------------------------------------ */

/* The window page holding address a, or -1 outside the window. */
static int model_page_of(const struct model *m, uint32_t a)
{
    if (a < m->base || a >= model_window_end(m))
        return -1;
    return (int)((a - m->base) / MODEL_PAGE);
}

static bool model_used(const struct model *m, int i)
{
    return i >= 0 && i < (int)m->npages && m->used[i];
}

/* How many areas the model's pages make: one per run of used pages with
 * equal attributes. */
static int model_count(const struct model *m)
{
    int n = 0;
    for (int i = 0; i < (int)m->npages; i++)
        if (m->used[i] && !(model_used(m, i - 1) && model_attr_eq(&m->attr[i - 1], &m->attr[i])))
            n++;
    return n;
}

/* True if window pages i..j (inclusive) all lie in one area: used, and each
 * alike its successor. */
static bool model_one_area(const struct model *m, int i, int j)
{
    if (!model_used(m, i))
        return false;
    for (int k = i; k < j; k++)
        if (!model_used(m, k + 1) || !model_attr_eq(&m->attr[k], &m->attr[k + 1]))
            return false;
    return true;
}

/* True if the page boundary at a falls strictly inside an area. */
static bool model_inside_area(const struct model *m, uint32_t a)
{
    int i = model_page_of(m, a);
    return i > 0 && model_one_area(m, i - 1, i);
}

/* The window pages that [start, end) overlaps: [*first, *last). */
static void model_pages_in(const struct model *m, uint32_t start, uint32_t end, int *first,
                           int *last)
{
    uint32_t wend = model_window_end(m);
    uint32_t s = start < m->base ? m->base : start, e = end > wend ? wend : end;
    if (s >= e) {
        *first = *last = 0;
        return;
    }
    *first = (int)((s - m->base) / MODEL_PAGE);
    *last = (int)((e - m->base + MODEL_PAGE - 1) / MODEL_PAGE);
}

static bool model_range_ok(uint32_t start, uint32_t end)
{
    return start < end && start % MODEL_PAGE == 0 && end % MODEL_PAGE == 0;
}

/* ---- checks of the list ---------------------------------------------------- */

/* Everything the list must be after any operation. */
static void model_check_list(struct model *m)
{
    const struct vma_list *l = &m->list;
    MODEL_EXPECT(m, l->n >= 0 && l->n <= VMA_MAX, "n is %d", l->n);
    for (int i = 0; i < l->n; i++) {
        const struct vma *a = &l->area[i];
        MODEL_EXPECT(m, a->start < a->end, "area %d [0x%x, 0x%x) is empty", i, a->start, a->end);
        MODEL_EXPECT(m, a->start % MODEL_PAGE == 0 && a->end % MODEL_PAGE == 0,
                     "area %d [0x%x, 0x%x) is not page aligned", i, a->start, a->end);
        MODEL_EXPECT(m, a->start >= m->base && a->end <= model_window_end(m),
                     "area %d [0x%x, 0x%x) lies outside every insert", i, a->start, a->end);
        if (i == 0)
            continue;
        const struct vma *p = &l->area[i - 1];
        MODEL_EXPECT(m, p->end <= a->start, "areas %d and %d overlap or are out of order", i - 1,
                     i);
        bool alike = model_attr_eq(p, a);
        MODEL_EXPECT(m, vma_same_kind(p, a) == alike, "vma_same_kind of areas %d and %d says %d",
                     i - 1, i, !alike);
        MODEL_EXPECT(m, !(p->end == a->start && alike),
                     "areas %d and %d touch at 0x%x and are alike, but were not merged", i - 1, i,
                     a->start);
    }
    /* The list covers exactly the model's pages, with their attributes. */
    int k = 0;
    for (uint32_t i = 0; i < m->npages; i++) {
        uint32_t a = model_page_addr(m, i);
        while (k < l->n && l->area[k].end <= a)
            k++;
        bool covered = k < l->n && l->area[k].start <= a;
        MODEL_EXPECT(m, covered == m->used[i], "page 0x%08x is %s, the model says %s", a,
                     covered ? "in an area" : "in none", m->used[i] ? "used" : "free");
        MODEL_EXPECT(m, !covered || model_attr_eq(&l->area[k], &m->attr[i]),
                     "page 0x%08x has other attributes than the model's (prot %u kind %d there, "
                     "%u %d in the model)",
                     a, l->area[k].prot, (int)l->area[k].kind, m->attr[i].prot,
                     (int)m->attr[i].kind);
    }
    MODEL_EXPECT(m, l->n == model_count(m), "%d areas, the model makes %d", l->n, model_count(m));
    if (l->n == VMA_MAX)
        m->stats[ST_LIST_FULL]++;
}

/* A refused call must leave the list exactly as it was. */
static void model_expect_unchanged(struct model *m, const struct vma_list *before)
{
    MODEL_EXPECT(m, m->list.n == before->n, "refused, but n went from %d to %d", before->n,
                 m->list.n);
    MODEL_EXPECT(m, memcmp(m->list.area, before->area, (size_t)before->n * sizeof(struct vma)) == 0,
                 "refused, but the areas changed");
}

static void model_expect_rc(struct model *m, int rc, int want)
{
    MODEL_EXPECT(m, rc == want, "returned %d, expected %d", rc, want);
}

/* ---- the operations, predicted --------------------------------------------- */

static void model_insert(struct model *m, const struct vma *v)
{
    m->op = OP_INSERT;
    m->v = *v;
    int want = 0;
    int first = 0, last = 0;
    if (!model_range_ok(v->start, v->end)) {
        want = -EINVAL;
    } else {
        model_pages_in(m, v->start, v->end, &first, &last);
        for (int i = first; i < last; i++)
            if (m->used[i])
                want = -EINVAL; /* overlaps an area */
    }
    /* Otherwise it needs a slot of its own unless it joins a neighbour: the
     * page before or after it is used and alike. */
    int before = first - 1, after = last;
    bool joins = want == 0 && ((model_used(m, before) && model_attr_eq(&m->attr[before], v)) ||
                               (model_used(m, after) && model_attr_eq(&m->attr[after], v)));
    if (want == 0 && !joins && model_count(m) == VMA_MAX)
        want = -ENOMEM;

    struct vma_list saved = m->list;
    int n = m->list.n;
    int rc = vma_insert(&m->list, v);
    model_expect_rc(m, rc, want);
    if (rc != 0) {
        model_expect_unchanged(m, &saved);
        m->stats[rc == -EINVAL ? ST_INSERT_EINVAL : ST_INSERT_ENOMEM]++;
        return;
    }
    for (int i = first; i < last; i++) {
        m->used[i] = true;
        m->attr[i] = *v;
        m->attr[i].start = m->attr[i].end = 0;
    }
    if (joins)
        m->stats[n == VMA_MAX ? ST_INSERT_FULL_JOINED : ST_INSERT_JOINED]++;
    else
        m->stats[ST_INSERT_NEW]++;
}

static void model_unmap(struct model *m, uint32_t start, uint32_t end)
{
    m->op = OP_UNMAP;
    m->arg[0] = start;
    m->arg[1] = end;
    /* Only an area reaching past both ends needs a new slot: it becomes
     * two. The pages around the range and all in it are then one area. */
    int ps = model_page_of(m, start), pe = model_page_of(m, end);
    bool split = model_range_ok(start, end) && ps > 0 && pe > 0 && model_one_area(m, ps - 1, pe);
    int want = 0;
    if (!model_range_ok(start, end))
        want = -EINVAL;
    else if (split && model_count(m) == VMA_MAX)
        want = -ENOMEM;

    struct vma_list saved = m->list;
    int rc = vma_unmap(&m->list, start, end);
    model_expect_rc(m, rc, want);
    if (rc != 0) {
        model_expect_unchanged(m, &saved);
        m->stats[rc == -EINVAL ? ST_UNMAP_EINVAL : ST_UNMAP_ENOMEM]++;
        return;
    }
    int first, last;
    model_pages_in(m, start, end, &first, &last);
    for (int i = first; i < last; i++)
        m->used[i] = false;
    m->stats[split ? ST_UNMAP_SPLIT : ST_UNMAP_OK]++;
}

static void model_protect(struct model *m, uint32_t start, uint32_t end, uint32_t prot)
{
    m->op = OP_PROTECT;
    m->arg[0] = start;
    m->arg[1] = end;
    m->arg[2] = prot;
    int want = 0, first = 0, last = 0;
    if (!model_range_ok(start, end)) {
        want = -EINVAL;
    } else {
        model_pages_in(m, start, end, &first, &last);
        /* Every page of the range must be in an area; pages outside the
         * window never are. */
        bool hole = start < m->base || end > model_window_end(m);
        for (int i = first; i < last; i++)
            hole |= !m->used[i];
        if (hole) {
            want = -ENOMEM;
            m->stats[ST_PROTECT_HOLE]++;
        } else if (model_count(m) + model_inside_area(m, start) + model_inside_area(m, end) >
                   VMA_MAX) {
            /* Each end inside an area splits it; vma.h counts those slots
             * before any merge. */
            want = -ENOMEM;
            m->stats[ST_PROTECT_FULL]++;
        }
    }

    struct vma_list saved = m->list;
    int n = m->list.n;
    int rc = vma_protect(&m->list, start, end, prot);
    model_expect_rc(m, rc, want);
    if (rc != 0) {
        model_expect_unchanged(m, &saved);
        if (rc == -EINVAL)
            m->stats[ST_PROTECT_EINVAL]++;
        return;
    }
    for (int i = first; i < last; i++)
        m->attr[i].prot = prot;
    m->stats[model_count(m) < n ? ST_PROTECT_MERGED : ST_PROTECT_OK]++;
}

static void model_find(struct model *m, uint32_t va)
{
    m->op = OP_FIND;
    m->arg[0] = va;
    int i = model_page_of(m, va);
    struct vma *a = vma_find(&m->list, va);
    if (!model_used(m, i)) {
        MODEL_EXPECT(m, a == NULL, "found [0x%x, 0x%x), the model has no area there", a->start,
                     a->end);
        m->stats[ST_FIND_MISS]++;
        return;
    }
    MODEL_EXPECT(m, a != NULL, "found nothing, the model has an area there");
    MODEL_EXPECT(m, a >= m->list.area && a < m->list.area + m->list.n,
                 "the answer is not an area of the list");
    MODEL_EXPECT(m, a->start <= va && va < a->end, "found [0x%x, 0x%x), which does not hold it",
                 a->start, a->end);
    MODEL_EXPECT(m, model_attr_eq(a, &m->attr[i]), "found an area unlike the model's page");
    m->stats[ST_FIND_HIT]++;
}

/* Every page of the window, and one byte either side of it. */
static void model_find_all(struct model *m)
{
    for (uint32_t i = 0; i < m->npages; i++)
        model_find(m, model_page_addr(m, i) + (i * 0x123u) % MODEL_PAGE);
    if (m->base > 0)
        model_find(m, m->base - 1);
    model_find(m, model_window_end(m));
    m->op = OP_FIND_ALL;
}

/* True if [a, a + size) overlaps no used page (the caller keeps a + size
 * from wrapping). */
static bool model_is_free(const struct model *m, uint32_t a, uint32_t size)
{
    int first, last;
    model_pages_in(m, a, a + size, &first, &last);
    return m->used_below[last] == m->used_below[first];
}

/* The brute-force search: every page address from `from` upwards, the
 * lowest one whose range fits below hi and is free; 0 if none. */
static uint32_t model_first_fit(const struct model *m, uint32_t size, uint32_t from, uint32_t hi)
{
    for (uint32_t a = from; a <= hi && size <= hi - a; a += MODEL_PAGE)
        if (model_is_free(m, a, size))
            return a;
    return 0;
}

static void model_find_free(struct model *m, uint32_t size, uint32_t lo, uint32_t hi, uint32_t hint)
{
    m->op = OP_FIND_FREE;
    m->arg[0] = size;
    m->arg[1] = lo;
    m->arg[2] = hi;
    m->arg[3] = hint;
    m->used_below[0] = 0;
    for (uint32_t i = 0; i < m->npages; i++)
        m->used_below[i + 1] = m->used_below[i] + m->used[i];

    uint32_t want = 0;
    enum model_stat how = ST_FREE_REFUSED;
    if (size > 0 && size % MODEL_PAGE == 0 && lo > 0 && lo % MODEL_PAGE == 0 && lo < hi) {
        /* A hint in [lo, hi) is rounded up to a page; in the last page it
         * has nowhere to go, and nothing could fit above it anyway. */
        bool has_hint = hint >= lo && hint < hi;
        if (has_hint && hint <= MODEL_TOP)
            want = model_first_fit(m, size, (hint + MODEL_PAGE - 1) & ~(MODEL_PAGE - 1), hi);
        how = ST_FREE_FROM_HINT;
        if (!want) {
            want = model_first_fit(m, size, lo, hi);
            how = !want ? ST_FREE_NONE : has_hint ? ST_FREE_WRAPPED : ST_FREE_FROM_LO;
        }
    }
    uint32_t got = vma_find_free(&m->list, size, lo, hi, hint);
    MODEL_EXPECT(m, got == want, "answered 0x%08x, expected 0x%08x", got, want);
    m->stats[how]++;
}

/* ---- random operations ----------------------------------------------------- */

/* Attributes from a few values each, so that neighbours are often alike
 * (and merge) and often not. */
static struct vma model_random_attr(struct model *m)
{
    static const uint32_t prots[] = {VMA_READ | VMA_WRITE, VMA_READ, VMA_READ | VMA_EXEC};
    static const enum vma_kind kinds[] = {VMA_ANON, VMA_HEAP, VMA_DATA};
    struct vma v = {.prot = prots[model_pick(m, m->variety)],
                    .kind = kinds[model_pick(m, m->variety)]};
    switch (model_pick(m, m->variety + 1)) {
    case 1: /* a program file, bytes up to the middle of the third page */
        v.file = 0x00200000;
        v.file_bias = 0x1000 - m->base;
        v.file_start = m->base;
        v.file_end = m->base + 0x2800;
        break;
    case 2:
        v.kind = VMA_SHARED;
        v.shm = 1;
        v.shm_base = m->base;
        break;
    case 3: /* the same file, mapped elsewhere */
        v.file = 0x00200000;
        v.file_bias = 0x5000 - m->base;
        v.file_start = m->base + 0x4000;
        v.file_end = m->base + 0x9000;
        break;
    }
    /* Now and then one field differs alone, so that each one is seen to
     * keep neighbours apart. */
    if (m->variety == 3 && model_pick(m, 8) == 0) {
        uint32_t *field[] = {&v.prot,     &v.file, &v.file_bias, &v.file_start,
                             &v.file_end, &v.shm,  &v.shm_base};
        uint32_t f = model_pick(m, 8);
        if (f == 7)
            v.kind = (enum vma_kind)model_pick(m, VMA_NKINDS);
        else
            *field[f] ^= MODEL_PAGE << model_pick(m, 4);
    }
    return v;
}

static uint32_t model_random_prot(struct model *m)
{
    static const uint32_t prots[] = {VMA_READ | VMA_WRITE, VMA_READ, VMA_READ | VMA_EXEC};
    if (model_pick(m, 16) == 0)
        return model_pick(m, 8);
    return prots[model_pick(m, m->variety)];
}

/* A range of whole pages in the window, mostly a few pages long. */
static void model_random_range(struct model *m, uint32_t *start, uint32_t *end)
{
    uint32_t first = model_pick(m, m->npages);
    uint32_t len =
        model_pick(m, 4) ? 1 + model_pick(m, m->fill ? 2 : 4) : 1 + model_pick(m, m->npages);
    if (len > m->npages - first)
        len = m->npages - first;
    *start = model_page_addr(m, first);
    *end = *start + len * MODEL_PAGE;
}

/* Now and then spoils a range so that it is refused: unaligned, empty,
 * backwards, or ending at 2^32. */
static void model_maybe_spoil(struct model *m, uint32_t *start, uint32_t *end)
{
    if (model_pick(m, 16) != 0)
        return;
    switch (model_pick(m, 5)) {
    case 0:
        *start += 1 + model_pick(m, MODEL_PAGE - 1);
        break;
    case 1:
        *end -= 1 + model_pick(m, MODEL_PAGE - 1);
        break;
    case 2:
        *end = *start;
        break;
    case 3: {
        uint32_t t = *start;
        *start = *end;
        *end = t;
        break;
    }
    default:
        *end = 0; /* the end of the address space, which does not fit */
        break;
    }
}

/* For unmap and protect: sometimes a range that reaches out of the window
 * (as far as the address space allows), or the whole address space. */
static void model_random_wide_range(struct model *m, uint32_t *start, uint32_t *end)
{
    model_random_range(m, start, end);
    uint32_t r = model_pick(m, 32);
    if (r == 0) {
        *start = 0;
        *end = MODEL_TOP;
    } else if (r < 4) {
        uint32_t below = m->base / MODEL_PAGE,
                 above = (MODEL_TOP - model_window_end(m)) / MODEL_PAGE;
        *start -= model_pick(m, 1 + (below < 4 ? below : 4)) * MODEL_PAGE;
        *end += model_pick(m, 1 + (above < 4 ? above : 4)) * MODEL_PAGE;
    }
    model_maybe_spoil(m, start, end);
}

/* A range of pages that are all used (want_used) or all free, from the
 * first such page at or after a random one: protect then often finds no
 * hole, unmap often cuts inside an area, and insert often fills a gap. It
 * may run over several areas. */
static void model_uniform_range(struct model *m, bool want_used, uint32_t *start, uint32_t *end)
{
    uint32_t first = model_pick(m, m->npages);
    uint32_t len = 1 + model_pick(m, model_pick(m, 4) ? 3 : m->npages);
    while (first + 1 < m->npages && m->used[first] != want_used)
        first++;
    uint32_t last = first + 1;
    while (last < m->npages && last - first < len && m->used[last] == want_used)
        last++;
    *start = model_page_addr(m, first);
    *end = model_page_addr(m, last);
}

static void model_random_find_free(struct model *m)
{
    uint32_t size = (1 + model_pick(m, 8)) * MODEL_PAGE;
    switch (model_pick(m, 16)) {
    case 0:
        size = model_pick(m, m->npages + 2) * MODEL_PAGE; /* 0 now and then, or large */
        break;
    case 1:
        size += 1 + model_pick(m, MODEL_PAGE - 1); /* unaligned */
        break;
    case 2:
        size = MODEL_TOP;
        break;
    }
    uint32_t wend = model_window_end(m);
    uint32_t lo = model_page_addr(m, model_pick(m, m->npages));
    uint32_t hi = model_page_addr(m, model_pick(m, m->npages + 1));
    if (hi <= lo || model_pick(m, 8) == 0)
        hi = wend + model_pick(m, 3) * MODEL_PAGE; /* may wrap to a hi below lo */
    switch (model_pick(m, 16)) {
    case 0:
        lo = MODEL_PAGE; /* from the bottom of the address space */
        break;
    case 1:
        lo += 1 + model_pick(m, MODEL_PAGE - 1); /* unaligned */
        break;
    case 2:
        lo = 0;
        break;
    case 3:
        hi = 0xFFFFFFFFu;
        break;
    case 4:
        hi -= 1 + model_pick(m, MODEL_PAGE - 1); /* unaligned: allowed */
        break;
    }
    uint32_t hint = 0;
    switch (model_pick(m, 4)) {
    case 0:
        break;
    case 1:
        hint = model_page_addr(m, model_pick(m, m->npages + 1)); /* aligned */
        break;
    case 2:
        hint = m->base + model_pick(m, m->npages * MODEL_PAGE); /* anywhere in a page */
        break;
    default:
        hint = m->next(m->src) << 16 ^ m->next(m->src);
        if (model_pick(m, 2))
            hint = hi - 1 - model_pick(m, 2 * MODEL_PAGE); /* near the top of [lo, hi) */
        break;
    }
    model_find_free(m, size, lo, hi, hint);
}

/* One-page areas on every other page from a random one on: a single
 * choice that brings the list near or up to VMA_MAX areas, which a fuzz
 * input would rarely reach one insert at a time. Each insert is checked. */
static void model_fill(struct model *m)
{
    struct vma v = model_random_attr(m);
    uint32_t i = model_pick(m, m->npages), count = 1 + model_pick(m, VMA_MAX + 8);
    for (; i < m->npages && count > 0; i += 2, count--) {
        v.start = model_page_addr(m, i);
        v.end = v.start + MODEL_PAGE;
        model_insert(m, &v);
        model_check_list(m);
    }
}

/* A fresh empty list and model over a new window: at address 0, at the top
 * of the address space, or between; with more or fewer attribute values. */
static void model_start(struct model *m)
{
    vma_list_init(&m->list);
    memset(m->used, 0, sizeof m->used);
    memset(m->attr, 0, sizeof m->attr);
    m->npages = 64 + model_pick(m, MODEL_MAX_PAGES - 64 + 1);
    switch (model_pick(m, 4)) {
    case 0:
        m->base = 0;
        break;
    case 1:
        m->base = MODEL_TOP - m->npages * MODEL_PAGE;
        break;
    case 2:
        m->base = 0x08048000;
        break;
    default:
        m->base = (1 + model_pick(m, 0x40000)) * MODEL_PAGE;
        break;
    }
    m->variety = 1 + model_pick(m, 3);
    m->fill = model_pick(m, 2);
}

/* One random operation, then the full check. */
static void model_step(struct model *m)
{
    uint32_t start, end;
    uint32_t r = model_pick(m, 100);
    m->step++;
    if (r < (m->fill ? 45u : 30u)) {
        struct vma v = model_random_attr(m);
        if (model_pick(m, 2))
            model_uniform_range(m, false, &v.start, &v.end);
        else
            model_random_range(m, &v.start, &v.end);
        model_maybe_spoil(m, &v.start, &v.end);
        model_insert(m, &v);
    } else if (r < 50) {
        if (model_pick(m, 2))
            model_uniform_range(m, true, &start, &end);
        else
            model_random_wide_range(m, &start, &end);
        model_unmap(m, start, end);
    } else if (r < 75) {
        if (model_pick(m, 2))
            model_uniform_range(m, true, &start, &end);
        else
            model_random_wide_range(m, &start, &end);
        model_maybe_spoil(m, &start, &end);
        model_protect(m, start, end, model_random_prot(m));
    } else if (r < 86) {
        uint32_t va = m->base + model_pick(m, m->npages * MODEL_PAGE);
        if (model_pick(m, 8) == 0)
            va = m->next(m->src) << 16 ^ m->next(m->src);
        model_find(m, va);
    } else if (r < 98) {
        model_random_find_free(m);
    } else if (r < 99) {
        model_find_all(m);
    } else {
        model_fill(m);
    }
    model_check_list(m);
}

#endif
