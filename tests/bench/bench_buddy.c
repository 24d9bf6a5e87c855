/* Benchmark of the buddy allocator, with and without its hot-frame cache,
 * against two baselines, in one run:
 *
 *   hot       the buddy allocator behind its hot-frame cache (buddy_hot_alloc,
 *             buddy_hot_free): what the kernel runs by default;
 *   buddy     the buddy allocator alone (buddy_alloc, buddy_free): hot=off;
 *   freelist  a single-page free list (next index per frame): the simplest
 *             real kernel allocator, O(1), no orders, no checks;
 *   bitmap    one bit per frame, first fit scanning 32-bit words from the
 *             start: the usual hobby-kernel allocator (extended here to
 *             aligned runs of 2^k frames so it can run the mixed workload).
 *
 * All over one zone of 128 MiB of 4 KiB frames (32768 frames).
 *
 *   bench_buddy                      print the whole table (wall clock)
 *   bench_buddy WORKLOAD N [ALLOC]   set up WORKLOAD once, then run N steps of
 *                                    its loop with ALLOC (hot, buddy, freelist
 *                                    or bitmap; default hot), for callgrind
 *                                    (see tests/bench/callgrind.sh)
 *
 * One "op" is one allocation attempt or one free. */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem/buddy.h"
#include "mem/buddy_check.h"
#include "mem/buddy_hot.h"

#define NFRAMES       32768u /* 128 MiB */
#define BASE_PFN      4096u  /* the zone starts at 16 MiB */
#define NO_PFN        BUDDY_NO_PFN
#define NOINLINE      __attribute__((noinline))
#define ALWAYS_INLINE inline __attribute__((always_inline))

/* ---- baseline 1: single-page free list --------------------------------- */

struct freelist {
    uint32_t next[NFRAMES]; /* 4 bytes per frame */
    uint32_t head, nfree;
};

static void freelist_init(struct freelist *fl)
{
    fl->head = NO_PFN;
    for (uint32_t i = NFRAMES; i-- > 0;) { /* lowest frame first out */
        fl->next[i] = fl->head;
        fl->head = i;
    }
    fl->nfree = NFRAMES;
}

NOINLINE static uint32_t freelist_alloc(struct freelist *fl)
{
    uint32_t idx = fl->head;
    if (idx == NO_PFN)
        return NO_PFN;
    fl->head = fl->next[idx];
    fl->nfree--;
    return BASE_PFN + idx;
}

NOINLINE static int freelist_free(struct freelist *fl, uint32_t pfn)
{
    uint32_t idx = pfn - BASE_PFN;
    fl->next[idx] = fl->head;
    fl->head = idx;
    fl->nfree++;
    return 0;
}

/* ---- baseline 2: first-fit bitmap -------------------------------------- */

struct bitmap {
    uint32_t words[NFRAMES / 32]; /* bit set = frame in use */
};

static void bitmap_init(struct bitmap *b)
{
    memset(b->words, 0, sizeof(b->words));
}

NOINLINE static uint32_t bitmap_alloc(struct bitmap *b, unsigned order)
{
    const uint32_t nwords = NFRAMES / 32;
    if (order == 0) {
        for (uint32_t w = 0; w < nwords; w++) {
            if (b->words[w] != 0xFFFFFFFFu) {
                unsigned bit = (unsigned)__builtin_ctz(~b->words[w]);
                b->words[w] |= 1u << bit;
                return BASE_PFN + w * 32 + bit;
            }
        }
        return NO_PFN;
    }
    if (order < 5) {
        /* An aligned run of n free bits inside one word: fold the free
         * mask onto itself, keep the aligned positions. */
        static const uint32_t aligned[5] = {0xFFFFFFFFu, 0x55555555u, 0x11111111u, 0x01010101u,
                                            0x00010001u};
        unsigned n = 1u << order;
        for (uint32_t w = 0; w < nwords; w++) {
            uint32_t f = ~b->words[w];
            for (unsigned s = 1; s < n; s <<= 1)
                f &= f >> s;
            f &= aligned[order];
            if (f) {
                unsigned bit = (unsigned)__builtin_ctz(f);
                b->words[w] |= ((1u << n) - 1) << bit;
                return BASE_PFN + w * 32 + bit;
            }
        }
        return NO_PFN;
    }
    /* 32 frames or more: aligned runs of whole empty words. */
    uint32_t nw = 1u << (order - 5);
    for (uint32_t w = 0; w + nw <= nwords; w += nw) {
        uint32_t i = 0;
        while (i < nw && b->words[w + i] == 0)
            i++;
        if (i == nw) {
            memset(&b->words[w], 0xFF, nw * 4);
            return BASE_PFN + w * 32;
        }
    }
    return NO_PFN;
}

NOINLINE static int bitmap_free(struct bitmap *b, uint32_t pfn, unsigned order)
{
    uint32_t idx = pfn - BASE_PFN;
    if (order < 5)
        b->words[idx / 32] &= ~(((1u << (1u << order)) - 1) << (idx % 32));
    else
        memset(&b->words[idx / 32], 0, (1u << (order - 5)) * 4);
    return 0;
}

/* ---- one interface over the four ---------------------------------------- */

enum kind { K_HOT, K_BUDDY, K_FREELIST, K_BITMAP, NR_KINDS };
static const char *const kind_name[] = {"hot", "buddy", "freelist", "bitmap"};

static struct page mem_map[NFRAMES];
static struct buddy_zone zone;
static struct buddy_hot cache; /* in front of zone, on for K_HOT only */
static struct freelist flist;
static struct bitmap bmap;

/* With `k` a constant these fold into direct calls (always_inline). */
static ALWAYS_INLINE uint32_t a_alloc(enum kind k, unsigned order)
{
    switch (k) {
    case K_HOT:
        return buddy_hot_alloc(&cache, order);
    case K_BUDDY:
        return buddy_alloc(&zone, order);
    case K_FREELIST:
        return order == 0 ? freelist_alloc(&flist) : NO_PFN;
    default:
        return bitmap_alloc(&bmap, order);
    }
}

static ALWAYS_INLINE void a_free(enum kind k, uint32_t pfn, unsigned order)
{
    int r;
    switch (k) {
    case K_HOT:
        r = buddy_hot_free(&cache, pfn, order);
        break;
    case K_BUDDY:
        r = buddy_free(&zone, pfn, order);
        break;
    case K_FREELIST:
        r = freelist_free(&flist, pfn);
        break;
    default:
        r = bitmap_free(&bmap, pfn, order);
        break;
    }
    if (r != 0) {
        fprintf(stderr, "bench: free of %u order %u refused\n", pfn, order);
        exit(1);
    }
}

static uint32_t zone_skip; /* join-edge: the zone starts this many frames later */

static void reset(enum kind k)
{
    switch (k) {
    case K_HOT:
    case K_BUDDY:
        buddy_init(&zone, mem_map, BASE_PFN + zone_skip, NFRAMES - zone_skip);
        buddy_add_range(&zone, BASE_PFN + zone_skip, NFRAMES - zone_skip);
        buddy_hot_init(&cache, &zone, k == K_HOT);
        break;
    case K_FREELIST:
        freelist_init(&flist);
        break;
    default:
        bitmap_init(&bmap);
        break;
    }
}

/* ---- workloads --------------------------------------------------------- */

static uint64_t rng_state;
static ALWAYS_INLINE uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 32);
}

struct held {
    uint32_t pfn;
    uint32_t order;
};
static struct held held[NFRAMES];
static uint32_t nheld, used;

struct result {
    uint64_t allocs, frees, fails, drains;
    uint64_t probes;   /* calls made through probe_alloc / probe_free */
    uint64_t used_sum; /* occupancy summed over the steps (mixed) */
};
static void mixed_warmup(enum kind k);
static bool filling = true, swing; /* state of the mixed workloads */

static ALWAYS_INLINE void hold(uint32_t pfn, unsigned order)
{
    held[nheld].pfn = pfn;
    held[nheld++].order = order;
    used += 1u << order;
}

static ALWAYS_INLINE void release(enum kind k, uint32_t i)
{
    a_free(k, held[i].pfn, held[i].order);
    used -= 1u << held[i].order;
    held[i] = held[--nheld];
}

/* Take every frame, one at a time (ascending for first fit). */
static void fill_all(enum kind k)
{
    uint32_t pfn;
    while ((pfn = a_alloc(k, 0)) != NO_PFN)
        hold(pfn, 0);
}

/* ---- worst cases ---------------------------------------------------------
 * Each of these workloads is about one call per loop step, the most
 * expensive one the allocator can be driven into; the rest of the step puts
 * the state back. That call goes through probe_alloc / probe_free, so that
 * callgrind.sh can count it apart (the probe's inclusive cost minus its own).
 * join-* are calls of the buddy allocator alone, drain-* and spill-join
 * calls through the cache. */

NOINLINE static uint32_t probe_alloc(enum kind k, unsigned order)
{
    uint32_t pfn = k == K_HOT ? buddy_hot_alloc(&cache, order) : buddy_alloc(&zone, order);
    __asm__ volatile("" ::: "memory"); /* a real call, not a tail jump */
    return pfn;
}

NOINLINE static int probe_free(enum kind k, uint32_t pfn, unsigned order)
{
    int r = k == K_HOT ? buddy_hot_free(&cache, pfn, order) : buddy_free(&zone, pfn, order);
    __asm__ volatile("" ::: "memory");
    return r;
}

static void must_free(uint32_t pfn, unsigned order)
{
    if (buddy_free(&zone, pfn, order) != 0) {
        fprintf(stderr, "bench: free of %u order %u refused\n", pfn, order);
        exit(1);
    }
}

static uint32_t must_alloc(unsigned order)
{
    uint32_t pfn = buddy_alloc(&zone, order);
    if (pfn == NO_PFN) {
        fprintf(stderr, "bench: allocation of order %u failed\n", order);
        exit(1);
    }
    return pfn;
}

/* Free every frame of the aligned block [pfn, pfn + 2^order), taken frame
 * by frame by fill_all, so that it becomes one free block.
 * Its buddy stays allocated, so it joins nothing else. */
static void free_frames(uint32_t pfn, unsigned order)
{
    for (uint32_t f = pfn; f < pfn + (1u << order); f++)
        must_free(f, 0);
}

/* join-mid and join-edge: the block `jregion` (of
 * order `jlevels`) is the one whose first frame, freed last, joins through
 * all those orders. For each order j < jlevels, two more free blocks of
 * order j (X_j, Y_j, one per order-10 region from region 1 on, buddies
 * allocated) keep the buddy B_j of that frame in the middle of its list, the
 * costliest place to unlink it from. Everything else is held. join-edge does
 * it in a zone that starts 512 frames into an order-10 region: the joins
 * there are bounded by the zone's edge (nine orders, each step checked). */
static uint32_t xy[BUDDY_MAX_ORDER][2], joiner, jregion;
static unsigned jlevels;

static void join_setup(bool edge)
{
    jlevels = edge ? BUDDY_MAX_ORDER - 1 : BUDDY_MAX_ORDER;
    jregion = edge ? BASE_PFN + 512 : BASE_PFN;
    fill_all(K_BUDDY);
    free_frames(jregion, jlevels); /* one free block */
    for (unsigned j = 0; j < jlevels; j++)
        for (unsigned i = 0; i < 2; i++) {
            xy[j][i] = BASE_PFN + 1024 * (1 + 2 * j + i);
            free_frames(xy[j][i], j);
        }
}

/* Rebuild the state: take X_j, Y_j off the lists, so that `joiner` (a
 * single frame) has to be split from the block and every B_j is listed;
 * take each B_j back, then free Y_j, B_j, X_j in that order: list j reads
 * X_j, B_j, Y_j. */
static void join_rebuild(void)
{
    uint32_t b[BUDDY_MAX_ORDER];
    for (unsigned j = 0; j < jlevels; j++)
        for (unsigned i = 0; i < 2; i++)
            xy[j][i] = must_alloc(j);
    joiner = must_alloc(0);
    for (unsigned j = 0; j < jlevels; j++)
        b[j] = must_alloc(j);
    for (unsigned j = 0; j < jlevels; j++) {
        must_free(xy[j][1], j);
        must_free(b[j], j);
        must_free(xy[j][0], j);
    }
}

/* Put the frame at pfn, taken from the lists, into the cache. */
static void cache_frame(uint32_t pfn)
{
    if (buddy_hot_free(&cache, pfn, 0) != 0 || cache.count == 0) {
        fprintf(stderr, "bench: frame %u not cached\n", pfn);
        exit(1);
    }
}

/* The most frames the cache holds between calls: one more fills it. */
#define NCACHED (BUDDY_HOT_HIGH - 1)

/* drain-fail: the cache full of frames whose buddies are all taken, the
 * lists empty. An order-1 request: the lists refuse, the cache gives its
 * NCACHED frames back (none joins anything), the lists refuse again.
 * Afterwards the frames, now on list 0, go back into the cache. */
static void drain_fail_setup(void)
{
    fill_all(K_BUDDY);
    for (uint32_t i = 0; i < NCACHED; i++)
        cache_frame(BASE_PFN + 2 * i);
}

static void drain_fail_rebuild(void)
{
    uint32_t pfn[NCACHED];
    for (uint32_t i = 0; i < NCACHED; i++)
        pfn[i] = must_alloc(0);
    for (uint32_t i = 0; i < NCACHED; i++)
        cache_frame(pfn[i]);
}

/* drain-join and spill-join: the cache holds the first frame of each of
 * the first NCACHED order-10 regions, the oldest in region 0. The rest of
 * each such region's lower half is free, as one block of each order 0..8;
 * its upper half is taken, and so is every other region. Given back, each cached frame
 * joins 9 times, up to the region's lower half, the most a frame can join
 * without making an order-10 block. drain-join asks for order 10: the
 * lists refuse, the whole cache is given back, the lists refuse again.
 * spill-join frees one more frame into the full cache, which gives back
 * its BUDDY_HOT_BATCH oldest frames. */
#define NREGIONS NCACHED
_Static_assert(NREGIONS <= NFRAMES / 1024, "one cached frame per region");

static void region_setup(void)
{
    fill_all(K_BUDDY);
    for (uint32_t r = 0; r < NREGIONS; r++) {
        uint32_t region = BASE_PFN + 1024 * r;
        for (uint32_t f = region + 1; f < region + 512; f++)
            must_free(f, 0);
        cache_frame(region);
    }
}

/* After a drain the lists hold one order-9 block per region. Split each in
 * turn: taking order 0 splits the only order-9 block left at the front of
 * the list, then its pieces are held aside so that the next order-0
 * request has to split the next region. */
static void region_rebuild(void)
{
    uint32_t first[NREGIONS], piece[NREGIONS][BUDDY_MAX_ORDER - 1];
    buddy_hot_drain(&cache);
    for (uint32_t r = 0; r < NREGIONS; r++) {
        first[r] = must_alloc(0);
        for (unsigned j = 0; j < BUDDY_MAX_ORDER - 1; j++)
            piece[r][j] = must_alloc(j);
    }
    for (uint32_t r = 0; r < NREGIONS; r++)
        for (unsigned j = 0; j < BUDDY_MAX_ORDER - 1; j++)
            must_free(piece[r][j], j);
    /* cached from the lowest region up, so region 0's frame is the oldest */
    for (uint32_t r = 0; r < NREGIONS; r++)
        for (uint32_t i = 0; i < NREGIONS; i++)
            if (first[i] == BASE_PFN + 1024 * r)
                cache_frame(first[i]);
}

/* One step of a worst-case workload. */
static void worst_step(const char *wl, struct result *r)
{
    if (!strcmp(wl, "join-mid") || !strcmp(wl, "join-edge")) {
        join_rebuild();
        probe_free(K_BUDDY, joiner, 0); /* joins every B_j */
        r->frees++;
    } else if (!strcmp(wl, "drain-fail")) {
        r->fails += probe_alloc(K_HOT, 1) == NO_PFN;
        r->allocs++;
        drain_fail_rebuild();
    } else if (!strcmp(wl, "drain-join")) {
        r->fails += probe_alloc(K_HOT, BUDDY_MAX_ORDER) == NO_PFN;
        r->allocs++;
        region_rebuild();
    } else if (!strcmp(wl, "spill-join")) {
        probe_free(K_HOT, BASE_PFN + 512, 0); /* a frame of region 0's upper half */
        r->frees++;
        if (buddy_hot_alloc(&cache, 0) != BASE_PFN + 512) { /* taken back */
            fprintf(stderr, "bench: spill-join lost its frame\n");
            exit(1);
        }
        region_rebuild();
    }
    r->probes++;
}

static bool is_worst(const char *wl)
{
    return !strcmp(wl, "join-mid") || !strcmp(wl, "join-edge") || !strncmp(wl, "drain-", 6) ||
           !strcmp(wl, "spill-join");
}

/* Set up the state of a workload; nothing here depends on N. */
static void setup(enum kind k, const char *wl)
{
    zone_skip = strcmp(wl, "join-edge") ? 0 : 512;
    reset(k);
    nheld = used = 0;
    rng_state = 0x2545F4914F6CDD1Dull;

    if (!strcmp(wl, "join-mid") || !strcmp(wl, "join-edge")) {
        join_setup(!strcmp(wl, "join-edge"));
    } else if (!strcmp(wl, "drain-fail")) {
        drain_fail_setup();
    } else if (!strcmp(wl, "drain-join") || !strcmp(wl, "spill-join")) {
        region_setup();
    } else if (!strcmp(wl, "split")) {
        /* one order-10 block left free, the last one */
        for (uint32_t b = 0; b < NFRAMES / 1024 - 1; b++) {
            if (k == K_FREELIST)
                for (uint32_t i = 0; i < 1024; i++)
                    hold(a_alloc(k, 0), 0);
            else
                hold(a_alloc(k, 10), 10);
        }
    } else if (!strcmp(wl, "last") || !strcmp(wl, "full")) {
        fill_all(k);
        if (!strcmp(wl, "last")) { /* free the highest frame */
            uint32_t top = 0;
            for (uint32_t i = 1; i < nheld; i++)
                if (held[i].pfn > held[top].pfn)
                    top = i;
            release(k, top);
        }
    } else if (!strcmp(wl, "fail")) {
        fill_all(k); /* then free every other frame: a checkerboard */
        for (uint32_t i = nheld; i-- > 0;)
            if ((held[i].pfn & 1) == 0)
                release(k, i);
        buddy_hot_drain(&cache); /* a refusal with nothing cached */
    } else if (!strncmp(wl, "occ90", 5)) {
        fill_all(k); /* then free a random 10% */
        while (used > NFRAMES * 9 / 10)
            release(k, rnd() % nheld);
    } else if (!strncmp(wl, "mixed", 5)) {
        swing = strstr(wl, "swing") != NULL;
        /* warm up with the loop itself for a fixed number of steps, so
         * occupancy has swung between 50% and 90% several times */
        mixed_warmup(k);
    }
}

/* Random orders, small ones likelier (P(k) = 2^-(k+1)), occupancy kept
 * between 50% and 90%. "mixed" is the steady state: inside the band an
 * allocation and a free are equally likely (a random walk), below 50% we
 * only allocate, above 90% we only free. "mixed-swing" is harsher: it
 * allocates 3 times in 4 until 90%, then frees 3 times in 4 down to 50%,
 * and again. */
static ALWAYS_INLINE void mixed_step(enum kind k, struct result *r)
{
    uint32_t dice = rnd();
    bool alloc;
    if (swing) {
        if (used * 10 >= NFRAMES * 9)
            filling = false;
        else if (used * 2 <= NFRAMES)
            filling = true;
        alloc = ((dice & 3) != 0) == filling;
    } else {
        alloc = used * 2 < NFRAMES || (used * 10 <= NFRAMES * 9 && (dice & 1));
    }
    if (nheld == 0 || alloc) {
        unsigned order = (unsigned)__builtin_ctz((dice >> 2) | (1u << BUDDY_MAX_ORDER));
        uint32_t pfn = a_alloc(k, order);
        r->allocs++;
        if (pfn == NO_PFN)
            r->fails++;
        else
            hold(pfn, order);
    } else {
        release(k, (dice >> 16) % nheld);
        r->frees++;
    }
    r->used_sum += used;
}

#define WARMUP_STEPS 200000u

#define DEFINE_LOOPS(K, suffix)                                                                    \
    NOINLINE static void mixed_warmup_##suffix(void)                                               \
    {                                                                                              \
        struct result r = {0};                                                                     \
        filling = true;                                                                            \
        for (uint32_t i = 0; i < WARMUP_STEPS; i++)                                                \
            mixed_step(K, &r);                                                                     \
    }                                                                                              \
    NOINLINE static void loop_##suffix(const char *wl, uint64_t n, struct result *r)               \
    {                                                                                              \
        if (!strncmp(wl, "order0", 6) || !strcmp(wl, "split") || !strcmp(wl, "last")) {            \
            for (uint64_t i = 0; i < n; i++) { /* alloc, then free at once */                      \
                uint32_t pfn = a_alloc(K, 0);                                                      \
                a_free(K, pfn, 0);                                                                 \
            }                                                                                      \
            r->allocs += n;                                                                        \
            r->frees += n;                                                                         \
        } else if (!strcmp(wl, "refill")) {                                                        \
            for (uint64_t i = 0; i < n; i++) { /* refill the cache, then give it all back */       \
                uint32_t pfn = a_alloc(K, 0);                                                      \
                a_free(K, pfn, 0);                                                                 \
                buddy_hot_drain(&cache);                                                           \
            }                                                                                      \
            r->allocs += n;                                                                        \
            r->frees += n;                                                                         \
            r->drains += n;                                                                        \
        } else if (!strcmp(wl, "fail") || !strcmp(wl, "full")) {                                   \
            unsigned order = wl[1] == 'a' ? 1 : 0; /* fail: order 1, full: order 0 */              \
            for (uint64_t i = 0; i < n; i++)                                                       \
                r->fails += a_alloc(K, order) == NO_PFN;                                           \
            r->allocs += n;                                                                        \
        } else if (!strncmp(wl, "occ90", 5)) {                                                     \
            for (uint64_t i = 0; i < n; i++) { /* free a random frame, take one */                 \
                release(K, rnd() % nheld);                                                         \
                uint32_t pfn = a_alloc(K, 0);                                                      \
                hold(pfn, 0);                                                                      \
            }                                                                                      \
            r->allocs += n;                                                                        \
            r->frees += n;                                                                         \
        } else if (!strncmp(wl, "mixed", 5)) {                                                     \
            for (uint64_t i = 0; i < n; i++)                                                       \
                mixed_step(K, r);                                                                  \
        }                                                                                          \
    }

DEFINE_LOOPS(K_HOT, hot)
DEFINE_LOOPS(K_BUDDY, buddy)
DEFINE_LOOPS(K_FREELIST, freelist)
DEFINE_LOOPS(K_BITMAP, bitmap)

static void mixed_warmup(enum kind k)
{
    if (k == K_HOT)
        mixed_warmup_hot();
    else if (k == K_BUDDY)
        mixed_warmup_buddy();
    else if (k == K_FREELIST)
        mixed_warmup_freelist();
    else
        mixed_warmup_bitmap();
}

static void run_loop(enum kind k, const char *wl, uint64_t n, struct result *r)
{
    if (is_worst(wl)) {
        for (uint64_t i = 0; i < n; i++)
            worst_step(wl, r);
    } else if (k == K_HOT)
        loop_hot(wl, n, r);
    else if (k == K_BUDDY)
        loop_buddy(wl, n, r);
    else if (k == K_FREELIST)
        loop_freelist(wl, n, r);
    else
        loop_bitmap(wl, n, r);
}

static const char *const workloads[] = {
    "order0", "occ90",  "mixed",    "mixed-swing", "split",      "last",       "full",
    "fail",   "refill", "join-mid", "join-edge",   "drain-fail", "drain-join", "spill-join"};

static bool applies(enum kind k, const char *wl)
{
    if (is_worst(wl))
        return k == (!strncmp(wl, "join-", 5) ? K_BUDDY : K_HOT);
    if (!strcmp(wl, "refill"))
        return k == K_HOT;
    if (k == K_FREELIST)
        return strncmp(wl, "mixed", 5) && strcmp(wl, "fail");
    return true;
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* Best of three runs, each long enough to time. Returns ns per op. */
static double measure(enum kind k, const char *wl, uint64_t n)
{
    double best = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        struct result r = {0};
        setup(k, wl);
        double t0 = now_ns();
        run_loop(k, wl, n, &r);
        double t = (now_ns() - t0) / (double)(r.allocs + r.frees);
        if (t < best)
            best = t;
    }
    return best;
}

static uint64_t steps_for(enum kind k, const char *wl)
{
    bool scans = k == K_BITMAP && strcmp(wl, "order0") != 0; /* ~1000 words per op */
    if (scans)
        return strncmp(wl, "mixed", 5) ? 20000 : 50000;
    if (!strcmp(wl, "refill"))
        return 500000;
    return 4000000;
}

static void print_table(void)
{
    static const char *const what[] = {
        "order0: order-0 alloc+free, empty zone", "occ90: order-0, 90% full, random frees",
        "mixed: orders 0-10, 50-90% full",        "mixed-swing: 50->90->50% ... full",
        "split: 1 free order-10 block",           "last: one free frame left (the last)",
        "full: order 0 from a full zone (fails)", "fail: order 1 on a checkerboard (fails)",
        "refill: cache refill + drain each step",
    };
    printf("zone: %u frames of 4 KiB (%u MiB); ns per op (one alloc or one free), best of 3\n",
           NFRAMES, NFRAMES / 256);
    printf("%-42s %9s %9s %9s %9s %10s %9s %9s\n", "workload", "hot", "buddy", "freelist", "bitmap",
           "buddy/hot", "fl/hot", "bm/hot");
    for (unsigned w = 0; w < sizeof(workloads) / sizeof(workloads[0]); w++) {
        if (is_worst(workloads[w]))
            continue; /* single calls: see tests/bench/callgrind.sh */
        double t[NR_KINDS];
        for (int k = 0; k < NR_KINDS; k++)
            t[k] = applies((enum kind)k, workloads[w])
                       ? measure((enum kind)k, workloads[w], steps_for((enum kind)k, workloads[w]))
                       : -1;
        printf("%-42s", what[w]);
        for (int k = 0; k < NR_KINDS; k++)
            t[k] < 0 ? printf(" %9s", "-") : printf(" %9.2f", t[k]);
        for (int k = 1; k < NR_KINDS; k++)
            t[k] < 0 ? printf(" %*s", k == 1 ? 10 : 9, "-")
                     : printf(" %*.2fx", k == 1 ? 9 : 8, t[k] / t[0]);
        printf("\n");
    }
    printf("\nhot: buddy with its hot-frame cache (the default); buddy: without it (hot=off)\n");
    printf("metadata per frame: buddy %zu bytes (struct page) + %.4f (zone and cache headers, "
           "%zu bytes / %u frames); freelist 4 bytes; bitmap 0.125 bytes\n",
           sizeof(struct page),
           (double)(sizeof(struct buddy_zone) + sizeof(struct buddy_hot)) / NFRAMES,
           sizeof(struct buddy_zone) + sizeof(struct buddy_hot), NFRAMES);
    printf("buddy/hot, fl/hot, bm/hot: that allocator's time / the time with the cache "
           "(above 1: the cache is faster)\n");
}

int main(int argc, char **argv)
{
    if (argc == 1) {
        print_table();
        return 0;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: %s [WORKLOAD N [hot|buddy|freelist|bitmap]]\nworkloads:", argv[0]);
        for (unsigned w = 0; w < sizeof(workloads) / sizeof(workloads[0]); w++)
            fprintf(stderr, " %s", workloads[w]);
        fprintf(stderr, "\n");
        return 2;
    }
    const char *wl = argv[1];
    uint64_t n = strtoull(argv[2], NULL, 10);
    enum kind k = K_HOT;
    if (argc > 3) {
        for (k = 0; k < NR_KINDS && strcmp(argv[3], kind_name[k]); k++)
            ;
        if (k == NR_KINDS) {
            fprintf(stderr, "unknown allocator %s\n", argv[3]);
            return 2;
        }
    }
    bool known = false;
    for (unsigned w = 0; w < sizeof(workloads) / sizeof(workloads[0]); w++)
        known |= !strcmp(wl, workloads[w]);
    if (!known || !applies(k, wl)) {
        fprintf(stderr, "workload %s does not exist or does not apply to %s\n", wl, kind_name[k]);
        return 2;
    }
    struct result r = {0};
    setup(k, wl);
    double t0 = now_ns();
    run_loop(k, wl, n, &r);
    double t = now_ns() - t0;
    printf("workload=%s alloc=%s steps=%llu allocs=%llu frees=%llu fails=%llu drains=%llu "
           "probes=%llu ns_per_op=%.2f",
           wl, kind_name[k], (unsigned long long)n, (unsigned long long)r.allocs,
           (unsigned long long)r.frees, (unsigned long long)r.fails, (unsigned long long)r.drains,
           (unsigned long long)r.probes, t / (double)(r.allocs + r.frees));
    if (r.used_sum)
        printf(" mean_occupancy=%.1f%%", 100.0 * (double)r.used_sum / (double)n / NFRAMES);
    printf("\n");
    if ((k == K_HOT || k == K_BUDDY) && buddy_hot_check(&cache, NULL) != 0) {
        fprintf(stderr, "bench: buddy_hot_check failed\n");
        return 1;
    }
    return 0;
}
