/* One pass for every memory size: see stack.h. */
#include "lab/stack.h"

#include <errno.h>
#include <stdlib.h>

#include "lab/sim.h"

#define NOWHERE UINT32_MAX

/* hits[d]: the references found at depth d + 1. A memory of f frames hits
 * every reference found at a depth of f or less, and faults on the rest. */
static void faults_from_hits(const struct trace *t, const uint64_t *hits, uint32_t max_frames,
                             uint64_t *faults)
{
    faults[0] = t->n;
    for (uint32_t f = 1; f <= max_frames; f++)
        faults[f] = faults[f - 1] - (f - 1 < t->npages ? hits[f - 1] : 0);
}

/* ---- LRU: depths counted with a Fenwick tree --------------------------- */

/* Over the times 1..n, one mark at the time of each page's latest
 * reference so far. The marks after a page's latest time are the distinct
 * pages used since, so its depth is one more than their number. A Fenwick
 * tree (binary indexed tree) adds a mark and counts the marks up to a time
 * in O(log n) each: sum[t] holds the marks in the 2^k times ending at t,
 * where 2^k is t's lowest set bit. */
struct fenwick {
    uint32_t *sum; /* sum[1..n] */
    uint32_t n;
};

static uint32_t lowest_bit(uint32_t t)
{
    return t & (~t + 1);
}

static void fenwick_mark(struct fenwick *fw, uint32_t t)
{
    for (; t <= fw->n; t += lowest_bit(t))
        fw->sum[t]++;
}

static void fenwick_unmark(struct fenwick *fw, uint32_t t)
{
    for (; t <= fw->n; t += lowest_bit(t))
        fw->sum[t]--;
}

/* The marks at times 1..t. */
static uint32_t fenwick_count(const struct fenwick *fw, uint32_t t)
{
    uint32_t marks = 0;
    for (; t > 0; t -= lowest_bit(t))
        marks += fw->sum[t];
    return marks;
}

int stack_curve_lru(const struct trace *t, uint32_t max_frames, uint64_t *faults)
{
    struct fenwick fw = {.sum = sim_array((size_t)t->n + 1, sizeof(uint32_t), false), .n = t->n};
    uint32_t *last = sim_array(t->npages, sizeof *last, false); /* 0: not used yet */
    uint64_t *hits = sim_array(t->npages, sizeof *hits, false);
    uint32_t seen = 0; /* distinct pages so far: the marks up to now */
    int err = max_frames == 0 ? -EINVAL : (fw.sum && last && hits ? 0 : -ENOMEM);

    for (uint32_t i = 0; !err && i < t->n; i++) {
        uint32_t x = t->ref[i], now = i + 1;
        if (last[x] == 0) {
            seen++;
        } else {
            uint32_t depth = 1 + seen - fenwick_count(&fw, last[x]);
            hits[depth - 1]++;
            fenwick_unmark(&fw, last[x]);
        }
        fenwick_mark(&fw, now);
        last[x] = now;
    }
    if (!err)
        faults_from_hits(t, hits, max_frames, faults);
    free(fw.sum);
    free(last);
    free(hits);
    return err;
}

/* ---- OPT: the stack reordered by next use ------------------------------ */

/* The stack's first `depth` places: the memory of f frames holds
 * page[0..f-1]. Deeper pages are never needed: they would only matter to
 * memories larger than the curve asks about. */
struct opt_stack {
    uint32_t *page, size, depth;
    uint32_t *pos; /* per page: its place, NOWHERE if not on the stack */
};

static void put(struct opt_stack *s, uint32_t k, uint32_t x)
{
    s->page[k] = x;
    s->pos[x] = k;
}

/* A reference to x, whose next use is now key[x]. Memory sizes bigger than
 * x's place hit and keep their pages. Every smaller one faults: it loads
 * x and gives up the page it holds that is used farthest ahead. Going down
 * the stack, `carried` is the page the memories so far gave up; at place
 * k, of it and the page there, the one used sooner stays and the other is
 * what the memory of k + 1 frames gives up. That page takes the place x
 * left, or the next free place, or falls off. */
static void opt_reference(struct opt_stack *s, const uint32_t *key, uint32_t x)
{
    uint32_t end = s->pos[x] != NOWHERE ? s->pos[x] : s->size;
    uint32_t carried = x;

    for (uint32_t k = 0; k < end; k++) {
        uint32_t y = s->page[k];
        if (k == 0 || key[carried] < key[y]) {
            put(s, k, carried);
            carried = y;
        }
    }
    if (end < s->depth) {
        put(s, end, carried);
        if (end == s->size)
            s->size++;
    } else {
        s->pos[carried] = NOWHERE;
    }
}

int stack_curve_opt(const struct trace *t, uint32_t max_frames, uint64_t *faults)
{
    uint32_t depth = max_frames < t->npages ? max_frames : t->npages;
    struct opt_stack s = {
        .page = sim_array(depth, sizeof(uint32_t), false),
        .depth = depth,
        .pos = sim_array(t->npages, sizeof(uint32_t), true),
    };
    uint32_t *key = sim_array(t->npages, sizeof *key, false);
    uint64_t *hits = sim_array(t->npages, sizeof *hits, false);
    uint32_t *next = sim_next_uses(t);
    int err = max_frames == 0 ? -EINVAL : (s.page && s.pos && key && hits && next ? 0 : -ENOMEM);

    for (uint32_t i = 0; !err && i < t->n; i++) {
        uint32_t x = t->ref[i];
        if (s.pos[x] != NOWHERE)
            hits[s.pos[x]]++;
        key[x] = next[i];
        if (s.pos[x] != 0)
            opt_reference(&s, key, x);
    }
    if (!err)
        faults_from_hits(t, hits, max_frames, faults);
    free(s.page);
    free(s.pos);
    free(key);
    free(hits);
    free(next);
    return err;
}
