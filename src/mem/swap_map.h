/* The swap-slot map: a pure core (no hardware, no kernel globals).
 *
 * The swap area is cut into page-sized slots numbered like its pages: slot s
 * is page s of the partition. Slot 0 is the mkswap header and never holds
 * data, so SWAP_MAP_NONE (0) can mean "no slot"; slots past the header's
 * last_page do not exist. The map keeps one byte per slot: how many
 * references the slot has (swap PTEs and the swap cache), or that it is bad.
 *
 * The caller owns the byte array. The swap glue sets the map up from the
 * parsed header (src/disk/swap_header.h), bad-page list included:
 *
 *     swap_map_init(&map, counts, hdr->last_page + 1);
 *     for (uint32_t i = 0; i < hdr->nr_badpages; i++)
 *         swap_map_mark_bad(&map, hdr->badpages[i]);
 *
 * Memory: one byte per slot. A 64 MiB partition has 16384 pages, so its map
 * takes 16 KiB; the largest map, SWAP_MAP_MAX_SLOTS slots (4 GiB of swap),
 * takes 1 MiB. See swap_map.c for how slots are handed out, and
 * docs/09-disks.md. */
#ifndef MEM_SWAP_MAP_H
#define MEM_SWAP_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/pte.h"

/* "No slot": what an allocation returns when no slot is free. */
#define SWAP_MAP_NONE      0u
/* A swap PTE holds a 20-bit slot number (mem/pte.h), so slots 0..2^20 - 1
 * are all that can exist; a larger partition is only partly usable. */
#define SWAP_MAP_MAX_SLOTS (PTE_SWAP_SLOT_MAX + 1)

/* What the byte of a slot holds:
 *   SWAP_MAP_FREE                   free
 *   1 .. SWAP_MAP_MAX_COUNT         in use, with that many references
 *   SWAP_MAP_FAILING + n            in use with n references, but marked bad:
 *                                   it becomes SWAP_MAP_BAD when n drops to 0
 *   SWAP_MAP_BAD                    bad, never handed out; slot 0 too
 * Why a byte: a slot is named by the swap cache and by the PTEs of the
 * processes that share its page since a fork, one each, and there are at
 * most 96 processes (NPROC). 126 references leave room for that. A dup
 * beyond it is refused (SWAP_MAP_E_MAX_COUNT) rather than let the count run
 * into the values of failing and bad slots (a plain counter would wrap to 0
 * and free a slot that is still in use). */
#define SWAP_MAP_FREE      0u
#define SWAP_MAP_MAX_COUNT 126u
#define SWAP_MAP_FAILING   128u
#define SWAP_MAP_BAD       255u

/* Why an operation was refused, or which invariant swap_map_check found
 * broken. A refused operation changes nothing. */
enum swap_map_reason {
    SWAP_MAP_OK = 0,
    SWAP_MAP_E_SIZE,        /* init: fewer than 2 or more than SWAP_MAP_MAX_SLOTS slots */
    SWAP_MAP_E_RANGE,       /* slot 0 (the header) or past the last slot */
    SWAP_MAP_E_FREE,        /* dup or put of a free slot: a double free, or a stale reference */
    SWAP_MAP_E_BAD,         /* dup or put of a bad slot */
    SWAP_MAP_E_MAX_COUNT,   /* dup of a slot that has SWAP_MAP_MAX_COUNT references */
    SWAP_MAP_E_ALREADY_BAD, /* mark_bad of a slot marked bad before */
    SWAP_MAP_I_SIZE,        /* no array, or a slot count out of range */
    SWAP_MAP_I_HEADER,      /* slot 0 does not hold SWAP_MAP_BAD */
    SWAP_MAP_I_ENTRY,       /* a slot holds a value that means nothing */
    SWAP_MAP_I_IN_USE,      /* nr_in_use disagrees with the slots */
    SWAP_MAP_I_BAD,         /* nr_bad disagrees with the slots */
    SWAP_MAP_I_CURSOR,      /* the cursor is not a slot 1..nslots-1 */
    SWAP_MAP_NR_REASONS
};

struct swap_map {
    uint8_t *counts;    /* counts[slot] for slots 0..nslots-1, owned by the caller */
    uint32_t nslots;    /* the header's last_page + 1 */
    uint32_t cursor;    /* where the next allocation starts looking: 1..nslots-1 */
    uint32_t nr_in_use; /* slots with references, failing ones included */
    uint32_t nr_bad;    /* slots holding SWAP_MAP_BAD, slot 0 not counted */
};

/* Set the map up over counts[0..nslots): every slot free but slot 0.
 * SWAP_MAP_E_SIZE if nslots is below 2 or above SWAP_MAP_MAX_SLOTS (or
 * counts is NULL). */
enum swap_map_reason swap_map_init(struct swap_map *map, uint8_t *counts, uint32_t nslots);
/* Mark a slot bad: a free one at once; one in use when its last reference
 * is put (until then dup and put work as before). SWAP_MAP_E_RANGE or
 * SWAP_MAP_E_ALREADY_BAD otherwise. */
enum swap_map_reason swap_map_mark_bad(struct swap_map *map, uint32_t slot);
/* A free slot, now with one reference; SWAP_MAP_NONE if none is free. */
uint32_t swap_map_alloc(struct swap_map *map);
/* The first of *got adjacent free slots, now with one reference each:
 * want of them if there is such a run, else the longest run there is
 * (swap_map.c says which run is chosen). SWAP_MAP_NONE and *got = 0 if no
 * slot is free or want is 0. */
uint32_t swap_map_alloc_run(struct swap_map *map, uint32_t want, uint32_t *got);
/* One more reference to a slot in use (fork copied a swap PTE). */
enum swap_map_reason swap_map_dup(struct swap_map *map, uint32_t slot);
/* One reference less; the slot is free (or bad, if marked so) at zero. */
enum swap_map_reason swap_map_put(struct swap_map *map, uint32_t slot);
/* The references a slot has: 0 for a free, bad or nonexistent slot. */
uint32_t swap_map_count(const struct swap_map *map, uint32_t slot);
/* True if slot 1..nslots-1 is marked bad, even while still in use. */
bool swap_map_is_bad(const struct swap_map *map, uint32_t slot);
/* Check the map's own invariants: SWAP_MAP_OK, or the broken one with
 * *value (may be NULL) set to the slot for SWAP_MAP_I_ENTRY and to the
 * wrong number (nslots, slot 0's byte, the counter, the cursor) for the
 * others. */
enum swap_map_reason swap_map_check(const struct swap_map *map, uint32_t *value);
/* A few words for a reason, e.g. "slot is free (double put?)". */
const char *swap_map_reason_name(enum swap_map_reason reason);

/* Slots that can hold data: all but slot 0 and the bad ones. */
static inline uint32_t swap_map_nr_usable(const struct swap_map *map)
{
    return map->nslots - 1 - map->nr_bad;
}
static inline uint32_t swap_map_nr_in_use(const struct swap_map *map)
{
    return map->nr_in_use;
}
static inline uint32_t swap_map_nr_bad(const struct swap_map *map)
{
    return map->nr_bad;
}
static inline uint32_t swap_map_nr_free(const struct swap_map *map)
{
    return swap_map_nr_usable(map) - map->nr_in_use;
}

#endif
