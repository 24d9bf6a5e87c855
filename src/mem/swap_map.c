/* The swap-slot map (pure core).
 *
 * Each slot of the swap area has one byte: free, in use with a reference
 * count, or bad (swap_map.h lists the values). Everything here is a plain
 * loop or a few comparisons on that array and three counters.
 *
 * Reference counts
 * ----------------
 * A page swapped out leaves its slot number in the PTE that mapped it. When
 * the process forks, the child gets a copy of that PTE, naming the same
 * slot, and the swap cache may hold the slot too while the page is being
 * read back. The slot may be reused only when the last of them lets go, so
 * the map counts them: swap_map_dup() for each new name, swap_map_put() when
 * one goes away (the PTE is overwritten or its process exits).
 *
 * Bad slots
 * ---------
 * mkswap -c lists pages that failed a test read; those are marked bad before
 * anything is allocated. A write that fails later marks its slot bad too.
 * That slot is usually still in use: its references stay valid (dup and put
 * keep working, so that fork and exit need no special case), and the slot
 * turns bad instead of free when the last one is put. Until then it holds
 * SWAP_MAP_FAILING + its count.
 *
 * Allocation: next fit
 * --------------------
 * A search for free slots starts at the cursor, goes up to the last slot,
 * wraps to slot 1 and stops when it is back at the cursor; the cursor then
 * moves to the slot after the last one handed out. So successive swap-outs
 * get adjacent slots, which the swap path can write in one disk request and
 * read back together, and a search does not crawl every time over the slots
 * at the start of the area that have been in use for long. Linux has long
 * kept the same kind of cursor per swap area (cluster_next), on top of
 * clusters of 256 slots handed to each CPU; one cursor is that idea without
 * the clusters.
 *
 * swap_map_alloc_run() looks for `want` adjacent free slots. A run of free
 * slots ends at a slot that is in use or bad, at the last slot (a run does
 * not wrap: slot 1 does not follow the last slot on the disk) and where the
 * search ends. The first run of `want` slots the search meets is taken, its
 * first `want` slots; when no run is that long, the longest is taken, the
 * first met if there are several. A single slot is a run of one, so
 * swap_map_alloc() is the first free slot at or after the cursor.
 *
 * Cost: a search stops at the first run long enough, so while the area has
 * room it looks at few slots; on a crowded area, or when no run of `want`
 * exists, it reads the whole array once (16 KiB for 64 MiB of swap). A full
 * area is answered from the counters without a search.
 */
#include "mem/swap_map.h"

#include <stddef.h>

_Static_assert(SWAP_MAP_FAILING + SWAP_MAP_MAX_COUNT < SWAP_MAP_BAD,
               "a failing slot's byte must not reach the bad marker");

static bool is_slot(const struct swap_map *map, uint32_t slot)
{
    return slot >= 1 && slot < map->nslots;
}

static bool is_failing(uint8_t entry)
{
    return entry > SWAP_MAP_FAILING && entry != SWAP_MAP_BAD;
}

/* The references an entry records (0 for free or bad). */
static uint32_t references(uint8_t entry)
{
    if (entry == SWAP_MAP_BAD)
        return 0;
    if (is_failing(entry))
        return entry - SWAP_MAP_FAILING;
    return entry;
}

/* True if the byte is one of the values swap_map.h lists: all are but
 * those from SWAP_MAP_MAX_COUNT + 1 to SWAP_MAP_FAILING. */
static bool is_valid_entry(uint8_t entry)
{
    return entry <= SWAP_MAP_MAX_COUNT || entry > SWAP_MAP_FAILING;
}

enum swap_map_reason swap_map_init(struct swap_map *map, uint8_t *counts, uint32_t nslots)
{
    if (counts == NULL || nslots < 2 || nslots > SWAP_MAP_MAX_SLOTS)
        return SWAP_MAP_E_SIZE;
    map->counts = counts;
    map->nslots = nslots;
    map->cursor = 1;
    map->nr_in_use = 0;
    map->nr_bad = 0;
    counts[0] = SWAP_MAP_BAD;
    for (uint32_t slot = 1; slot < nslots; slot++)
        counts[slot] = SWAP_MAP_FREE;
    return SWAP_MAP_OK;
}

enum swap_map_reason swap_map_mark_bad(struct swap_map *map, uint32_t slot)
{
    if (!is_slot(map, slot))
        return SWAP_MAP_E_RANGE;
    uint8_t entry = map->counts[slot];
    if (entry == SWAP_MAP_BAD || is_failing(entry))
        return SWAP_MAP_E_ALREADY_BAD;
    if (entry == SWAP_MAP_FREE) {
        map->counts[slot] = SWAP_MAP_BAD;
        map->nr_bad++;
    } else {
        map->counts[slot] = SWAP_MAP_FAILING + entry;
    }
    return SWAP_MAP_OK;
}

/* The slot after slot in the order of a search. */
static uint32_t next_in_search(const struct swap_map *map, uint32_t slot)
{
    return slot + 1 < map->nslots ? slot + 1 : 1;
}

/* Give slots first..first+len-1 one reference each; the cursor goes past them. */
static void take_run(struct swap_map *map, uint32_t first, uint32_t len)
{
    for (uint32_t slot = first; slot < first + len; slot++)
        map->counts[slot] = 1;
    map->nr_in_use += len;
    map->cursor = next_in_search(map, first + len - 1);
}

uint32_t swap_map_alloc_run(struct swap_map *map, uint32_t want, uint32_t *got)
{
    uint32_t best = SWAP_MAP_NONE, best_len = 0; /* the longest run so far */
    uint32_t run = SWAP_MAP_NONE, run_len = 0;   /* the run the search is in */
    uint32_t slot = map->cursor;

    *got = 0;
    if (want == 0 || swap_map_nr_free(map) == 0)
        return SWAP_MAP_NONE;
    for (uint32_t seen = 0; seen < map->nslots - 1 && best_len < want; seen++) {
        if (slot == 1)
            run_len = 0; /* the search wrapped: no run goes on from the last slot */
        if (map->counts[slot] != SWAP_MAP_FREE) {
            run_len = 0;
        } else {
            if (run_len == 0)
                run = slot;
            run_len++;
            if (run_len > best_len) {
                best = run;
                best_len = run_len;
            }
        }
        slot = next_in_search(map, slot);
    }
    take_run(map, best, best_len);
    *got = best_len;
    return best;
}

uint32_t swap_map_alloc(struct swap_map *map)
{
    uint32_t got;
    return swap_map_alloc_run(map, 1, &got);
}

/* Why slot cannot take a dup or a put, or SWAP_MAP_OK if it can. */
static enum swap_map_reason refuse_reference(const struct swap_map *map, uint32_t slot)
{
    if (!is_slot(map, slot))
        return SWAP_MAP_E_RANGE;
    if (map->counts[slot] == SWAP_MAP_FREE)
        return SWAP_MAP_E_FREE;
    if (map->counts[slot] == SWAP_MAP_BAD)
        return SWAP_MAP_E_BAD;
    return SWAP_MAP_OK;
}

enum swap_map_reason swap_map_dup(struct swap_map *map, uint32_t slot)
{
    enum swap_map_reason why = refuse_reference(map, slot);
    if (why != SWAP_MAP_OK)
        return why;
    if (references(map->counts[slot]) == SWAP_MAP_MAX_COUNT)
        return SWAP_MAP_E_MAX_COUNT;
    map->counts[slot]++; /* one more, failing or not */
    return SWAP_MAP_OK;
}

enum swap_map_reason swap_map_put(struct swap_map *map, uint32_t slot)
{
    enum swap_map_reason why = refuse_reference(map, slot);
    if (why != SWAP_MAP_OK)
        return why;
    uint8_t entry = map->counts[slot];
    if (entry == 1) {
        map->counts[slot] = SWAP_MAP_FREE;
        map->nr_in_use--;
    } else if (entry == SWAP_MAP_FAILING + 1) {
        map->counts[slot] = SWAP_MAP_BAD;
        map->nr_in_use--;
        map->nr_bad++;
    } else {
        map->counts[slot] = entry - 1;
    }
    return SWAP_MAP_OK;
}

uint32_t swap_map_count(const struct swap_map *map, uint32_t slot)
{
    return is_slot(map, slot) ? references(map->counts[slot]) : 0;
}

bool swap_map_is_bad(const struct swap_map *map, uint32_t slot)
{
    if (!is_slot(map, slot))
        return false;
    return map->counts[slot] == SWAP_MAP_BAD || is_failing(map->counts[slot]);
}

/* Report a broken invariant and the value that shows it. */
static enum swap_map_reason broken(enum swap_map_reason why, uint32_t found, uint32_t *value)
{
    if (value != NULL)
        *value = found;
    return why;
}

enum swap_map_reason swap_map_check(const struct swap_map *map, uint32_t *value)
{
    uint32_t in_use = 0, bad = 0;

    if (map->counts == NULL || map->nslots < 2 || map->nslots > SWAP_MAP_MAX_SLOTS)
        return broken(SWAP_MAP_I_SIZE, map->nslots, value);
    if (map->counts[0] != SWAP_MAP_BAD)
        return broken(SWAP_MAP_I_HEADER, map->counts[0], value);
    for (uint32_t slot = 1; slot < map->nslots; slot++) {
        uint8_t entry = map->counts[slot];
        if (!is_valid_entry(entry))
            return broken(SWAP_MAP_I_ENTRY, slot, value);
        if (entry == SWAP_MAP_BAD)
            bad++;
        else if (entry != SWAP_MAP_FREE)
            in_use++;
    }
    if (map->nr_in_use != in_use)
        return broken(SWAP_MAP_I_IN_USE, map->nr_in_use, value);
    if (map->nr_bad != bad)
        return broken(SWAP_MAP_I_BAD, map->nr_bad, value);
    if (!is_slot(map, map->cursor))
        return broken(SWAP_MAP_I_CURSOR, map->cursor, value);
    return SWAP_MAP_OK;
}

const char *swap_map_reason_name(enum swap_map_reason reason)
{
    switch (reason) {
    case SWAP_MAP_OK:
        return "ok";
    case SWAP_MAP_E_SIZE:
        return "slot count out of range";
    case SWAP_MAP_E_RANGE:
        return "no such slot";
    case SWAP_MAP_E_FREE:
        return "slot is free (double put?)";
    case SWAP_MAP_E_BAD:
        return "slot is bad";
    case SWAP_MAP_E_MAX_COUNT:
        return "slot has the most references a count holds";
    case SWAP_MAP_E_ALREADY_BAD:
        return "slot is already marked bad";
    case SWAP_MAP_I_SIZE:
        return "map has no array or a bad slot count";
    case SWAP_MAP_I_HEADER:
        return "slot 0 is not marked as the header";
    case SWAP_MAP_I_ENTRY:
        return "slot holds a meaningless value";
    case SWAP_MAP_I_IN_USE:
        return "in-use count disagrees with the slots";
    case SWAP_MAP_I_BAD:
        return "bad count disagrees with the slots";
    case SWAP_MAP_I_CURSOR:
        return "cursor is not a slot";
    case SWAP_MAP_NR_REASONS:
        break;
    }
    return "unknown reason";
}
