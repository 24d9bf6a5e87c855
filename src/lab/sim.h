/* Replacement policies run over a trace (docs/11-page-replacement.md).
 * Host only.
 *
 * Every simulation starts with all frames empty; every first touch of a
 * page is a fault, and while a frame is empty a fault fills the next one
 * (frame 0, 1, ...). Only when all are full does the policy choose a victim:
 *
 *   opt     Belady's MIN: the page used again farthest in the future, a page
 *           never used again before any other;
 *   lru     exact LRU: the page unused for longest;
 *   fifo    the page loaded longest ago;
 *   clock   a reference bit per frame, set when a page is loaded and on
 *           every hit. The hand starts at frame 0 and moves only to find a
 *           victim: it clears set bits as it passes, takes the first frame
 *           whose bit is clear and stops one past it;
 *   kernel  the kernel's own two-list policy, src/mem/lru.c, over one
 *           struct page per frame. Each reference sets the frame's accessed
 *           bit, and lru.c reads and clears it through its callback, only
 *           when it scans for a victim.
 *
 * The one-pass curves of the stack algorithms are in stack.h. */
#ifndef LAB_SIM_H
#define LAB_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lab/trace.h"
#include "mem/lru.h"

enum sim_policy { SIM_OPT, SIM_LRU, SIM_FIFO, SIM_CLOCK, SIM_KERNEL, SIM_NR_POLICIES };

/* The policy called name ("opt", "lru", "fifo", "clock", "kernel"): 0, or
 * -EINVAL for any other name. */
int sim_policy_parse(const char *name, enum sim_policy *policy);
/* A policy's name, or "?". */
const char *sim_policy_name(enum sim_policy policy);

/* The faults of `policy` on trace t with `frames` frames (at least 1) in
 * *faults: 0, or -EINVAL for 0 frames or an unknown policy, -ENOMEM. */
int sim_run(enum sim_policy policy, const struct trace *t, uint32_t frames, uint64_t *faults);

/* An array of n elements of `size` bytes, every byte 0, or 0xFF with ones
 * (a uint32_t is then UINT32_MAX, "none"); NULL only when out of memory,
 * even for n = 0. free() it. */
void *sim_array(size_t n, size_t size, bool ones);
/* next[i]: the time of the next reference to the page of reference i, or
 * UINT32_MAX if there is none; a malloc'ed array of t->n, NULL if out of
 * memory. OPT's knowledge of the future. */
uint32_t *sim_next_uses(const struct trace *t);

/* The same for the policies of src/mem/lru.c, any of them (LRU_TWO_LIST is
 * sim_run's "kernel"). With counters non-NULL, the list's counters at the
 * end (pgscan, pgsteal, ...) are copied into it; its map is NULL. */
int sim_run_lru_core(enum lru_policy policy, const struct trace *t, uint32_t frames,
                     uint64_t *faults, struct lru *counters);

#endif
