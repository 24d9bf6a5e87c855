/* Swapping private user pages to the swap partition (docs/12-swapping.md).
 *
 * The glue between four pieces: the LRU lists (src/mem/lru.c) say which
 * user frame to give up, the slot map (src/mem/swap_map.c) says where on
 * the disk it goes, the page tables of every process that maps it (found
 * through mm_rmap_walk) get a swap entry instead (pte.h), and the ATA
 * driver moves the page.
 *
 * What can be swapped: the frames of private pages (zero-filled, copied
 * from the program file, copy-on-write copies), the pages that only
 * processes, not the kernel, hold. Never a page table, a kernel page, a
 * shared-memory segment's frame or a program file's frame.
 *
 * The swap cache: a frame read back from a slot stays associated with that
 * slot (and the slot keeps a reference for it) for as long as the frame
 * is clean. It is mapped read-only, with PTE_COW, so the first write
 * faults; that fault ends the association (the disk copy is then stale).
 * So a clean frame is evicted again without a write, and a page that two
 * processes share after fork is read once and mapped by both. */
#ifndef MEM_SWAP_H
#define MEM_SWAP_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/pte.h"

/* Sets up the slot map over the swap area disk_init() chose, the LRU
 * lists with the evict= policy, and the userpages= budget. */
void swap_init(void);
/* A frame for a private user page that will be mapped at va (its
 * contents are the caller's to fill), on the LRU lists. Evicts other
 * pages first when the userpages= budget is reached or memory is out.
 * 0 if nothing could be freed. */
uint32_t swap_alloc_user_frame(uint32_t va);
/* A frame is never evicted while the kernel holds a reference on it
 * besides its mappings (pmm_page_get): that is how a caller pins one. */
/* The page table entry e, a swap entry, is going away (munmap, exit). */
void swap_entry_drop(pte_t e);
/* Entry e is being copied into a child (fork). */
void swap_entry_dup(pte_t e);
/* The contents of the page in swap entry e, for the page at va: a frame
 * with one reference for the caller's mapping, from the swap cache or
 * read from the disk. 0 with *err -ENOMEM or -EIO. It may sleep while the
 * disk works, so the caller checks afterwards that its entry still holds
 * e; once the entry is replaced, the caller drops e (swap_entry_drop). */
uint32_t swap_in(pte_t e, uint32_t va, int *err);
/* Called once a page back from swap is mapped and its entry dropped. If
 * swap is more than half full and no entry names the slot any more, the
 * frame lets go of it (Linux's vm_swap_full rule): keeping the copy would
 * save a write later, but the slot is worth more to a page still out. */
void swap_cache_trim(uint32_t pa);
/* The frame at pa is about to be written through a mapping: its disk copy
 * goes stale, so it leaves the swap cache. */
void swap_page_dirtied(uint32_t pa);
/* The last reference on frame pfn is gone (called by pmm_page_put before
 * the frame is freed): it leaves the lists and the swap cache. */
void swap_frame_freed(uint32_t pfn);
/* Counters since boot, named after Linux's /proc/vmstat. */
struct swap_stats {
    uint32_t pswpin, pswpout;           /* pages read from and written to the disk */
    uint32_t pgmajfault;                /* faults that had to read the disk */
    uint32_t swapcache_hit, swapcache_add;
    uint32_t swapin_waits;              /* faults that waited for another's read */
    uint32_t swapcache_trim;            /* slots let go at swap-in, swap being over half full */
    uint32_t swapcache_drop;            /* clean frames evicted without a write */
    uint32_t allocstall;                /* allocations that had to evict first */
    uint32_t pgsteal_direct;            /* pages evicted by allocations themselves */
    uint32_t pgsteal_kswapd;            /* pages evicted by kswapd */
    uint32_t pageoutrun;                /* times kswapd was woken to reclaim */
    uint32_t evicted;                   /* pages evicted (written, or dropped clean) */
    uint32_t write_errors, read_errors;
    uint32_t swapcheck_errors;          /* swapcheck=on: pages that came back changed */
    uint32_t swpout_requests;           /* disk requests that wrote pages (pswpout of them) */
    uint32_t swpin_requests;            /* disk requests that read pages (pswpin of them) */
    uint32_t swap_ra;                   /* pages read ahead (in pswpin) */
    uint32_t swap_ra_hit;               /* of those, asked for by a fault */
    uint32_t swap_ra_miss;              /* of those, let go unused */
};
const struct swap_stats *swap_stats(void);
/* Prints the counters (the shell's vmstat) and the lists' counters. */
void swap_print_stats(void);
/* The shell's free: memory and swap in KiB, with the user pages on the
 * LRU lists, those in the swap cache, and what processes may still take. */
void swap_print_free(void);
/* Slots in use, and slots in the map (0 with swap off). */
uint32_t swap_slots_in_use(void);
uint32_t swap_nr_slots(void);
/* memcheck's part: the LRU lists are well formed; every frame on them is
 * mapped (frame_uses[pfn], the page table entries the caller counted for
 * each of the first `frames` frames) and the reverse map finds exactly
 * those entries; the slot map agrees with itself, and every slot's count
 * equals the swap entries naming it (uses[], counted by the caller) plus
 * one if a frame caches it. Each problem goes to problem(). */
void swap_check(const uint16_t *uses, const uint16_t *frame_uses, uint32_t frames,
                void (*problem)(const char *fmt, uint32_t a, uint32_t b, uint32_t c));
/* Sets the userpages= budget (0: none) and returns the old one; for the
 * in-kernel tests, which need an exact number of frames. */
uint32_t swap_set_budget(uint32_t pages);
/* swapoff: reads every page in swap back (refused, with a message, when
 * memory cannot hold them) and stops using the area: 0 or -errno. */
int swap_off(void);
/* swapon: uses the area again after swap_off(): 0 or -EINVAL. */
int swap_on_again(void);
/* True while pages may go to swap. */
bool swap_is_on(void);
/* Slots marked bad since boot, after a write or read error. */
uint32_t swap_nr_bad_since_boot(void);
/* Frames on the LRU lists (user pages that could be swapped). */
uint32_t swap_nr_lru(void);

#endif
