/* The physical memory manager: glue between the boot memory map and the buddy
 * allocator (src/mem/buddy.c), with a hot-frame cache in front of each zone
 * (src/mem/buddy_hot.c; hot=off on the command line turns them off).
 *
 * At boot, pmm_init() takes the firmware's memory map, keeps only the RAM
 * marked available (src/mem/memmap.c does the untrusted-map arithmetic), and
 * takes out everything that is already in use: the first MiB, the kernel
 * image, the boot information and modules, and the descriptor array itself.
 * What is left is handed to the buddy zones, frame by frame descriptor:
 *
 *   mem_map[pfn]  one struct page (16 bytes) per frame, pfn 0 .. max_pfn-1
 *   zone Normal   frames below DIRECT_MAP_SIZE (the kernel can touch them)
 *   zone HighMem  frames above it, below 4 GiB (for user pages)
 */
#include "mem/pmm.h"

#include <string.h>

#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/multiboot.h"
#include "kernel/panic.h"
#include "kernel/params.h"
#include "mem/buddy_check.h"
#include "mem/buddy_hot.h"
#include "mem/layout.h"
#include "mem/memmap.h"
#include "mem/swap.h"

#define MAX_RANGES 128
#define FOUR_GIB   0x100000000ULL

static struct buddy_zone zones[PMM_NR_ZONES];
static struct buddy_hot caches[PMM_NR_ZONES]; /* one in front of each zone */
static bool zone_present[PMM_NR_ZONES];
static struct page *mem_map;
static uint32_t max_pfn;

static struct mm_range ranges[MAX_RANGES];
static int nranges;

static const char *const zone_names[PMM_NR_ZONES] = {"Normal", "HighMem"};

/* Prints a byte count the way people read it. */
static void print_size(uint64_t bytes)
{
    if (bytes >= (1u << 20))
        kprintf("%llu.%02llu MiB", bytes >> 20, ((bytes & 0xFFFFF) * 100) >> 20);
    else
        kprintf("%llu KiB", (bytes + 1023) >> 10);
}

/* Takes [start, end) out of the usable ranges; returns the RAM that cost
 * (0 when it lay in memory already excluded, like the first MiB). */
static uint64_t take_out(uint64_t start, uint64_t end, const char *what)
{
    if (end <= start)
        return 0;
    uint64_t before = memmap_total(ranges, nranges);
    int n = memmap_subtract(ranges, nranges, MAX_RANGES, start, end);
    if (n < 0)
        panic("pmm: more than %d free ranges while reserving %s", MAX_RANGES, what);
    nranges = n;
    return before - memmap_total(ranges, nranges);
}

/* Takes a range out and says what it cost, if anything. */
static void reserve(uint64_t start, uint64_t end, const char *what)
{
    uint64_t cost = take_out(start, end, what);
    if (!cost)
        return;
    kprintf("pmm: reserved 0x%08llx-0x%08llx %-22s ", start, end - 1, what);
    print_size(cost);
    kprintf(" of RAM\n");
}

/* The boot information: modules add up to one line, the rest as reserve(). */
static uint64_t module_cost;
static uint32_t module_count;

static void reserve_boot_info(uint64_t start, uint64_t end, const char *what)
{
    if (strcmp(what, "module") == 0) {
        module_cost += take_out(start, end, what);
        module_count++;
    } else if (strcmp(what, "module name") == 0) {
        module_cost += take_out(start, end, what);
    } else {
        reserve(start, end, what);
    }
}

static void report_map_problems(const struct memmap_stats *st)
{
    if (st->above_limit) {
        kprintf("pmm: skipping ");
        print_size(st->above_limit);
        kprintf(" of RAM above 4 GiB (32-bit paging without PAE cannot map it)\n");
    }
    if (st->partial_pages)
        kprintf("pmm: %llu bytes lost to available ranges that start or end inside a page\n",
                st->partial_pages);
    if (st->overlap_reserved) {
        kprintf("pmm: ");
        print_size(st->overlap_reserved);
        kprintf(" listed as available is also listed as reserved: treated as reserved\n");
    }
    if (st->duplicate) {
        kprintf("pmm: ");
        print_size(st->duplicate);
        kprintf(" of available RAM is listed more than once: counted once\n");
    }
    if (st->bad_entries)
        kprintf("pmm: %u memory map entries ignored (zero length, or wrapping past 2^64)\n",
                st->bad_entries);
}

static void add_to_zones(uint64_t start, uint64_t end)
{
    uint32_t first = (uint32_t)(start >> PAGE_SHIFT), last = (uint32_t)(end >> PAGE_SHIFT);
    while (first < last) {
        enum pmm_zone_id id = first < DIRECT_MAP_PFNS ? ZONE_NORMAL : ZONE_HIGHMEM;
        uint32_t stop = id == ZONE_NORMAL && last > DIRECT_MAP_PFNS ? DIRECT_MAP_PFNS : last;
        if (buddy_add_range(&zones[id], first, stop - first) < 0)
            panic("pmm: zone %s refused frames %u-%u: %s", zone_names[id], first, stop - 1,
                  buddy_error_name(zones[id].err.reason));
        first = stop;
    }
}

void pmm_init(void)
{
    int nregions;
    const struct mb_region *regions = multiboot_regions(&nregions);
    struct memmap_stats st;
    nranges = memmap_usable(regions, nregions, FOUR_GIB, ranges, MAX_RANGES, &st);
    if (nranges < 0)
        panic("pmm: the memory map has more than %d separate usable ranges", MAX_RANGES);
    report_map_problems(&st);
    if (nranges == 0)
        panic("pmm: the memory map lists no usable RAM");
    max_pfn = (uint32_t)(ranges[nranges - 1].end >> PAGE_SHIFT);

    /* Real-mode IVT, BIOS data, EBDA, VGA memory and ROMs live below 1 MiB;
     * old DMA and firmware habits make it not worth the trouble. */
    reserve(0, 0x100000, "first MiB");
    reserve(VIRT_TO_PHYS(_kernel_start), VIRT_TO_PHYS(_kernel_end), "kernel image");
    multiboot_for_each_used(reserve_boot_info);
    if (module_count) {
        kprintf("pmm: reserved %u boot modules (user programs) %*s", module_count, 3, "");
        print_size(module_cost);
        kprintf(" of RAM\n");
    }

    /* The descriptor array covers every frame up to the highest usable one;
     * it must itself lie in directly mapped RAM. */
    uint64_t map_bytes = (uint64_t)max_pfn * sizeof(struct page);
    uint64_t map_pa = memmap_find(ranges, nranges, map_bytes, PAGE_SIZE, DIRECT_MAP_SIZE);
    if (map_pa == UINT64_MAX)
        panic("pmm: no room for %llu bytes of frame descriptors below %u MiB", map_bytes,
              DIRECT_MAP_SIZE >> 20);
    reserve(map_pa, map_pa + map_bytes, "frame descriptors");
    mem_map = PHYS_TO_VIRT((uint32_t)map_pa);

    uint32_t normal = max_pfn < DIRECT_MAP_PFNS ? max_pfn : DIRECT_MAP_PFNS;
    buddy_init(&zones[ZONE_NORMAL], mem_map, 0, normal);
    zone_present[ZONE_NORMAL] = true;
    if (max_pfn > DIRECT_MAP_PFNS) {
        buddy_init(&zones[ZONE_HIGHMEM], mem_map + DIRECT_MAP_PFNS, DIRECT_MAP_PFNS,
                   max_pfn - DIRECT_MAP_PFNS);
        zone_present[ZONE_HIGHMEM] = true;
    }
    for (int i = 0; i < nranges; i++)
        add_to_zones(ranges[i].start, ranges[i].end);
    for (int id = 0; id < PMM_NR_ZONES; id++)
        buddy_hot_init(&caches[id], &zones[id], params_hot());

    kprintf("pmm: %u frames of 4 KiB usable (",
            buddy_nr_total(&zones[ZONE_NORMAL]) + buddy_nr_total(&zones[ZONE_HIGHMEM]));
    print_size(memmap_total(ranges, nranges));
    kprintf("); descriptors: %u x %u bytes at %p\n", max_pfn, (unsigned)sizeof(struct page),
            (void *)mem_map);
    if (zone_present[ZONE_HIGHMEM]) {
        kprintf("pmm: ");
        print_size((uint64_t)buddy_nr_total(&zones[ZONE_HIGHMEM]) << PAGE_SHIFT);
        kprintf(" above the %u MiB direct map is zone HighMem: for user pages only\n",
                DIRECT_MAP_SIZE >> 20);
    }
    for (int id = 0; id < PMM_NR_ZONES; id++)
        if (zone_present[id])
            kprintf("pmm: zone %-7s at %p: frames %u-%u\n", zone_names[id], (void *)&zones[id],
                    zones[id].base_pfn, zones[id].base_pfn + zones[id].nframes - 1);
    if (!params_hot())
        kprintf("pmm: hot-frame cache off (hot=off): every frame comes from the free lists\n");
    pmm_print_info();
    debug_break("pmm");
}

/* The cache (and behind it the zone) that holds frame pfn, or NULL. */
static struct buddy_hot *cache_of(uint32_t pfn)
{
    enum pmm_zone_id id = pfn < DIRECT_MAP_PFNS ? ZONE_NORMAL : ZONE_HIGHMEM;
    return zone_present[id] && pfn < max_pfn ? &caches[id] : NULL;
}

uint32_t pmm_nr_total(void)
{
    uint32_t n = 0;
    for (int id = 0; id < PMM_NR_ZONES; id++)
        if (zone_present[id])
            n += buddy_nr_total(&zones[id]);
    return n;
}

uint32_t pmm_nr_free(void)
{
    uint32_t n = 0;
    for (int id = 0; id < PMM_NR_ZONES; id++)
        if (zone_present[id])
            n += buddy_hot_nr_free(&caches[id]);
    return n;
}

uint32_t pmm_nr_shared(void)
{
    uint32_t n = 0;
    for (uint32_t pfn = 0; pfn < max_pfn; pfn++)
        n += (mem_map[pfn].flags & PG_HEAD) && mem_map[pfn].refcount > 1;
    return n;
}

uint32_t pmm_alloc(unsigned order, unsigned where)
{
    if ((where & PMM_HIGHMEM) && zone_present[ZONE_HIGHMEM]) {
        uint32_t pfn = buddy_hot_alloc(&caches[ZONE_HIGHMEM], order);
        if (pfn != BUDDY_NO_PFN)
            return pfn << PAGE_SHIFT;
    }
    /* Allocations for a process leave the last PMM_NORMAL_RESERVE frames of
     * Normal to the kernel: a process that eats all memory must not leave
     * the kernel without kernel stacks, directories or heap to go on with. */
    if ((where & PMM_USER) &&
        buddy_hot_nr_free(&caches[ZONE_NORMAL]) < PMM_NORMAL_RESERVE + (1u << order))
        return 0;
    uint32_t pfn = buddy_hot_alloc(&caches[ZONE_NORMAL], order);
    return pfn == BUDDY_NO_PFN ? 0 : pfn << PAGE_SHIFT;
}

int pmm_try_free(uint32_t phys, unsigned order)
{
    struct buddy_hot *h = cache_of(phys >> PAGE_SHIFT);
    if (!h)
        return -EINVAL;
    return buddy_hot_free(h, phys >> PAGE_SHIFT, order);
}

const struct buddy_error *pmm_last_error(uint32_t phys)
{
    struct buddy_hot *h = cache_of(phys >> PAGE_SHIFT);
    return h ? buddy_last_error(h->zone) : NULL;
}

void pmm_free(uint32_t phys, unsigned order)
{
    if (pmm_try_free(phys, order) == 0)
        return;
    const struct buddy_error *e = pmm_last_error(phys);
    if (!e)
        panic("pmm: free of frame 0x%08x (pfn %u), which no zone holds", phys, phys >> PAGE_SHIFT);
    panic("pmm: bad free of frame 0x%08x (pfn %u) order %u: %s", phys, phys >> PAGE_SHIFT, order,
          buddy_error_name(e->reason));
}

uint32_t pmm_max_pfn(void)
{
    return max_pfn;
}

void pmm_page_get(uint32_t phys)
{
    struct page *p = pmm_page(phys >> PAGE_SHIFT);
    if (!p || !(p->flags & PG_HEAD) || p->refcount == 0)
        panic("pmm: reference taken on frame 0x%08x, which is not allocated", phys);
    p->refcount++;
}

void pmm_page_put(uint32_t phys)
{
    struct page *p = pmm_page(phys >> PAGE_SHIFT);
    if (!p || !(p->flags & PG_HEAD) || p->refcount == 0)
        panic("pmm: reference dropped on frame 0x%08x, which is not allocated", phys);
    if (--p->refcount == 0) {
        swap_frame_freed(phys >> PAGE_SHIFT); /* off the LRU lists and the swap cache */
        /* buddy_free wants the count it set at allocation. */
        p->refcount = 1;
        pmm_free(phys & ~(PAGE_SIZE - 1), p->order);
    }
}

uint32_t pmm_page_refs(uint32_t phys)
{
    struct page *p = pmm_page(phys >> PAGE_SHIFT);
    return p && (p->flags & PG_HEAD) ? p->refcount : 0;
}

struct page *pmm_page(uint32_t pfn)
{
    return pfn < max_pfn ? &mem_map[pfn] : NULL;
}

struct buddy_zone *pmm_zone(enum pmm_zone_id id)
{
    return id < PMM_NR_ZONES && zone_present[id] ? &zones[id] : NULL;
}

struct buddy_hot *pmm_cache(enum pmm_zone_id id)
{
    return id < PMM_NR_ZONES && zone_present[id] ? &caches[id] : NULL;
}

const char *pmm_zone_name(enum pmm_zone_id id)
{
    return id < PMM_NR_ZONES ? zone_names[id] : "?";
}

void pmm_drain(void)
{
    for (int id = 0; id < PMM_NR_ZONES; id++)
        if (zone_present[id])
            buddy_hot_drain(&caches[id]);
}

void pmm_print_info(void)
{
    char line[160];
    kprintf("buddyinfo:  free blocks of order  0      1      2      3      4      5      6"
            "      7      8      9     10\n");
    uint32_t total = 0, free = 0, hot = 0;
    for (int id = 0; id < PMM_NR_ZONES; id++) {
        if (!zone_present[id])
            continue;
        buddy_format_info(&zones[id], zone_names[id], line, sizeof line);
        kprintf("%s\n", line);
        total += buddy_nr_total(&zones[id]);
        free += buddy_hot_nr_free(&caches[id]);
        hot += caches[id].count;
    }
    kprintf("pages: %u total, %u free (%u in the hot-frame cache), %u used\n", total, free, hot,
            total - free);
}
