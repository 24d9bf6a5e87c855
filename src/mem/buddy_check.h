/* Looking at a buddy zone from outside: the invariant checker, the names of
 * the errors and the /proc/buddyinfo line. A pure core, like buddy.c; the
 * tests call buddy_check after every step, the kernel at the end of its
 * memory scenarios. */
#ifndef MEM_BUDDY_CHECK_H
#define MEM_BUDDY_CHECK_H

#include <stddef.h>

#include "mem/buddy.h"

/* Check every invariant of the zone: 0, or -EINVAL after recording the
 * broken one in *why (may be NULL). Frames held by a cache (PG_HOT) count
 * as taken from the lists; buddy_hot_check checks the cache itself. */
int buddy_check_report(const struct buddy_zone *z, struct buddy_error *why);
/* buddy_check_report without the report. */
int buddy_check(const struct buddy_zone *z);
/* A short English sentence for an enum buddy_reason. */
const char *buddy_error_name(int reason);
/* Write "Node 0, zone   Normal      1      0 ..." (free blocks per order on
 * the lists, as /proc/buddyinfo) into buf; the length, or -ERANGE if it was
 * truncated. */
int buddy_format_info(const struct buddy_zone *z, const char *zone_name, char *buf, size_t size);

#endif
