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
 *   fastpage=on|rep|off  zero and copy pages by a word loop (on, default),
 *                   REP STOSD/MOVSD (rep) or the byte loops (off)
 *   ata=dma|pio|single  how the disk moves data (default dma)
 *   cluster=N       pages per swap-out request (default 32)
 *   readahead=N     swap read-ahead window of 2^N pages (default 3)
 */
#ifndef KERNEL_PARAMS_H
#define KERNEL_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/lru.h"
#include "mem/page_ops.h"

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
/* fastpage=: how whole pages are zeroed and copied (src/mem/page_ops.c). */
enum page_method params_fastpage(void);
/* ata=: how the disk driver moves data (src/disk/ata.c). DMA by the PCI
 * controller when there is one (else as PIO); PIO with READ/WRITE MULTIPLE,
 * 8 sectors per interrupt; PIO one sector per interrupt. */
enum ata_mode { ATA_MODE_DMA, ATA_MODE_PIO, ATA_MODE_SINGLE };
enum ata_mode params_ata_mode(void);
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
/* cluster=: the most pages reclaim writes to adjacent slots in one disk
 * request (1 to 32, default 32: Linux's SWAP_CLUSTER_MAX). */
uint32_t params_cluster(void);
/* readahead=N: a swap-in reads the in-use slots around its own within an
 * aligned window of 2^N slots (Linux's page-cluster); 0 for none, up to 5
 * (32 pages, a request's most), default 3. */
uint32_t params_readahead(void);
/* True if break= names point. */
bool params_break_at(const char *point);

#endif
