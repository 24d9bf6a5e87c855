/* Physical memory: the buddy zones built from the Multiboot memory map. */
#ifndef MEM_PMM_H
#define MEM_PMM_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/buddy.h"
#include "mem/buddy_hot.h"

/* Zones, as in Linux: Normal is RAM the kernel maps permanently (below
 * DIRECT_MAP_SIZE); HighMem is the RAM above it, below 4 GiB. */
enum pmm_zone_id { ZONE_NORMAL, ZONE_HIGHMEM, PMM_NR_ZONES };

/* Where pmm_alloc may take frames from, and for whom. */
#define PMM_NORMAL         0x1u /* frames with a kernel mapping */
#define PMM_HIGHMEM        0x2u /* frames without one, tried first */
/* For a process: never the last PMM_NORMAL_RESERVE frames of Normal, which are
 * the kernel's to clean up with whatever programs do. */
#define PMM_USER           0x4u
#define PMM_NORMAL_RESERVE 256 /* frames (1 MiB) */
/* User pages: HighMem first, then Normal, but never the kernel's reserve. */
#define PMM_ANY            (PMM_NORMAL | PMM_HIGHMEM | PMM_USER)
/* The page tables of user mappings: the kernel reads them through the
 * direct map, so Normal only; they stay out of the kernel's reserve (but
 * do not count against userpages=, which counts swappable pages). */
#define PMM_USER_TABLE     (PMM_NORMAL | PMM_USER)

/* Builds the zones from the boot memory map, keeping out the first MiB, the
 * kernel, the boot information, the modules and the descriptor array. */
void pmm_init(void);
/* Allocates 2^order contiguous frames: their physical address, or 0 if none. */
uint32_t pmm_alloc(unsigned order, unsigned where);
/* Frees a block from pmm_alloc; any misuse (double free, wrong order...)
 * is a kernel bug and panics with the frame named. */
void pmm_free(uint32_t phys, unsigned order);
/* Frees like pmm_free but returns the buddy allocator's verdict instead of
 * panicking: 0, or -EINVAL with the reason in pmm_last_error(). For tests. */
int pmm_try_free(uint32_t phys, unsigned order);
/* The zone's last refusal, e.g. after pmm_try_free failed. */
const struct buddy_error *pmm_last_error(uint32_t phys);
/* The descriptor of frame pfn, or NULL if no zone holds it. */
struct page *pmm_page(uint32_t pfn);
/* A zone, for counters and tests (NULL if it is empty). */
struct buddy_zone *pmm_zone(enum pmm_zone_id id);
/* The hot-frame cache in front of a zone (NULL if the zone is empty). */
struct buddy_hot *pmm_cache(enum pmm_zone_id id);
/* The zone's name as in /proc/buddyinfo ("Normal", "HighMem"). */
const char *pmm_zone_name(enum pmm_zone_id id);
/* Prints free blocks per order (buddyinfo) and total/free/used pages. */
void pmm_print_info(void);
/* Frames managed, and free now, over every zone. */
uint32_t pmm_nr_total(void);
uint32_t pmm_nr_free(void);
/* Allocated blocks whose head has more than one reference: frames that
 * copy-on-write or a shared segment shares now (a walk over every frame). */
uint32_t pmm_nr_shared(void);
/* One past the highest usable frame number. */
uint32_t pmm_max_pfn(void);
/* Takes one more reference on an allocated order-0 frame (a second mapping). */
void pmm_page_get(uint32_t phys);
/* Drops a reference; the frame is freed when the last one goes. */
void pmm_page_put(uint32_t phys);
/* How many references an allocated frame has (0 if it is not allocated). */
uint32_t pmm_page_refs(uint32_t phys);
/* Gives every hot-cache frame back to the buddy lists of every zone. */
void pmm_drain(void);

#endif
