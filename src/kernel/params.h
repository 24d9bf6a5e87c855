/* The kernel's command-line options (docs/01-boot.md lists them):
 *   test=NAME       run in-kernel test scenario NAME, then power off
 *   break=P1,P2     stop in Bochs's debugger (magic breakpoint) at these points
 *                   (gdt, pmm, paging; see docs/)
 *   kheap=debug|fast kernel heap red zones and poisoning (default debug)
 *   swap=off|hdX,N  which swap partition to use (default: the first valid one)
 *   cow=on|off      fork shares pages copy-on-write, or copies them at once
 *   lazy=on|off     pages are given on first touch, or at exec/sbrk time
 *   stack=SIZE      the user stack's limit, e.g. 8M (default) or 256K
 *   evict=lru|clock|fifo  which user page swap takes first (default lru)
 *   userpages=N     at most N user pages in memory at once (default: no limit)
 *   watermarks=MIN,LOW,HIGH  free pages at which reclaim starts and stops
 *   swapcheck=on|off  checksum each page written to swap, check it when read back
 *   hot=on|off      the hot-frame cache in front of the buddy lists (default on)
 */
#ifndef KERNEL_PARAMS_H
#define KERNEL_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/lru.h"

/* Parses the Multiboot command line and prints every error in it; returns
 * the number of errors. */
int params_init(const char *cmdline, bool starts_with_path);
/* The value of test=, or NULL. */
const char *params_test(void);
/* If break= names point, says so and executes the Bochs magic breakpoint. */
void debug_break(const char *point);
/* The value of swap=, or "". */
const char *params_swap(void);
/* False only with kheap=fast. */
bool params_kheap_debug(void);
/* False only with cow=off. */
bool params_cow(void);
/* False only with lazy=off. */
bool params_lazy(void);
/* The user stack's limit in bytes (stack=, default 8 MiB). */
uint32_t params_stack_limit(void);
/* False only with hot=off. */
bool params_hot(void);
/* False only with fastpage=off: whole pages are then zeroed and copied by
 * the byte loops of memset and memcpy (src/mem/page_ops.c). */
bool params_fastpage(void);
/* False only with ata=single: the disk driver then moves one sector per
 * interrupt instead of using READ/WRITE MULTIPLE (src/disk/ata.c). */
bool params_ata_multiple(void);
/* The evict= policy (LRU_TWO_LIST by default). */
enum lru_policy params_evict(void);
/* userpages=: the budget of user pages in memory, 0 for none. At least
 * USERPAGES_MIN: a process needs a few pages at once to run at all (an
 * instruction can touch its code, its stack and two data pages). */
#define USERPAGES_MIN 8
uint32_t params_userpages(void);
/* True only with swapcheck=on. */
bool params_swapcheck(void);
/* watermarks=MIN,LOW,HIGH: true with the three counts if given and well
 * formed (0 < MIN <= LOW <= HIGH); false, saying why if malformed, to keep
 * the defaults. */
bool params_watermarks(uint32_t *min, uint32_t *low, uint32_t *high);
/* True if break= names point. */
bool params_break_at(const char *point);

#endif
