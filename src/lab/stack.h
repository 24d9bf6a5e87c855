/* One pass for every memory size (Mattson, Gecsei, Slutz and Traiger, 1970).
 * Host only.
 *
 * LRU and OPT are stack algorithms: at every moment, what f frames hold is
 * part of what f + 1 frames would hold. So one list of pages, the "stack",
 * describes every memory size at once: f frames hold its first f pages. A
 * reference to the page at depth d (1 is the top) hits in every memory of
 * d frames or more and faults in every smaller one; a page not on the stack
 * faults everywhere. Counting depths gives the faults for every f.
 *
 * For LRU the stack is the pages in order of last use, and a page's depth
 * is one more than the number of distinct pages used since its last use.
 * For OPT the order is rebuilt at each reference by next use (stack.c). */
#ifndef LAB_STACK_H
#define LAB_STACK_H

#include <stdint.h>

#include "lab/trace.h"

/* faults[f] for every f from 1 to max_frames (faults[0] is t->n): LRU's
 * faults with f frames. O(n log n). 0, or -ENOMEM, -EINVAL for 0 frames. */
int stack_curve_lru(const struct trace *t, uint32_t max_frames, uint64_t *faults);
/* The same for OPT. O(n * max_frames) at worst: each reference may walk
 * the stack down to its depth. */
int stack_curve_opt(const struct trace *t, uint32_t max_frames, uint64_t *faults);

#endif
