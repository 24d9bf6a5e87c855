/* Reading the firmware's memory map and turning it into clean usable page
 * ranges: a pure core (no hardware, no kernel globals, no dynamic memory, no
 * scratch).
 *
 * memmap_read walks the raw bytes the boot loader left (Multiboot spec
 * 0.6.96, section 3.3, "mmap_addr") into struct mb_region entries;
 * memmap_usable then makes page ranges of them.
 *
 * The map is untrusted. Entries may come in any order, overlap, repeat,
 * start or end off a page boundary, have zero length, wrap past 2^64, lie
 * above the limit or straddle it, and carry types we do not know. Only type
 * MB_MEM_AVAILABLE (1) is RAM we may use; every other type is reserved, and
 * a reserved byte stays reserved whatever else claims it.
 *
 * Every byte of available RAM (covered by at least one valid type-1 entry)
 * lands in exactly one of: a usable page, above_limit, overlap_reserved,
 * partial_pages, checked in that order. duplicate is counted on the side. */
#ifndef MEM_MEMMAP_H
#define MEM_MEMMAP_H

#include <stdint.h>

#include "kernel/multiboot.h"

#define MEMMAP_MAX_ENTRIES 128 /* memmap_usable refuses longer maps (-EINVAL) */
#define MEMMAP_RAW_ENTRY   24  /* bytes of one raw entry: size, base, len, type */
#define MEMMAP_RAW_MIN     20  /* the least `size` an entry may have: base, len, type */

/* Why memmap_read stopped; the kernel prints a message for each. */
enum memmap_read_reason {
    MEMMAP_READ_OK = 0,
    MEMMAP_READ_CUT_OFF, /* fewer than 24 bytes left for the entry at offset */
    MEMMAP_READ_SHORT,   /* the entry at offset has size value, less than 20 */
    MEMMAP_READ_TOO_MANY /* more entries than out has room for (value: that room) */
};

struct memmap_read_error {
    enum memmap_read_reason reason;
    uint32_t offset; /* of the entry concerned, from the start of the buffer */
    uint32_t value;  /* see enum memmap_read_reason */
};

struct mm_range {
    uint64_t start, end; /* physical bytes [start, end), page aligned */
};

struct memmap_stats {
    uint64_t above_limit;      /* bytes of available RAM at or above `limit`, skipped */
    uint64_t partial_pages;    /* bytes lost rounding available ranges inward to pages */
    uint64_t overlap_reserved; /* bytes below `limit` of available RAM also claimed by a
                                  non-available entry (dropped: reserved wins) */
    uint64_t duplicate;        /* bytes covered by two or more available entries, each such
                                  byte counted once, at any address */
    uint32_t bad_entries;      /* entries of zero length, or whose base+len is past 2^64 */
};

/* Walks the raw memory map the boot loader left in buf[0..len) (any alignment) into out[]. An
 * entry is a 32-bit `size`, then base and len (64-bit) and type (32-bit), all little-endian; size
 * counts the bytes after itself, so the next entry starts size + 4 bytes further on. Returns the
 * number of entries, or -EINVAL with err saying why (out then holds the entries before it). */
int memmap_read(const uint8_t *buf, uint32_t len, struct mb_region *out, int max_out,
                struct memmap_read_error *err);
/* Usable RAM from the map: type-1 entries minus every non-type-1 entry, clipped below limit,
 * rounded inward to 4 KiB pages, sorted, merged, non-overlapping and non-adjacent. Returns the
 * number of ranges, or -ENOSPC if more than max_out are needed (out then holds the first max_out
 * and the stats are complete), or -EINVAL if n is outside 0..MEMMAP_MAX_ENTRIES or a needed
 * pointer is NULL. stats may be NULL. */
int memmap_usable(const struct mb_region *map, int n, uint64_t limit, struct mm_range *out,
                  int max_out, struct memmap_stats *stats);
/* Removes [start, end) rounded OUTWARD to pages from the sorted ranges r[0..n), splitting a
 * range if needed. Returns the new count, or -ENOSPC (r unchanged) if a split needs more than
 * max slots, or -EINVAL if n is outside 0..max. An empty [start, end) removes nothing. */
int memmap_subtract(struct mm_range *r, int n, int max, uint64_t start, uint64_t end);
/* Total bytes in the ranges. */
uint64_t memmap_total(const struct mm_range *r, int n);
/* Lowest (first in r) address aligned to `align` (a power of two >= 4096) where `size` bytes,
 * rounded up to pages, fit inside one range and below `below`; UINT64_MAX if none fits or the
 * arguments are bad (size 0, align not a power of two >= 4096). */
uint64_t memmap_find(const struct mm_range *r, int n, uint64_t size, uint64_t align,
                     uint64_t below);

#endif
