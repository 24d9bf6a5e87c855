/* Replacement policies run over a trace: see sim.h.
 *
 * Pages are the trace's ids (0 .. npages-1), so per-page state is a plain
 * array. Each policy is one loop over the references. A simulation never
 * needs more frames than the trace has pages, so `frames` is cut to that. */
#include "lab/sim.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX /* no frame, no page, no next use */

static const char *const names[SIM_NR_POLICIES] = {
    [SIM_OPT] = "opt",     [SIM_LRU] = "lru",       [SIM_FIFO] = "fifo",
    [SIM_CLOCK] = "clock", [SIM_KERNEL] = "kernel",
};

int sim_policy_parse(const char *name, enum sim_policy *policy)
{
    for (int p = 0; p < SIM_NR_POLICIES; p++) {
        if (strcmp(name, names[p]) == 0) {
            *policy = (enum sim_policy)p;
            return 0;
        }
    }
    return -EINVAL;
}

const char *sim_policy_name(enum sim_policy policy)
{
    return (unsigned)policy < SIM_NR_POLICIES ? names[policy] : "?";
}

void *sim_array(size_t n, size_t size, bool ones)
{
    void *a = calloc(n ? n : 1, size);
    if (a && ones)
        memset(a, 0xFF, n * size);
    return a;
}

static uint32_t usable_frames(const struct trace *t, uint32_t frames)
{
    return frames < t->npages ? frames : t->npages;
}

/* ---- opt: a max-heap of the resident pages by next use ----------------- */

/* The resident pages, heap-ordered by key (largest at page[0]); pos[] says
 * where each page is, NONE when it is not resident. */
struct heap {
    uint32_t *page, n;
    uint32_t *pos; /* per page */
    uint32_t *key; /* per page: the time of its next use, NONE if none */
};

static bool above(const struct heap *h, uint32_t a, uint32_t b)
{
    return h->key[h->page[a]] > h->key[h->page[b]];
}

static void heap_swap(struct heap *h, uint32_t a, uint32_t b)
{
    uint32_t p = h->page[a];
    h->page[a] = h->page[b];
    h->page[b] = p;
    h->pos[h->page[a]] = a;
    h->pos[h->page[b]] = b;
}

static void sift_up(struct heap *h, uint32_t i)
{
    while (i > 0 && above(h, i, (i - 1) / 2)) {
        heap_swap(h, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void sift_down(struct heap *h, uint32_t i)
{
    for (;;) {
        uint32_t big = i, l = 2 * i + 1, r = 2 * i + 2;
        if (l < h->n && above(h, l, big))
            big = l;
        if (r < h->n && above(h, r, big))
            big = r;
        if (big == i)
            return;
        heap_swap(h, i, big);
        i = big;
    }
}

/* next[i]: the time of the next reference to the page of reference i,
 * NONE if there is none; one backward pass. NULL if out of memory. */
uint32_t *sim_next_uses(const struct trace *t)
{
    uint32_t *next = sim_array(t->n, sizeof *next, false);
    uint32_t *seen = sim_array(t->npages, sizeof *seen, true);
    if (next && seen) {
        for (uint32_t i = t->n; i-- > 0;) {
            next[i] = seen[t->ref[i]];
            seen[t->ref[i]] = i;
        }
    } else {
        free(next);
        next = NULL;
    }
    free(seen);
    return next;
}

/* O(n log frames): a hit raises the page's key from now to its next use,
 * a fault replaces the root, the page used farthest ahead (or never). */
static int run_opt(const struct trace *t, uint32_t frames, uint64_t *faults)
{
    struct heap h = {
        .page = sim_array(frames, sizeof(uint32_t), false),
        .pos = sim_array(t->npages, sizeof(uint32_t), true),
        .key = sim_array(t->npages, sizeof(uint32_t), false),
    };
    uint32_t *next = sim_next_uses(t);
    int err = h.page && h.pos && h.key && next ? 0 : -ENOMEM;

    for (uint32_t i = 0; !err && i < t->n; i++) {
        uint32_t x = t->ref[i];
        h.key[x] = next[i];
        if (h.pos[x] != NONE) {
            sift_up(&h, h.pos[x]);
            continue;
        }
        (*faults)++;
        if (h.n < frames) {
            h.page[h.n] = x;
            h.pos[x] = h.n++;
            sift_up(&h, h.pos[x]);
        } else {
            h.pos[h.page[0]] = NONE;
            h.page[0] = x;
            h.pos[x] = 0;
            sift_down(&h, 0);
        }
    }
    free(h.page);
    free(h.pos);
    free(h.key);
    free(next);
    return err;
}

/* ---- lru: the resident pages in order of last use ---------------------- */

/* A doubly linked list through per-page links, most recent use at the
 * head. */
struct recency {
    uint32_t *newer, *older; /* per page: the neighbours towards head and tail */
    uint32_t head, tail;
};

static void unlink_page(struct recency *r, uint32_t x)
{
    if (r->newer[x] != NONE)
        r->older[r->newer[x]] = r->older[x];
    else
        r->head = r->older[x];
    if (r->older[x] != NONE)
        r->newer[r->older[x]] = r->newer[x];
    else
        r->tail = r->newer[x];
}

static void push_head(struct recency *r, uint32_t x)
{
    r->newer[x] = NONE;
    r->older[x] = r->head;
    if (r->head != NONE)
        r->newer[r->head] = x;
    else
        r->tail = x;
    r->head = x;
}

/* O(1) a reference: a hit moves the page to the head; a fault with every
 * frame full drops the tail first. */
static int run_lru(const struct trace *t, uint32_t frames, uint64_t *faults)
{
    struct recency r = {
        .newer = sim_array(t->npages, sizeof(uint32_t), true),
        .older = sim_array(t->npages, sizeof(uint32_t), true),
        .head = NONE,
        .tail = NONE,
    };
    bool *resident = sim_array(t->npages, sizeof *resident, false);
    uint32_t used = 0;
    int err = r.newer && r.older && resident ? 0 : -ENOMEM;

    for (uint32_t i = 0; !err && i < t->n; i++) {
        uint32_t x = t->ref[i];
        if (resident[x]) {
            unlink_page(&r, x);
        } else {
            (*faults)++;
            if (used < frames) {
                used++;
            } else {
                resident[r.tail] = false;
                unlink_page(&r, r.tail);
            }
            resident[x] = true;
        }
        push_head(&r, x);
    }
    free(r.newer);
    free(r.older);
    free(resident);
    return err;
}

/* ---- fifo and clock: frames in a ring, a hand ------------------------- */

/* CLOCK as sim.h states it. FIFO is the same ring without the second
 * chance: no bit is ever set, so the hand takes each frame in turn, the
 * order in which they were loaded. */
static int run_ring(const struct trace *t, uint32_t frames, bool second_chance, uint64_t *faults)
{
    uint32_t *frame_of = sim_array(t->npages, sizeof *frame_of, true);
    uint32_t *page_of = sim_array(frames, sizeof *page_of, false);
    bool *bit = sim_array(frames, sizeof *bit, false);
    uint32_t hand = 0, used = 0;
    int err = frame_of && page_of && bit ? 0 : -ENOMEM;

    for (uint32_t i = 0; !err && i < t->n; i++) {
        uint32_t x = t->ref[i], f = frame_of[x];
        if (f != NONE) {
            bit[f] = second_chance;
            continue;
        }
        (*faults)++;
        if (used < frames) {
            f = used++;
        } else {
            while (bit[hand]) {
                bit[hand] = false;
                hand = (hand + 1) % frames;
            }
            f = hand;
            frame_of[page_of[f]] = NONE;
            hand = (hand + 1) % frames;
        }
        page_of[f] = x;
        frame_of[x] = f;
        bit[f] = second_chance;
    }
    free(frame_of);
    free(page_of);
    free(bit);
    return err;
}

/* ---- kernel: src/mem/lru.c over one struct page per frame -------------- */

/* lru.c's callback: the simulated accessed bit of a frame, read and
 * cleared as the kernel would read and clear the PTE's. */
static bool accessed_since_asked(uint32_t frame, void *ctx)
{
    bool *accessed = ctx;
    bool was = accessed[frame];
    accessed[frame] = false;
    return was;
}

int sim_run_lru_core(enum lru_policy policy, const struct trace *t, uint32_t frames,
                     uint64_t *faults, struct lru *counters)
{
    uint32_t f_max = usable_frames(t, frames);
    struct page *map = sim_array(f_max, sizeof *map, false);
    bool *accessed = sim_array(f_max, sizeof *accessed, false);
    uint32_t *frame_of = sim_array(t->npages, sizeof *frame_of, true);
    uint32_t *page_of = sim_array(f_max, sizeof *page_of, false);
    uint32_t used = 0;
    struct lru lru;
    int err = map && accessed && frame_of && page_of ? 0 : -ENOMEM;

    if (frames == 0 || (!err && lru_init(&lru, map, f_max, policy) != 0))
        err = -EINVAL;
    *faults = 0;
    for (uint32_t i = 0; !err && i < t->n; i++) {
        uint32_t x = t->ref[i], f = frame_of[x];
        if (f == NONE) {
            (*faults)++;
            if (used < f_max) {
                f = used++;
            } else {
                f = lru_take_victim(&lru, accessed_since_asked, accessed);
                frame_of[page_of[f]] = NONE;
            }
            page_of[f] = x;
            frame_of[x] = f;
            lru_add(&lru, f);
        }
        accessed[f] = true;
    }
    if (!err && counters) {
        *counters = lru;
        counters->map = NULL;
    }
    free(map);
    free(accessed);
    free(frame_of);
    free(page_of);
    return err;
}

int sim_run(enum sim_policy policy, const struct trace *t, uint32_t frames, uint64_t *faults)
{
    uint32_t f = usable_frames(t, frames);

    *faults = 0;
    if (frames == 0)
        return -EINVAL;
    switch (policy) {
    case SIM_OPT:
        return run_opt(t, f, faults);
    case SIM_LRU:
        return run_lru(t, f, faults);
    case SIM_FIFO:
        return run_ring(t, f, false, faults);
    case SIM_CLOCK:
        return run_ring(t, f, true, faults);
    case SIM_KERNEL:
        return sim_run_lru_core(LRU_TWO_LIST, t, frames, faults, NULL);
    default:
        return -EINVAL;
    }
}
