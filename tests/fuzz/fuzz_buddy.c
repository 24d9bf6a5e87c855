/* libFuzzer target for the buddy allocator and its hot-frame cache.
 *
 * The input picks a zone (base, size, the ranges handed over) and then a
 * sequence of operations: allocate an order, free the i-th held block
 * (through the cache or straight to the lists), misuse (free a frame the
 * model knows is not a held block of that order, free a block still
 * carrying a foreign flag, add a range twice), drain the cache, or turn it
 * on or off. A reference model (which frames were handed over, which are
 * held by which block) predicts every answer, a refused allocation
 * included (no block of that order may be free, whatever the cache held);
 * after each step buddy_hot_check must pass and the counts must match the
 * model. At the end everything is freed and drained, and the
 * free lists must be exactly the fully merged decomposition of the frames
 * handed over. Any disagreement abort()s. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/buddy.h"
#include "mem/buddy_check.h"
#include "mem/buddy_hot.h"

#define FZ_MAXF 2048u

static struct page map[FZ_MAXF];
static struct buddy_zone zone;
static struct buddy_hot hot;
static uint8_t avail[FZ_MAXF];  /* handed over with buddy_add_range */
static uint32_t owner[FZ_MAXF]; /* 1 + index in held[], or 0 */
static struct {
    uint32_t pfn, order;
} held[FZ_MAXF];
static uint32_t nheld, model_free, model_total, base, nframes;

/* The fuzz build compiles UBSan checks as recoverable; make the first
 * report fatal so that libFuzzer records it as a crash. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

static const uint8_t *in;
static size_t in_left;

static uint32_t next_byte(void)
{
    if (in_left == 0)
        return 0;
    in_left--;
    return *in++;
}
static uint32_t next_u16(void)
{
    return next_byte() | next_byte() << 8;
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "fuzz_buddy: " __VA_ARGS__);                                               \
        fputc('\n', stderr);                                                                       \
        abort();                                                                                   \
    } while (0)

static void check_zone(const char *after)
{
    struct buddy_error why;
    if (buddy_hot_check(&hot, &why) != 0)
        FAIL("after %s: buddy_hot_check: %s at pfn %u order %u", after,
             buddy_error_name(why.reason), why.pfn, why.order);
    if (buddy_hot_nr_free(&hot) != model_free || buddy_nr_total(&zone) != model_total)
        FAIL("after %s: free %u total %u, model says %u and %u", after, buddy_hot_nr_free(&hot),
             buddy_nr_total(&zone), model_free, model_total);
}

static void set_owner(uint32_t h)
{
    for (uint32_t i = 0; i < (1u << held[h].order); i++)
        owner[held[h].pfn - base + i] = h + 1;
}

static void do_alloc(unsigned order)
{
    uint32_t misuse = zone.nr_misuse;
    uint32_t pfn = buddy_hot_alloc(&hot, order);
    if (order > BUDDY_MAX_ORDER) {
        if (pfn != BUDDY_NO_PFN || zone.err.reason != BUDDY_E_BAD_ORDER ||
            zone.nr_misuse != misuse + 1)
            FAIL("alloc of order %u not refused", order);
        return;
    }
    if (pfn == BUDDY_NO_PFN) {
        if (order == 0 && model_free != 0)
            FAIL("order 0 failed with %u frames free", model_free);
        /* A refusal is exact, whatever the cache held: no aligned block
         * of this order may be wholly free. */
        uint32_t n = 1u << order;
        for (uint32_t p = (base + n - 1) & ~(n - 1); p + n <= base + nframes; p += n) {
            uint32_t i = 0;
            while (i < n && avail[p - base + i] && !owner[p - base + i])
                i++;
            if (i == n)
                FAIL("order %u refused, but %u..%u is free", order, p, p + n - 1);
        }
        return;
    }
    uint32_t n = 1u << order;
    if (pfn & (n - 1))
        FAIL("pfn %u misaligned for order %u", pfn, order);
    if (pfn < base || pfn - base + n > nframes)
        FAIL("block %u order %u outside the zone", pfn, order);
    const struct page *p = buddy_pfn_to_page(&zone, pfn);
    if (p->flags != PG_HEAD || p->order != order || p->refcount != 1)
        FAIL("head of %u: flags %x order %u refcount %u", pfn, p->flags, p->order, p->refcount);
    for (uint32_t i = 0; i < n; i++) {
        if (!avail[pfn - base + i])
            FAIL("reserved frame %u handed out", pfn + i);
        if (owner[pfn - base + i])
            FAIL("frame %u handed out twice", pfn + i);
    }
    held[nheld].pfn = pfn;
    held[nheld].order = order;
    set_owner(nheld++);
    model_free -= n;
}

static void do_free_held(uint32_t h, bool to_lists)
{
    uint32_t pfn = held[h].pfn, n = 1u << held[h].order;
    int r =
        to_lists ? buddy_free(&zone, pfn, held[h].order) : buddy_hot_free(&hot, pfn, held[h].order);
    if (r != 0)
        FAIL("free of held %u order %u refused: %s", pfn, held[h].order,
             buddy_error_name(zone.err.reason));
    for (uint32_t i = 0; i < n; i++)
        owner[pfn - base + i] = 0;
    model_free += n;
    if (h != --nheld) {
        held[h] = held[nheld];
        set_owner(h);
    }
}

/* Snapshot of everything a refused call must leave alone. */
struct counts {
    uint32_t area[BUDDY_NR_ORDERS], nr_free, nr_total, hot, misuse;
};
static void get_counts(struct counts *c)
{
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
        c->area[k] = zone.area[k].count;
    c->nr_free = buddy_hot_nr_free(&hot);
    c->nr_total = zone.nr_total;
    c->hot = hot.count;
    c->misuse = zone.nr_misuse;
}
static void expect_refused(const struct counts *before, int r, const char *what, uint32_t pfn)
{
    struct counts after;
    get_counts(&after);
    if (r != -22 /* EINVAL */)
        FAIL("%s %u: returned %d, expected -EINVAL", what, pfn, r);
    if (after.misuse != before->misuse + 1)
        FAIL("%s %u: misuse not counted", what, pfn);
    after.misuse--;
    if (memcmp(before, &after, sizeof(after)) != 0)
        FAIL("%s %u: refused but counts changed", what, pfn);
}

/* Free (pfn, order) where the model predicts the answer. */
static void do_free_any(uint32_t pfn, unsigned order)
{
    int expect;
    uint32_t block = BUDDY_NO_PFN;
    uint32_t idx = pfn - base;

    if (order > BUDDY_MAX_ORDER)
        expect = BUDDY_E_BAD_ORDER;
    else if (idx >= nframes)
        expect = BUDDY_E_OUT_OF_ZONE;
    else if (pfn & ((1u << order) - 1))
        expect = BUDDY_E_MISALIGNED;
    else if (!avail[idx])
        expect = BUDDY_E_RESERVED;
    else if (owner[idx]) {
        uint32_t h = owner[idx] - 1;
        if (held[h].pfn == pfn && held[h].order == order) {
            do_free_held(h, false); /* a legal free after all */
            return;
        }
        expect = held[h].pfn == pfn ? BUDDY_E_WRONG_ORDER : BUDDY_E_NOT_HEAD;
        block = held[h].pfn;
    } else {
        expect = -1; /* a free frame: double free or inside a free block */
    }
    struct counts before;
    get_counts(&before);
    int r = buddy_hot_free(&hot, pfn, order);
    expect_refused(&before, r, "free", pfn);
    if (zone.err.pfn != pfn || zone.err.order != order)
        FAIL("free %u order %u: error names pfn %u order %u", pfn, order, zone.err.pfn,
             zone.err.order);
    if (expect >= 0) {
        if (zone.err.reason != expect || zone.err.block_pfn != block)
            FAIL("free %u order %u: '%s' block %u, expected '%s' block %u", pfn, order,
                 buddy_error_name(zone.err.reason), zone.err.block_pfn, buddy_error_name(expect),
                 block);
        return;
    }
    /* DOUBLE_FREE names the frame itself (free or cached), INSIDE_FREE the
     * free block around it, which must contain pfn. */
    uint32_t b = zone.err.block_pfn;
    if (zone.err.reason == BUDDY_E_DOUBLE_FREE) {
        if (b != pfn)
            FAIL("double free of %u names block %u", pfn, b);
    } else if (zone.err.reason == BUDDY_E_INSIDE_FREE) {
        const struct page *q = buddy_pfn_to_page(&zone, b);
        if (!q || q->flags != PG_FREE || b > pfn || pfn - b >= (1u << q->order))
            FAIL("free %u: inside-free names block %u which does not hold it", pfn, b);
    } else {
        FAIL("free of free frame %u: unexpected '%s'", pfn, buddy_error_name(zone.err.reason));
    }
}

/* A held block whose head still carries a foreign flag must be refused. */
static void do_free_busy(uint32_t h)
{
    struct page *p = buddy_pfn_to_page(&zone, held[h].pfn);
    struct counts before;
    p->flags |= 0x10; /* a future PG_LRU */
    get_counts(&before);
    int r = buddy_hot_free(&hot, held[h].pfn, held[h].order);
    expect_refused(&before, r, "busy free", held[h].pfn);
    if (zone.err.reason != BUDDY_E_FLAGS_BUSY)
        FAIL("busy free %u: '%s'", held[h].pfn, buddy_error_name(zone.err.reason));
    p->flags &= (uint16_t)~0x10u;
}

static void do_add_range(uint32_t start, uint32_t count)
{
    uint32_t idx = start - base;
    int expect = 0;
    if (count == 0)
        expect = 0;
    else if (idx >= nframes || count > nframes - idx)
        expect = BUDDY_E_OUT_OF_ZONE;
    else
        for (uint32_t i = 0; i < count && !expect; i++)
            if (avail[idx + i])
                expect = BUDDY_E_NOT_RESERVED;
    struct counts before;
    get_counts(&before);
    int r = buddy_add_range(&zone, start, count);
    if (expect) {
        expect_refused(&before, r, "add_range", start);
        if (zone.err.reason != expect)
            FAIL("add_range %u+%u: '%s'", start, count, buddy_error_name(zone.err.reason));
        return;
    }
    if (r != 0)
        FAIL("add_range %u+%u refused: %s", start, count, buddy_error_name(zone.err.reason));
    if (count == 0)
        return; /* start may lie anywhere then */
    memset(avail + idx, 1, count);
    model_free += count;
    model_total += count;
}

/* After freeing and draining everything, the lists must hold exactly the
 * greedy decomposition of each run of handed-over frames. */
static void check_fully_merged(void)
{
    uint32_t want[BUDDY_NR_ORDERS] = {0};
    for (uint32_t i = 0; i < nframes;) {
        if (!avail[i]) {
            i++;
            continue;
        }
        uint32_t end = i;
        while (end < nframes && avail[end])
            end++;
        while (i < end) {
            uint32_t pfn = base + i;
            unsigned k = 0;
            while (k < BUDDY_MAX_ORDER && !(pfn & (1u << k)) && i + (2u << k) <= end)
                k++;
            if (map[i].flags != PG_FREE || map[i].order != k)
                FAIL("after free-all, %u should head a free block of order %u", pfn, k);
            want[k]++;
            i += 1u << k;
        }
    }
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
        if (zone.area[k].count != want[k])
            FAIL("after free-all, order %u has %u blocks, expected %u", k, zone.area[k].count,
                 want[k]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    in = data;
    in_left = size;
    base = next_u16() | (next_byte() & 0x3) << 16;
    nframes = 1 + next_u16() % FZ_MAXF;
    if (buddy_init(&zone, map, base, nframes) != 0)
        FAIL("init %u+%u refused", base, nframes);
    buddy_hot_init(&hot, &zone, next_byte() & 1);
    memset(avail, 0, sizeof(avail));
    memset(owner, 0, sizeof(owner));
    nheld = model_free = model_total = 0;

    unsigned nranges = 1 + next_byte() % 4;
    for (unsigned r = 0; r < nranges; r++) {
        uint32_t start = next_u16() % nframes;
        uint32_t count = next_u16() % (nframes - start + 1);
        do_add_range(base + start, count);
        check_zone("add_range");
    }

    for (unsigned steps = 0; in_left > 0 && steps < 2000; steps++) {
        uint32_t op = next_byte();
        switch (op % 10) {
        case 0:
        case 1:
        case 2: /* mostly small orders, sometimes an illegal one */
            do_alloc(op & 0x80 ? next_byte() % 13
                               : (unsigned)__builtin_ctz(next_byte() | 0x100) % 9);
            break;
        case 3:
        case 4:
        case 5:
            if (nheld)
                do_free_held(next_u16() % nheld, op & 0x80);
            break;
        case 6: { /* a free near a held block, or anywhere */
            uint32_t pfn;
            if (nheld && (op & 0x10))
                pfn = held[next_byte() % nheld].pfn + (next_byte() % 9) - 4;
            else
                pfn = base + next_u16() - 0x80;
            do_free_any(pfn, next_byte() % 13);
            break;
        }
        case 7:
            if (nheld && (op & 0x10))
                do_free_busy(next_u16() % nheld);
            else
                do_add_range(base + next_u16() % (nframes + 8) - 4, next_byte());
            break;
        case 8:
            buddy_hot_drain(&hot);
            if (hot.count)
                FAIL("drain left %u frames", hot.count);
            break;
        default:
            buddy_hot_set(&hot, op & 0x80);
            break;
        }
        check_zone("step");
    }

    while (nheld)
        do_free_held(nheld - 1, false);
    buddy_hot_drain(&hot);
    check_zone("free-all");
    if (model_free != model_total)
        FAIL("free-all: %u of %u free", model_free, model_total);
    check_fully_merged();
    return 0;
}
