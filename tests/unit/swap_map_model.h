/* A plain model of the swap-slot map (src/mem/swap_map.c), shared by the
 * random test (tests/unit/test_swap_map.c) and the fuzz target
 * (tests/fuzz/fuzz_swap_map.c). They differ only in where the choices come
 * from: a fixed random sequence, or the fuzz input.
 *
 * The model keeps, for each slot, a reference count and whether it was
 * marked bad, and a cursor. It predicts every answer from those alone, the
 * slots an allocation hands out included, with the rules swap_map.h and
 * swap_map.c state; after every operation each slot's count and bad mark,
 * the counters and the cursor must agree with it, and swap_map_check must
 * find nothing. A refused operation must leave the map as it was, to the
 * byte. The map's array is allocated with exactly nslots bytes, so that
 * AddressSanitizer stops any access past it.
 *
 * The includer defines SWAP_MAP_MODEL_FAIL(message), which must not return. */
#ifndef TESTS_SWAP_MAP_MODEL_H
#define TESTS_SWAP_MAP_MODEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/swap_map.h"

#ifndef SWAP_MAP_MODEL_FAIL
#error "define SWAP_MAP_MODEL_FAIL(message) before including swap_map_model.h"
#endif

#define MODEL_MAX_SLOTS 300u

/* What the operations did, so that a run can show it reached every case. */
enum model_stat {
    ST_ALLOC_OK,
    ST_ALLOC_WRAPPED, /* the slot lies below the cursor */
    ST_ALLOC_FULL,
    ST_RUN_FULL,  /* a run of want slots */
    ST_RUN_SHORT, /* only a shorter run */
    ST_RUN_NONE,
    ST_DUP_OK,
    ST_DUP_MAX,
    ST_PUT_OK,
    ST_PUT_FREED,
    ST_PUT_TURNED_BAD, /* the last reference to a failing slot */
    ST_FREE_REFUSED,   /* dup or put of a free slot */
    ST_BAD_REFUSED,    /* dup or put of a bad slot */
    ST_RANGE_REFUSED,
    ST_MARK_FREE,
    ST_MARK_IN_USE,
    ST_MARK_AGAIN,
    ST_COUNT
};

static const char *const model_stat_names[ST_COUNT] = {
    "alloc ok",    "alloc wrapped", "alloc full", "run full",    "run short",      "run none",
    "dup ok",      "dup at max",    "put ok",     "put freed",   "put turned bad", "free refused",
    "bad refused", "range refused", "mark free",  "mark in use", "mark again"};

struct model {
    struct swap_map map; /* what is under test */
    uint8_t *counts;     /* its array, exactly nslots bytes */
    uint32_t nslots;
    uint32_t count[MODEL_MAX_SLOTS]; /* references of each slot */
    bool bad[MODEL_MAX_SLOTS];       /* marked bad: a failing slot while count > 0 */
    uint32_t cursor;

    uint32_t (*next)(void *src); /* where the choices come from */
    void *src;

    unsigned long step;
    const char *op; /* the operation under way, for failure messages */
    uint32_t arg;
    unsigned long stats[ST_COUNT];
};

static uint32_t model_pick(struct model *m, uint32_t n)
{
    return m->next(m->src) % n;
}

/* ---- failure messages ------------------------------------------------------ */

static void model_fail(const struct model *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void model_fail(const struct model *m, const char *fmt, ...)
{
    char msg[4096];
    size_t k = (size_t)snprintf(msg, sizeof msg, "step %lu, %u slots, cursor %u, %s %u: ", m->step,
                                m->nslots, m->cursor, m->op, m->arg);
    va_list ap;
    va_start(ap, fmt);
    k += (size_t)vsnprintf(msg + k, sizeof msg - k, fmt, ap);
    va_end(ap);
    k += (size_t)snprintf(msg + k, sizeof msg - k, "; model (count, b for bad):");
    for (uint32_t s = 1; s < m->nslots && k < sizeof msg - 16; s++)
        k += (size_t)snprintf(msg + k, sizeof msg - k, " %u%s", m->count[s], m->bad[s] ? "b" : "");
    k += (size_t)snprintf(msg + k, sizeof msg - k, "; the map's bytes:");
    for (uint32_t s = 1; s < m->nslots && k < sizeof msg - 16; s++)
        k += (size_t)snprintf(msg + k, sizeof msg - k, " %u", m->counts[s]);
    SWAP_MAP_MODEL_FAIL(msg);
}

#define MODEL_EXPECT(m, cond, ...)                                                                 \
    do {                                                                                           \
        if (!(cond))                                                                               \
            model_fail(m, __VA_ARGS__);                                                            \
    } while (0)

/* ---- the model's view ------------------------------------------------------ */

static bool model_is_slot(const struct model *m, uint32_t s)
{
    return s >= 1 && s < m->nslots;
}

static bool model_free(const struct model *m, uint32_t s)
{
    return m->count[s] == 0 && !m->bad[s];
}

/* Every slot, the counters, the cursor and the map's own check. */
static void model_check_map(struct model *m)
{
    uint32_t in_use = 0, bad = 0, value = 0;
    for (uint32_t s = 1; s < m->nslots; s++) {
        uint32_t count = swap_map_count(&m->map, s);
        bool is_bad = swap_map_is_bad(&m->map, s);
        MODEL_EXPECT(m, count == m->count[s], "slot %u has %u references, the model %u", s, count,
                     m->count[s]);
        MODEL_EXPECT(m, is_bad == m->bad[s], "slot %u is %sbad, the model says %s", s,
                     is_bad ? "" : "not ", m->bad[s] ? "bad" : "not bad");
        in_use += m->count[s] > 0;
        bad += m->count[s] == 0 && m->bad[s];
    }
    MODEL_EXPECT(m, swap_map_nr_in_use(&m->map) == in_use, "%u slots in use, the model %u",
                 swap_map_nr_in_use(&m->map), in_use);
    MODEL_EXPECT(m, swap_map_nr_bad(&m->map) == bad, "%u bad slots, the model %u",
                 swap_map_nr_bad(&m->map), bad);
    MODEL_EXPECT(m, swap_map_nr_usable(&m->map) == m->nslots - 1 - bad,
                 "%u usable slots, the model %u", swap_map_nr_usable(&m->map), m->nslots - 1 - bad);
    MODEL_EXPECT(m, m->map.cursor == m->cursor, "cursor %u, the model %u", m->map.cursor,
                 m->cursor);
    MODEL_EXPECT(m,
                 swap_map_count(&m->map, 0) == 0 && !swap_map_is_bad(&m->map, 0) &&
                     swap_map_count(&m->map, m->nslots) == 0 &&
                     !swap_map_is_bad(&m->map, m->nslots),
                 "slot 0 or slot nslots is reported as a slot");
    enum swap_map_reason why = swap_map_check(&m->map, &value);
    MODEL_EXPECT(m, why == SWAP_MAP_OK, "swap_map_check: %s (%u)", swap_map_reason_name(why),
                 value);
}

/* ---- operations ------------------------------------------------------------ */

/* What a refused call must leave: the struct and the array, byte for byte. */
struct model_snapshot {
    struct swap_map map;
    uint8_t counts[MODEL_MAX_SLOTS];
};

/* Which refusal counts as which case. */
static void model_count_refusal(struct model *m, enum swap_map_reason why)
{
    switch (why) {
    case SWAP_MAP_E_RANGE:
        m->stats[ST_RANGE_REFUSED]++;
        break;
    case SWAP_MAP_E_FREE:
        m->stats[ST_FREE_REFUSED]++;
        break;
    case SWAP_MAP_E_BAD:
        m->stats[ST_BAD_REFUSED]++;
        break;
    case SWAP_MAP_E_MAX_COUNT:
        m->stats[ST_DUP_MAX]++;
        break;
    case SWAP_MAP_E_ALREADY_BAD:
        m->stats[ST_MARK_AGAIN]++;
        break;
    default:
        break;
    }
}

/* Calls call(map, s) (a dup, put or mark_bad), which the model says must
 * answer want, and checks that it does; a refusal must change nothing.
 * True if the call was to succeed. */
static bool model_call(struct model *m, const char *name,
                       enum swap_map_reason (*call)(struct swap_map *, uint32_t), uint32_t s,
                       enum swap_map_reason want)
{
    struct model_snapshot snap = {.map = m->map};
    memcpy(snap.counts, m->counts, m->nslots);
    m->op = name;
    m->arg = s;
    enum swap_map_reason got = call(&m->map, s);
    MODEL_EXPECT(m, got == want, "answered \"%s\", expected \"%s\"", swap_map_reason_name(got),
                 swap_map_reason_name(want));
    if (got == SWAP_MAP_OK)
        return true;
    MODEL_EXPECT(m,
                 memcmp(&snap.map, &m->map, sizeof m->map) == 0 &&
                     memcmp(snap.counts, m->counts, m->nslots) == 0,
                 "a refused call changed the map");
    model_count_refusal(m, got);
    return false;
}

/* Why a dup or put of slot s must be refused, or SWAP_MAP_OK. */
static enum swap_map_reason model_reference_refusal(const struct model *m, uint32_t s)
{
    if (!model_is_slot(m, s))
        return SWAP_MAP_E_RANGE;
    if (m->count[s] == 0)
        return m->bad[s] ? SWAP_MAP_E_BAD : SWAP_MAP_E_FREE;
    return SWAP_MAP_OK;
}

static void model_dup(struct model *m, uint32_t s)
{
    enum swap_map_reason want = model_reference_refusal(m, s);
    if (want == SWAP_MAP_OK && m->count[s] == SWAP_MAP_MAX_COUNT)
        want = SWAP_MAP_E_MAX_COUNT;
    if (!model_call(m, "dup", swap_map_dup, s, want))
        return;
    m->count[s]++;
    m->stats[ST_DUP_OK]++;
}

static void model_put(struct model *m, uint32_t s)
{
    if (!model_call(m, "put", swap_map_put, s, model_reference_refusal(m, s)))
        return;
    m->count[s]--;
    if (m->count[s] > 0)
        m->stats[ST_PUT_OK]++;
    else
        m->stats[m->bad[s] ? ST_PUT_TURNED_BAD : ST_PUT_FREED]++;
}

static void model_mark_bad(struct model *m, uint32_t s)
{
    enum swap_map_reason want = SWAP_MAP_OK;
    if (!model_is_slot(m, s))
        want = SWAP_MAP_E_RANGE;
    else if (m->bad[s])
        want = SWAP_MAP_E_ALREADY_BAD;
    if (!model_call(m, "mark_bad", swap_map_mark_bad, s, want))
        return;
    m->bad[s] = true;
    m->stats[m->count[s] > 0 ? ST_MARK_IN_USE : ST_MARK_FREE]++;
}

/* The slot at position p (0-based) of a search from the cursor: the cursor,
 * up to the last slot, then on from slot 1. */
static uint32_t model_search_slot(const struct model *m, uint32_t p)
{
    uint32_t s = m->cursor + p;
    return s < m->nslots ? s : s - (m->nslots - 1);
}

/* How many free slots, up to want, a run starting at search position p
 * holds: it ends at a slot not free, where the search wraps from the last
 * slot to slot 1, and where the search ends. */
static uint32_t model_run_at(const struct model *m, uint32_t p, uint32_t want)
{
    uint32_t n = 0;
    while (n < want && p + n < m->nslots - 1) {
        uint32_t s = model_search_slot(m, p + n);
        if (!model_free(m, s) || (n > 0 && s == 1))
            break;
        n++;
    }
    return n;
}

/* The brute-force answer: the first search position with a run of want
 * slots; failing that, the first with the longest run. */
static uint32_t model_choose_run(const struct model *m, uint32_t want, uint32_t *len)
{
    uint32_t best = SWAP_MAP_NONE;
    *len = 0;
    for (uint32_t p = 0; p < m->nslots - 1 && want > 0; p++) {
        uint32_t n = model_run_at(m, p, want);
        if (n > *len) {
            best = model_search_slot(m, p);
            *len = n;
        }
        if (n == want)
            break;
    }
    return best;
}

static void model_alloc_run(struct model *m, uint32_t want, bool single)
{
    m->op = single ? "alloc" : "alloc_run";
    m->arg = want;
    uint32_t len, got = 0xDEAD;
    uint32_t first = model_choose_run(m, want, &len);
    uint32_t slot = single ? swap_map_alloc(&m->map) : swap_map_alloc_run(&m->map, want, &got);
    MODEL_EXPECT(m, slot == first, "handed out slot %u, the model %u", slot, first);
    MODEL_EXPECT(m, single || got == len, "handed out %u slots, the model %u", got, len);
    if (single)
        m->stats[len ? (first < m->cursor ? ST_ALLOC_WRAPPED : ST_ALLOC_OK) : ST_ALLOC_FULL]++;
    else
        m->stats[len == 0 ? ST_RUN_NONE : len == want ? ST_RUN_FULL : ST_RUN_SHORT]++;
    if (len == 0)
        return;
    for (uint32_t s = first; s < first + len; s++)
        m->count[s] = 1;
    m->cursor = first + len < m->nslots ? first + len : 1;
}

/* ---- random operations ----------------------------------------------------- */

/* A slot that is in use, the first at or after a random one (or any slot if
 * none is). */
static uint32_t model_used_slot(struct model *m)
{
    uint32_t start = 1 + model_pick(m, m->nslots - 1);
    for (uint32_t i = 0; i < m->nslots - 1; i++) {
        uint32_t s = 1 + (start - 1 + i) % (m->nslots - 1);
        if (m->count[s] > 0)
            return s;
    }
    return start;
}

/* Any number, mostly a slot: also 0, the first past the end, and far out. */
static uint32_t model_any_slot(struct model *m)
{
    switch (model_pick(m, 8)) {
    case 0:
        return 0;
    case 1:
        return m->nslots + model_pick(m, 2);
    case 2:
        return model_pick(m, 2) ? 0xFFFFFFFFu : SWAP_MAP_MAX_SLOTS;
    default:
        return 1 + model_pick(m, m->nslots - 1);
    }
}

/* How many slots a run asks for: mostly a few, sometimes 0 or more than
 * there are. */
static uint32_t model_random_want(struct model *m)
{
    switch (model_pick(m, 16)) {
    case 0:
        return 0;
    case 1:
        return model_pick(m, m->nslots + 2);
    case 2:
        return 0xFFFFFFFFu;
    default:
        return 1 + model_pick(m, 8);
    }
}

/* Dup a slot until it holds the most references, and once more. */
static void model_dup_to_max(struct model *m, uint32_t s)
{
    while (m->count[s] > 0 && m->count[s] < SWAP_MAP_MAX_COUNT)
        model_dup(m, s);
    model_dup(m, s);
}

/* Put every reference of a slot, and once more. */
static void model_put_all(struct model *m, uint32_t s)
{
    while (m->count[s] > 0)
        model_put(m, s);
    model_put(m, s);
}

/* Free every slot; the bad ones stay bad. */
static void model_empty(struct model *m)
{
    for (uint32_t s = 1; s < m->nslots; s++)
        while (m->count[s] > 0)
            model_put(m, s);
}

/* Allocate until the map answers that it is full. */
static void model_fill(struct model *m)
{
    uint32_t before;
    do {
        before = swap_map_nr_in_use(&m->map);
        bool single = model_pick(m, 2);
        model_alloc_run(m, single ? 1 : 1 + model_pick(m, 4), single);
    } while (swap_map_nr_in_use(&m->map) > before);
}

/* Release the array of the map under test. */
static void model_finish(struct model *m)
{
    free(m->counts);
    m->counts = NULL;
}

/* A fresh map: mostly small (full, wrapped, split runs come often),
 * sometimes up to MODEL_MAX_SLOTS slots, with a few bad pages from the
 * start, as a header's list would give. */
static void model_start(struct model *m)
{
    model_finish(m);
    m->nslots = 2 + model_pick(m, model_pick(m, 4) ? 40 : MODEL_MAX_SLOTS - 1);
    m->counts = malloc(m->nslots);
    if (m->counts == NULL)
        SWAP_MAP_MODEL_FAIL("out of memory");
    memset(m->counts, 0xA5, m->nslots); /* init must set every byte */
    memset(m->count, 0, sizeof m->count);
    memset(m->bad, 0, sizeof m->bad);
    m->cursor = 1;
    m->op = "init";
    m->arg = m->nslots;
    enum swap_map_reason why = swap_map_init(&m->map, m->counts, m->nslots);
    MODEL_EXPECT(m, why == SWAP_MAP_OK, "init answered \"%s\"", swap_map_reason_name(why));
    uint32_t nbad = model_pick(m, 3) ? 0 : 1 + model_pick(m, 1 + m->nslots / 8);
    for (uint32_t i = 0; i < nbad; i++)
        model_mark_bad(m, 1 + model_pick(m, m->nslots - 1));
    model_check_map(m);
}

/* One random operation, then the full check. A map that has lost half
 * its slots to bad marks is replaced by a fresh one first. */
static void model_step(struct model *m)
{
    if (swap_map_nr_bad(&m->map) > (m->nslots - 1) / 2)
        model_start(m);
    uint32_t r = model_pick(m, 100);
    m->step++;
    if (r < 25)
        model_alloc_run(m, 1, true);
    else if (r < 42)
        model_alloc_run(m, model_random_want(m), false);
    else if (r < 60)
        model_put(m, model_used_slot(m));
    else if (r < 70)
        model_dup(m, model_used_slot(m));
    else if (r < 73)
        model_dup_to_max(m, model_used_slot(m));
    else if (r < 78)
        model_put_all(m, model_used_slot(m));
    else if (r < 80)
        model_mark_bad(m, model_used_slot(m)); /* a failed write */
    else if (r < 86)
        model_dup(m, model_any_slot(m));
    else if (r < 92)
        model_put(m, model_any_slot(m));
    else if (r < 94)
        model_mark_bad(m, model_any_slot(m));
    else if (r < 97)
        model_empty(m);
    else
        model_fill(m);
    model_check_map(m);
}

#endif
