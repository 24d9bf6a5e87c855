/* Swapping private user pages: see swap.h.
 *
 * Eviction runs with interrupts off and polls the disk, so no other
 * process runs while a page goes out: a page is either mapped, or in swap
 * with its entries pointing at a slot whose contents are written, never
 * in between. Its caller waits its turn for the disk first.
 *
 * A swap-in sleeps while the disk reads, and other processes run. The
 * frame being read is in the swap cache already, locked (PG_LOCKED): a
 * fault on the same slot meanwhile (a page shared after fork) sleeps on
 * that page until the read ends, then maps the same frame.
 *
 * Reclaim has two sides, as in Linux. When an allocation leaves fewer
 * free frames than the low watermark, it wakes kswapd, a kernel thread
 * that evicts until the high watermark is reached. Below the min
 * watermark an allocation evicts on its own first (direct reclaim). */
#include "mem/swap.h"

#include <string.h>

#include "disk/ata.h"
#include "disk/disk.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/io.h"
#include "kernel/panic.h"
#include "kernel/params.h"
#include "kernel/process.h"
#include "mem/highmem.h"
#include "mem/layout.h"
#include "mem/lru.h"
#include "mem/mm.h"
#include "mem/pmm.h"
#include "mem/swap_map.h"
#include "mem/vmm.h"

/* What swap knows of each frame: the address where it is mapped (the same
 * in every process that maps it, since only fork shares a private page),
 * and the slot it caches, if any. 8 bytes a frame. */
struct frame_swap {
    uint32_t va;
    uint32_t slot; /* 0: in no slot */
};

/* The records, in chunks of up to FRAMES_PER_CHUNK (2 MiB) taken whole
 * from the buddy allocator: one array for 4 GiB of RAM would be larger
 * than its largest block. */
#define FRAMES_PER_CHUNK (1u << 18)
#define MAX_CHUNKS       ((1u << 20) / FRAMES_PER_CHUNK)
static struct frame_swap *chunks[MAX_CHUNKS];

/* A frame whose contents are being read from the disk: it may not be
 * mapped or evicted until the read ends. A page flag, in the bits buddy.h
 * leaves to later subsystems (lru.h has 0x0010 and 0x0020). */
#define PG_LOCKED 0x0040u
/* A page read ahead into the swap cache that no fault has asked for yet:
 * mapped nowhere, on the LRU lists, and the cache holds its reference. */
#define PG_READAHEAD 0x0080u

static struct frame_swap *record(uint32_t pfn)
{
    return &chunks[pfn / FRAMES_PER_CHUNK][pfn % FRAMES_PER_CHUNK];
}
/* A slot is named at most once by each process and once by the cache. */
_Static_assert(NPROC + 1 <= SWAP_MAP_MAX_COUNT, "a slot's byte count holds every process");

static struct lru lru;
static uint32_t budget; /* userpages=: most frames on the lists, 0 for no limit */
static bool swap_on;
static struct swap_map map;
static uint8_t *slot_counts; /* the map's array, one byte a slot */
static uint32_t *cached;     /* indexed by slot: the pfn caching it, 0 for none */
static uint32_t nr_cached;   /* slots with a frame in cached[] */
static uint32_t *sums;       /* swapcheck=on: each slot's checksum when written */
static struct swap_stats stats;
/* Free-frame watermarks, in frames processes may still take (the kernel's
 * own reserve, PMM_NORMAL_RESERVE, is not counted). */
static uint32_t wmark_min, wmark_low, wmark_high;
static int kswapd_pid;      /* 0 until it is first needed */
static bool kswapd_wanted; /* set by kswapd_wake(); kswapd sleeps on it */
static uint32_t boot_bad; /* slots the header's bad-page list marked */
static uint32_t cluster;   /* cluster=: the most pages in one swap-out request */
_Static_assert(32 <= ATA_MAX_PAGES, "cluster=32 and readahead=5 fit in one request");
static uint32_t readahead; /* readahead=: swap-ins read windows of 2^readahead slots */

/* A zeroed table of bytes bytes, in whole frames of zone Normal (its
 * address in the kernel's direct map), or NULL. */
static void *table_alloc(uint32_t bytes)
{
    unsigned order = 0;
    while ((PAGE_SIZE << order) < bytes)
        order++;
    uint32_t pa = pmm_alloc(order, PMM_NORMAL);
    if (!pa)
        return NULL;
    memset(PHYS_TO_VIRT(pa), 0, PAGE_SIZE << order);
    return PHYS_TO_VIRT(pa);
}

/* Frames processes may still take from the buddy allocator. */
static uint32_t user_free(void)
{
    uint32_t n = pmm_nr_free();
    return n > PMM_NORMAL_RESERVE ? n - PMM_NORMAL_RESERVE : 0;
}

static uint32_t isqrt(uint32_t n)
{
    uint32_t r = 0;
    while ((r + 1) * (r + 1) <= n)
        r++;
    return r;
}

/* Linux's defaults (mm/page_alloc.c): min_free_kbytes = sqrt(16 x the
 * KiB of memory), at least 128 KiB; low = min + min/4; high = min + min/2.
 * watermarks= sets them instead, if HIGH is at most half of what is free. */
static void watermarks_init(void)
{
    uint32_t frames = user_free();
    wmark_min = isqrt(frames * (PAGE_SIZE / 1024) * 16) / (PAGE_SIZE / 1024);
    if (wmark_min < 32)
        wmark_min = 32;
    wmark_low = wmark_min + wmark_min / 4;
    wmark_high = wmark_min + wmark_min / 2;
    uint32_t min, low, high;
    if (params_watermarks(&min, &low, &high)) {
        if (high <= frames / 2) {
            wmark_min = min;
            wmark_low = low;
            wmark_high = high;
        } else {
            kprintf("watermarks=: HIGH %u is more than half of the %u free pages: the defaults "
                    "stay\n",
                    high, frames);
        }
    }
    kprintf("swap: watermarks min %u, low %u, high %u free pages: kswapd reclaims from low to "
            "high\n",
            wmark_min, wmark_low, wmark_high);
}

void swap_init(void)
{
    uint32_t nframes = pmm_max_pfn();
    for (uint32_t c = 0; c * FRAMES_PER_CHUNK < nframes; c++) {
        uint32_t n = nframes - c * FRAMES_PER_CHUNK;
        if (n > FRAMES_PER_CHUNK)
            n = FRAMES_PER_CHUNK;
        chunks[c] = table_alloc(n * sizeof(struct frame_swap));
        if (!chunks[c])
            panic("swap: no memory for the records of %u frames", nframes);
    }
    lru_init(&lru, pmm_page(0), nframes, params_evict());
    budget = params_userpages();
    cluster = params_cluster();
    readahead = params_readahead();
    kprintf("swap: evict=%s, %s", lru_policy_name(params_evict()),
            budget ? "" : "no user-page budget\n");
    if (budget)
        kprintf("at most %u user pages in memory (userpages=)\n", budget);

    struct swap_area *area = disk_swap();
    if (!area->on)
        return;
    uint32_t nslots = area->hdr.last_page + 1;
    if (nslots > SWAP_MAP_MAX_SLOTS) {
        kprintf("swap: the area has %u pages; a swap entry can name %u: the rest is unused\n",
                nslots, SWAP_MAP_MAX_SLOTS);
        nslots = SWAP_MAP_MAX_SLOTS;
    }
    slot_counts = table_alloc(nslots);
    cached = table_alloc(nslots * sizeof *cached);
    if (!slot_counts || !cached || swap_map_init(&map, slot_counts, nslots) != SWAP_MAP_OK) {
        kprintf("swap: no memory for the map of %u slots: swap is off\n", nslots);
        return;
    }
    if (params_swapcheck()) {
        sums = table_alloc(nslots * sizeof *sums);
        kprintf("swap: swapcheck=on: %s\n", sums ? "each page read back is checked against its "
                                                    "checksum"
                                                  : "no memory for the checksums: not checked");
    }
    for (uint32_t i = 0; i < area->hdr.nr_badpages; i++)
        if (area->hdr.badpages[i] < nslots)
            swap_map_mark_bad(&map, area->hdr.badpages[i]);
    boot_bad = swap_map_nr_bad(&map);
    swap_on = true;
    watermarks_init();
}

/* The swap area's count of slots in use follows the map's. */
static void sync_used(void)
{
    disk_swap()->used = swap_map_nr_in_use(&map);
}

/* ---- reverse mapping: the page table entries of a frame ------------------ */

/* Clears the accessed bit of one mapping, noting that it was set. */
static void clear_accessed(struct mm *mm, pte_t *e, uint32_t va, void *seen)
{
    if (*e & PTE_ACCESSED) {
        *(bool *)seen = true;
        vmm_set(mm->pd, va, *e & ~PTE_ACCESSED); /* and its TLB entry */
    }
}

/* The LRU core's question: was frame pfn used since it last asked? */
static bool referenced(uint32_t pfn, void *ctx)
{
    (void)ctx;
    bool seen = false;
    mm_rmap_walk(pfn << PAGE_SHIFT, record(pfn)->va, clear_accessed, &seen);
    return seen;
}

/* Replaces one mapping of the frame by a swap entry for slot *ctx. With
 * break=swapout, says which entry and what it holds now. */
static void to_swap_entry(struct mm *mm, pte_t *e, uint32_t va, void *slot)
{
    swap_map_dup(&map, *(uint32_t *)slot);
    vmm_set(mm->pd, va, pte_make_swap(*(uint32_t *)slot));
    if (params_break_at("swapout"))
        kprintf("swapout: page 0x%08x of directory 0x%08x: its PTE at phys 0x%08x now holds "
                "0x%08x (slot %u)\n",
                va, vmm_pd_phys(mm->pd), (uint32_t)VIRT_TO_PHYS(e), *e, *(uint32_t *)slot);
}

/* ---- the swap cache: a clean frame and the slot it came from ------------- */

static void cache_add(uint32_t pfn, uint32_t slot)
{
    record(pfn)->slot = slot;
    cached[slot] = pfn;
    nr_cached++;
    stats.swapcache_add++;
}

/* The frame leaves the cache, and the slot loses the cache's reference. */
static void cache_forget(uint32_t pfn)
{
    uint32_t slot = record(pfn)->slot;
    if (!slot)
        return;
    record(pfn)->slot = 0;
    cached[slot] = 0;
    nr_cached--;
    swap_map_put(&map, slot);
    sync_used();
}

/* ---- moving a page ------------------------------------------------------- */

/* FNV-1a over a page: cheap, and any changed byte changes it. */
static uint32_t checksum(const uint8_t *page)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        h = (h ^ page[i]) * 16777619u;
    return h;
}

/* Moves n pages between the frames and the adjacent slots from first, in
 * one disk request: 0, or -EIO (a failed transfer, or with swapcheck=on a
 * page that did not come back as it went). A write polls the disk, so that
 * nothing else runs while pages are leaving; a read sleeps until the disk
 * is done. */
static int slots_io(uint32_t first, const uint32_t *frames, uint32_t n, bool write)
{
    struct ata_drive *drive = disk_swap()->drive;
    uint32_t lba = disk_swap_slot_lba(first);
    int rc;
    if (write) {
        /* The victims are off the lists while they are written: nothing
         * else may run meanwhile, so the polled write must find the channel
         * free (evict()'s callers wait for it first). */
        if (ata_wait_idle(drive))
            panic("swap: the disk was busy when a write of victims began");
        rc = ata_write_frames_polled(drive, lba, frames, n);
        if (rc == 0)
            stats.swpout_requests++;
    } else {
        rc = ata_read_frames(drive, lba, frames, n);
        if (rc == 0)
            stats.swpin_requests++;
    }
    for (uint32_t i = 0; rc == 0 && sums && i < n; i++) {
        uint8_t *buf = kmap(frames[i]);
        uint32_t sum = checksum(buf), slot = first + i;
        kunmap(buf);
        if (write) {
            sums[slot] = sum;
        } else if (sum != sums[slot]) {
            stats.swapcheck_errors++;
            kprintf("swapcheck: slot %u came back with checksum 0x%08x, went out with 0x%08x\n",
                    slot, sum, sums[slot]);
            rc = -EIO;
        }
    }
    return rc;
}

/* A write to slot failed: the page stays in memory, and the slot is marked
 * bad, never to be used again. */
static void write_failed(uint32_t slot)
{
    stats.write_errors++;
    kprintf("swap: writing slot %u failed: it is marked bad\n", slot);
    swap_map_mark_bad(&map, slot);
    swap_map_put(&map, slot);
}

/* Writes the frame's page to a slot of its own and puts it in the swap
 * cache: the slot, or 0 if there is no free slot or the writes failed. A
 * slot whose write fails is marked bad and another is tried, a few times. */
static uint32_t write_one(uint32_t pfn)
{
    uint32_t pa = pfn << PAGE_SHIFT;
    for (int tries = 0; tries < 4; tries++) {
        uint32_t slot = swap_map_alloc(&map);
        if (slot == SWAP_MAP_NONE)
            return 0;
        if (slots_io(slot, &pa, 1, true) == 0) {
            stats.pswpout++;
            cache_add(pfn, slot);
            sync_used();
            return slot;
        }
        write_failed(slot);
    }
    return 0;
}

/* The page of frame pfn is in its slot (the swap cache names it): every
 * entry that mapped it becomes a swap entry, and the frame is freed. */
static void unmap_to_slot(uint32_t pfn)
{
    uint32_t pa = pfn << PAGE_SHIFT, va = record(pfn)->va, slot = record(pfn)->slot;
    uint32_t mappings = mm_rmap_walk(pa, va, to_swap_entry, &slot);
    if (params_break_at("swapout"))
        bochs_magic_break();
    /* The mappings' references go; the last one frees the frame, which
     * leaves the cache then (swap_frame_freed). */
    for (uint32_t i = 0; i < mappings; i++)
        pmm_page_put(pa);
    stats.evicted++;
}

/* A page read ahead that no fault has asked for: the cache holds its only
 * reference, and letting it go frees the frame and the cache's hold on the
 * slot. */
static void drop_readahead(uint32_t pfn)
{
    pmm_page(pfn)->flags &= ~PG_READAHEAD;
    stats.swap_ra_miss++;
    pmm_page_put(pfn << PAGE_SHIFT);
}

/* The page of frame pfn was written to slot: it joins the swap cache, and
 * its entries become swap entries. */
static void written(uint32_t pfn, uint32_t slot)
{
    stats.pswpout++;
    cache_add(pfn, slot);
    unmap_to_slot(pfn);
}

/* A run's write failed, and the disk does not say which of its sectors was
 * bad: the page goes again alone to its own slot of the run. If that fails
 * too, the slot is marked bad and the page tries other slots. True if the
 * page went out. */
static bool rewrite_alone(uint32_t pfn, uint32_t slot)
{
    uint32_t pa = pfn << PAGE_SHIFT;
    if (slots_io(slot, &pa, 1, true) == 0) {
        written(pfn, slot);
        return true;
    }
    write_failed(slot);
    if (!write_one(pfn))
        return false;
    unmap_to_slot(pfn);
    return true;
}

/* Writes the n victims to runs of adjacent free slots, a run per request
 * (the slot map hands out runs: swap_map_alloc_run), and unmaps each page
 * written. A page of a run that failed is written again alone
 * (rewrite_alone). A victim that could not be written goes back on the
 * lists, whole, still mapped. The number evicted. */
static uint32_t write_out(const uint32_t *victims, uint32_t n)
{
    uint32_t done = 0, i = 0;
    while (i < n) {
        uint32_t got;
        uint32_t first = swap_map_alloc_run(&map, n - i, &got);
        if (first == SWAP_MAP_NONE)
            break; /* swap is full */
        uint32_t frames[ATA_MAX_PAGES];
        for (uint32_t k = 0; k < got; k++)
            frames[k] = victims[i + k] << PAGE_SHIFT;
        if (slots_io(first, frames, got, true) == 0) {
            for (uint32_t k = 0; k < got; k++)
                written(victims[i + k], first + k);
            done += got;
        } else if (got == 1) {
            write_failed(first);
            if (write_one(victims[i])) {
                unmap_to_slot(victims[i]);
                done++;
            } else {
                lru_add(&lru, victims[i]);
            }
        } else {
            kprintf("swap: writing slots %u-%u failed: writing them one at a time\n", first,
                    first + got - 1);
            for (uint32_t k = 0; k < got; k++) {
                if (rewrite_alone(victims[i + k], first + k))
                    done++;
                else
                    lru_add(&lru, victims[i + k]);
            }
        }
        sync_used();
        i += got;
    }
    for (; i < n; i++)
        lru_add(&lru, victims[i]);
    return done;
}

/* Evicts up to want pages (at most cluster=, params_cluster()) from the
 * victim end of the LRU lists. A page in the swap cache needs no write: its
 * slot holds it. A page read ahead and never used is simply dropped. The
 * others, the victims, are written together (write_out), as many as there
 * are free slots; once there are that many, only pages that need no slot
 * are still taken. The number that went; 0 if none could (swap is off or
 * full, or nothing on the lists can go). The caller has waited for the
 * disk to be idle (ata_wait_idle): nothing runs until the victims are out. */
static uint32_t evict(uint32_t want)
{
    if (!swap_on)
        return 0;
    if (want > cluster)
        want = cluster;
    uint32_t victims[ATA_MAX_PAGES], n = 0, done = 0, slots = swap_map_nr_free(&map);
    uint32_t total = swap_nr_lru();
    for (uint32_t looked = 0; looked < total && n + done < want; looked++) {
        uint32_t pfn = lru_take_victim(&lru, referenced, NULL);
        if (pfn == LRU_NONE)
            break;
        struct page *page = pmm_page(pfn);
        uint32_t pa = pfn << PAGE_SHIFT;
        if ((page->flags & (PG_READAHEAD | PG_LOCKED)) == PG_READAHEAD) {
            drop_readahead(pfn);
            done++;
            continue;
        }
        /* A frame the kernel holds besides its mappings (a copy-on-write
         * source being copied, a page being read in) stays. */
        uint32_t mappings = mm_rmap_walk(pa, record(pfn)->va, NULL, NULL);
        if (mappings == 0 || mappings != pmm_page_refs(pa) || (page->flags & PG_LOCKED)) {
            lru_add(&lru, pfn);
            continue;
        }
        if (record(pfn)->slot) {
            stats.swapcache_drop++; /* clean: the disk has it already */
            unmap_to_slot(pfn);
            done++;
            continue;
        }
        if (n == slots) {
            lru_add(&lru, pfn); /* no slot for it: look on for pages that need none */
            continue;
        }
        victims[n++] = pfn;
    }
    return done + write_out(victims, n);
}

/* kswapd: sleeps until woken, then evicts until the high watermark is
 * reached or nothing more can go, in clusters of up to cluster= pages a
 * request, letting others run after each KSWAPD_BATCH pages (Linux's
 * SWAP_CLUSTER_MAX). It runs with interrupts
 * off, like all kernel code that is not waiting. */
#define KSWAPD_BATCH 32

/* Whether evicting every page that can go would bring free memory up to
 * wmark. A page in the swap cache can go (its slot holds it); any other
 * page on the LRU lists needs a free slot. When it would not, memory is held by what cannot go (page
 * tables, the kernel's own frames): evicting would only take away the
 * pages the programs are using, they would fault them straight back, and
 * nothing would run (thrashing). Then kswapd stays asleep, an allocation
 * takes frames below the min watermark without evicting, and once none is
 * left the OOM killer acts. Linux asks the same of its reclaimable pages
 * before it retries an allocation (should_reclaim_retry, mm/page_alloc.c). */
static bool reclaim_can_reach(uint32_t wmark)
{
    uint32_t uncached = swap_nr_lru() > nr_cached ? swap_nr_lru() - nr_cached : 0;
    uint32_t slots = swap_map_nr_free(&map);
    return user_free() + nr_cached + (uncached < slots ? uncached : slots) >= wmark;
}

static void kswapd(void)
{
    for (;;) {
        while (!kswapd_wanted)
            process_sleep_on(&kswapd_wanted);
        kswapd_wanted = false;
        stats.pageoutrun++;
        uint32_t done = 0;
        while (swap_on && user_free() < wmark_high && reclaim_can_reach(wmark_high)) {
            if (ata_wait_idle(disk_swap()->drive))
                continue; /* others ran: look at memory again */
            uint32_t got = evict(wmark_high - user_free());
            if (!got)
                break;
            stats.pgsteal_kswapd += got;
            done += got;
            if (done >= KSWAPD_BATCH) {
                done = 0;
                schedule();
            }
        }
    }
}

/* Asks kswapd to reclaim, starting it the first time. The caller gives up
 * the CPU so that kswapd gets its turn soon (the others ready before it
 * run first): on one CPU, a kswapd that ran only at the end of the
 * caller's time slice would come too late, and the caller would fall to
 * the min watermark and reclaim by itself. The caller is halfway through a
 * fault, holding a frame no page table maps yet: process_yield() makes a
 * kill wait until the fault is done. */
static void kswapd_wake(void)
{
    if (!swap_on || !sched_started() || kswapd_wanted || !reclaim_can_reach(wmark_high))
        return;
    if (!kswapd_pid) {
        int pid = process_spawn_kernel("kswapd", kswapd);
        if (pid < 0)
            return; /* no slot or memory now: direct reclaim works; try again next time */
        kswapd_pid = pid;
        kprintf("swap: kswapd started as pid %d\n", pid);
    }
    kswapd_wanted = true;
    process_wake_all(&kswapd_wanted);
    process_yield();
}

uint32_t swap_alloc_user_frame(uint32_t va)
{
    bool stalled = false;
    uint32_t pa = 0;
    for (;;) {
        bool in_budget = !budget || swap_nr_lru() < budget;
        /* Below the min watermark, evict before taking a frame, if
         * evicting can help at all. */
        bool above_min = !swap_on || user_free() > wmark_min || !reclaim_can_reach(wmark_low);
        if (in_budget && above_min)
            pa = pmm_alloc(0, PMM_ANY);
        if (pa)
            break;
        /* Evicting needs the disk. If another process's read has it, wait
         * and look again: memory may have been freed meanwhile. */
        if (swap_on && ata_wait_idle(disk_swap()->drive))
            continue;
        if (!stalled) {
            stats.allocstall++;
            stalled = true;
        }
        /* Only the page it needs: kswapd is the one that writes in
         * clusters. (The userpages= budget and the exact counts of the
         * page-replacement lab rely on one page at a time here.) */
        if (evict(1)) {
            stats.pgsteal_direct++;
            continue;
        }
        /* Nothing could be evicted: a frame below the min watermark is
         * still better than failing. */
        if (!in_budget || !(pa = pmm_alloc(0, PMM_ANY)))
            return 0;
        break;
    }
    /* Woken before the frame joins the lists: kswapd runs now, and the
     * frame, not mapped yet, must not look like a lost page (memcheck). */
    if (user_free() < wmark_low)
        kswapd_wake();
    uint32_t pfn = pa >> PAGE_SHIFT;
    *record(pfn) = (struct frame_swap){va, 0};
    lru_add(&lru, pfn);
    return pa;
}

/* Whether slot s is worth reading ahead: some entry names it, it is not
 * bad, and it is not in the cache already. */
static bool worth_reading(uint32_t s)
{
    return s > 0 && s < map.nslots && swap_map_count(&map, s) > 0 &&
           !swap_map_is_bad(&map, s) && !cached[s];
}

/* A frame for a page read ahead: only out of memory that is free anyway
 * (above the min watermark, and within the userpages= budget, counting the
 * `taken` frames of this run, which join the lists later), never by
 * evicting. 0 if there is none. */
static uint32_t readahead_frame(uint32_t taken)
{
    if (!swap_on || (budget && swap_nr_lru() + taken >= budget) || user_free() <= wmark_min)
        return 0;
    return pmm_alloc(0, PMM_ANY);
}

/* The run of slots read with slot: it grows from slot to the left, then to
 * the right, while the next slot is within [lo, hi), worth reading, and a
 * frame is free for it. frame_of[s - lo] gets the frame of each slot s
 * added. */
static void grow_run(uint32_t slot, uint32_t lo, uint32_t hi, uint32_t *frame_of,
                     uint32_t *first, uint32_t *last)
{
    uint32_t taken = 0;
    *first = *last = slot;
    for (int dir = -1; dir <= 1; dir += 2) {
        uint32_t *end = dir < 0 ? first : last;
        for (;;) {
            uint32_t s = *end + (uint32_t)dir; /* below lo, it wraps past hi */
            if (s < lo || s >= hi || !worth_reading(s))
                break;
            uint32_t frame = readahead_frame(taken);
            if (!frame)
                break;
            frame_of[s - lo] = frame;
            taken++;
            *end = s;
        }
    }
}

/* Puts the frame for slot s in the swap cache, locked until its read ends.
 * A page read ahead also joins the LRU lists, mapped nowhere, with the
 * cache holding its one reference (PG_READAHEAD). */
static void cache_for_read(uint32_t pa, uint32_t s, bool ahead)
{
    uint32_t pfn = pa >> PAGE_SHIFT;
    pmm_page(pfn)->flags |= PG_LOCKED | (ahead ? PG_READAHEAD : 0);
    swap_map_dup(&map, s); /* the cache's own reference */
    if (ahead) {
        *record(pfn) = (struct frame_swap){0, 0};
        lru_add(&lru, pfn);
    }
    cache_add(pfn, s);
}

/* The read of slot s into the frame at pa is over, well (ok) or not: the
 * frame is unlocked and those waiting for it wake. A page that could not be
 * read is lost: its slot is marked bad (whoever faults on it dies, mm.c),
 * and the frame goes. A page read ahead whose slot lost its last entry
 * while the disk worked is not wanted any more. */
static void read_done(uint32_t pa, uint32_t s, bool ahead, bool ok)
{
    uint32_t pfn = pa >> PAGE_SHIFT, flags = irq_save();
    pmm_page(pfn)->flags &= ~PG_LOCKED;
    process_wake_all(pmm_page(pfn));
    irq_restore(flags);
    if (!ok) {
        stats.read_errors++;
        if (!swap_map_is_bad(&map, s))
            swap_map_mark_bad(&map, s);
        pmm_page(pfn)->flags &= ~PG_READAHEAD;
        cache_forget(pfn);
        pmm_page_put(pa);
    } else if (ahead && swap_map_count(&map, s) == 1) {
        drop_readahead(pfn);
    }
}

/* Reads slot into the new frame at pa, and with it, in the same request,
 * the run of neighbours worth reading within the aligned window of
 * 2^readahead= slots around it (Linux's swap_cluster_readahead), as far as
 * free frames allow. If the run's read fails, the disk does not say which
 * slot is bad: each page is read again alone, and only a slot that fails
 * again is lost. pa, or 0 with *err -EIO. */
static uint32_t read_in(uint32_t slot, uint32_t pa, int *err)
{
    uint32_t window = 1u << readahead, lo = slot & ~(window - 1), hi = lo + window;
    uint32_t frame_of[ATA_MAX_PAGES] = {0}; /* indexed by slot - lo */
    uint32_t first, last;
    frame_of[slot - lo] = pa;
    grow_run(slot, lo, hi, frame_of, &first, &last);
    uint32_t n = last - first + 1;
    for (uint32_t s = first; s <= last; s++)
        cache_for_read(frame_of[s - lo], s, s != slot);
    /* The frames read ahead came out of free memory: below the low
     * watermark, kswapd makes room again while the disk reads. */
    if (n > 1 && user_free() < wmark_low)
        kswapd_wake();
    stats.pgmajfault++;
    bool run_read = slots_io(first, &frame_of[first - lo], n, false) == 0; /* sleeps */
    bool wanted_read = false;
    for (uint32_t s = first; s <= last; s++) {
        bool ok = run_read || (n > 1 && slots_io(s, &frame_of[s - lo], 1, false) == 0);
        if (ok) {
            stats.pswpin++;
            if (s != slot)
                stats.swap_ra++;
        }
        if (s == slot)
            wanted_read = ok;
        read_done(frame_of[s - lo], s, s != slot, ok);
    }
    if (!wanted_read) {
        *err = -EIO;
        return 0;
    }
    return pa;
}

uint32_t swap_in(pte_t e, uint32_t va, int *err)
{
    uint32_t slot = pte_swap_slot(e);
    for (;;) {
        uint32_t pfn = slot < map.nslots ? cached[slot] : 0;
        if (pfn && (pmm_page(pfn)->flags & PG_LOCKED)) {
            /* Another process is reading it in: wait, then look again. */
            stats.swapin_waits++;
            uint32_t flags = irq_save();
            while (pmm_page(pfn)->flags & PG_LOCKED)
                process_sleep_on(pmm_page(pfn));
            irq_restore(flags);
            continue;
        }
        if (pfn && (pmm_page(pfn)->flags & PG_READAHEAD)) {
            /* Read ahead for this fault: the cache's reference becomes the
             * mapping's. */
            pmm_page(pfn)->flags &= ~PG_READAHEAD;
            record(pfn)->va = va;
            stats.swap_ra_hit++;
            return pfn << PAGE_SHIFT;
        }
        if (pfn) {
            /* Another process read it already: share its frame. */
            stats.swapcache_hit++;
            pmm_page_get(pfn << PAGE_SHIFT);
            return pfn << PAGE_SHIFT;
        }
        if (swap_map_is_bad(&map, slot)) {
            *err = -EIO; /* a read of it failed before */
            return 0;
        }
        uint32_t pa = swap_alloc_user_frame(va);
        if (!pa) {
            *err = -ENOMEM;
            return 0;
        }
        if (cached[slot]) {
            /* Finding a frame slept (waiting for the disk to evict), and
             * meanwhile another process began reading this slot. */
            pmm_page_put(pa);
            continue;
        }
        return read_in(slot, pa, err);
    }
}

void swap_cache_trim(uint32_t pa)
{
    uint32_t pfn = pa >> PAGE_SHIFT, slot = record(pfn)->slot;
    if (!slot || swap_map_nr_in_use(&map) * 2 <= map.nslots)
        return;
    if (swap_map_count(&map, slot) == 1) {
        cache_forget(pfn);
        stats.swapcache_trim++;
    }
}

void swap_page_dirtied(uint32_t pa)
{
    cache_forget(pa >> PAGE_SHIFT);
}

void swap_frame_freed(uint32_t pfn)
{
    if (!chunks[0])
        return; /* before swap_init */
    struct page *p = pmm_page(pfn);
    if (p->flags & PG_LRU)
        lru_remove(&lru, pfn);
    cache_forget(pfn);
}

void swap_entry_drop(pte_t e)
{
    uint32_t slot = pte_swap_slot(e), pfn = cached[slot];
    swap_map_put(&map, slot);
    /* The last entry went: a page read ahead for it will never be asked
     * for. (One still being read is dropped when its read ends.) */
    if (pfn && swap_map_count(&map, slot) == 1 &&
        (pmm_page(pfn)->flags & (PG_READAHEAD | PG_LOCKED)) == PG_READAHEAD)
        drop_readahead(pfn);
    sync_used();
}

void swap_entry_dup(pte_t e)
{
    swap_map_dup(&map, pte_swap_slot(e));
}

/* ---- counters and checks ------------------------------------------------- */

const struct swap_stats *swap_stats(void)
{
    return &stats;
}

uint32_t swap_nr_lru(void)
{
    return lru_nr_pages(&lru);
}

uint32_t swap_slots_in_use(void)
{
    return swap_on ? swap_map_nr_in_use(&map) : 0;
}

uint32_t swap_nr_slots(void)
{
    return swap_on ? map.nslots : 0;
}

/* The shell's free (with no arguments), after Linux's free(1), in KiB. */
void swap_print_free(void)
{
    uint32_t total = pmm_nr_total(), free = pmm_nr_free(), cache = swap_on ? nr_cached : 0;
    kprintf("%-6s %10s %10s %10s %10s %10s %10s\n", "KiB", "total", "used", "free", "user",
            "swapcache", "available");
    kprintf("%-6s %10u %10u %10u %10u %10u %10u\n", "Mem:", total * 4, (total - free) * 4,
            free * 4, swap_nr_lru() * 4, cache * 4, user_free() * 4);
    uint32_t usable = swap_on ? swap_map_nr_usable(&map) : 0, in_use = swap_slots_in_use();
    kprintf("%-6s %10u %10u %10u\n", "Swap:", usable * 4, in_use * 4,
            swap_on ? swap_map_nr_free(&map) * 4 : 0);
}

void swap_print_stats(void)
{
    kprintf("pswpin           %u\n", stats.pswpin);
    kprintf("pswpout          %u\n", stats.pswpout);
    kprintf("pgmajfault       %u\n", stats.pgmajfault);
    kprintf("pgscan           %llu\n", lru.pgscan);
    kprintf("pgsteal          %llu\n", lru.pgsteal);
    kprintf("pgactivate       %llu\n", lru.pgactivate);
    kprintf("pgdeactivate     %llu\n", lru.pgdeactivate);
    kprintf("swapcache_add    %u\n", stats.swapcache_add);
    kprintf("swapcache_hit    %u\n", stats.swapcache_hit);
    kprintf("swapcache_drop   %u\n", stats.swapcache_drop);
    kprintf("swapcache_trim   %u\n", stats.swapcache_trim);
    kprintf("swapin_waits     %u\n", stats.swapin_waits);
    kprintf("allocstall       %u\n", stats.allocstall);
    kprintf("pgsteal_direct   %u\n", stats.pgsteal_direct);
    kprintf("pgsteal_kswapd   %u\n", stats.pgsteal_kswapd);
    kprintf("pageoutrun       %u\n", stats.pageoutrun);
    kprintf("swpout_requests  %u\n", stats.swpout_requests);
    kprintf("swpin_requests   %u\n", stats.swpin_requests);
    kprintf("swap_ra          %u\n", stats.swap_ra);
    kprintf("swap_ra_hit      %u\n", stats.swap_ra_hit);
    kprintf("swap_ra_miss     %u\n", stats.swap_ra_miss);
    if (sums)
        kprintf("swapcheck_errors %u\n", stats.swapcheck_errors);
    kprintf("nr_active        %u\n", lru_nr_active(&lru));
    kprintf("nr_inactive      %u\n", lru_nr_inactive(&lru));
    kprintf("nr_lru_peak      %u\n", lru.peak);
    kprintf("nr_swap_used     %u\n", swap_slots_in_use());
}

void swap_check(const uint16_t *uses, const uint16_t *frame_uses, uint32_t frames,
                void (*problem)(const char *fmt, uint32_t a, uint32_t b, uint32_t c))
{
    struct lru_error why;
    if (lru_check(&lru, &why) < 0) {
        kprintf("memcheck: LRU: %s\n", lru_reason_text(why.reason));
        problem("the LRU lists are broken at frame 0x%08x (reason %u)", why.pfn << PAGE_SHIFT,
                (uint32_t)why.reason, 0);
    }
    /* Every page on the lists is a mapped user page, and the reverse map
     * finds exactly the entries the page tables hold for it. A frame being
     * read in (locked) is not mapped yet. */
    for (uint32_t pfn = 0; pfn < frames; pfn++) {
        const struct page *page = pmm_page(pfn);
        if (!(page->flags & PG_LRU) || (page->flags & PG_LOCKED))
            continue;
        if (page->flags & PG_READAHEAD) {
            /* Mapped nowhere yet; the cache holds its one reference. */
            uint32_t slot = record(pfn)->slot;
            if (frame_uses[pfn] || pmm_page_refs(pfn << PAGE_SHIFT) != 1 || !slot ||
                cached[slot] != pfn)
                problem("frame 0x%08x, read ahead for slot %u, is mapped or has %u references",
                        pfn << PAGE_SHIFT, slot, pmm_page_refs(pfn << PAGE_SHIFT));
            continue;
        }
        uint32_t found = mm_rmap_walk(pfn << PAGE_SHIFT, record(pfn)->va, NULL, NULL);
        if (frame_uses[pfn] == 0)
            problem("frame 0x%08x is on the LRU lists but no page table maps it",
                    pfn << PAGE_SHIFT, 0, 0);
        else if (found != frame_uses[pfn])
            problem("frame 0x%08x: the reverse map finds %u entries, the page tables hold %u",
                    pfn << PAGE_SHIFT, found, frame_uses[pfn]);
    }
    if (!swap_on)
        return;
    uint32_t value;
    if (swap_map_check(&map, &value) != SWAP_MAP_OK)
        problem("the swap-slot map is inconsistent (value %u)", value, 0, 0);
    for (uint32_t s = 1; s < map.nslots; s++) {
        if (swap_map_is_bad(&map, s))
            continue;
        uint32_t want = uses[s] + (cached[s] ? 1 : 0), count = swap_map_count(&map, s);
        if (count != want)
            problem("swap slot %u has count %u, but %u entries and caches name it", s, count,
                    want);
        if (cached[s] && record(cached[s])->slot != s)
            problem("swap slot %u is cached by frame 0x%08x, which names slot %u", s,
                    cached[s] << PAGE_SHIFT, record(cached[s])->slot);
    }
}

/* ---- swapoff and swapon ---------------------------------------------------- */

int swap_off(void)
{
    if (!swap_on) {
        kprintf("swapoff: swap is off already\n");
        return -EINVAL;
    }
    /* The pages to read back are the slots in use that no frame caches. */
    uint32_t needed = swap_map_nr_in_use(&map) - nr_cached;
    uint32_t free = pmm_nr_free() > PMM_NORMAL_RESERVE ? pmm_nr_free() - PMM_NORMAL_RESERVE : 0;
    if (budget && budget - swap_nr_lru() < free)
        free = budget > swap_nr_lru() ? budget - swap_nr_lru() : 0;
    if (needed > free) {
        kprintf("swapoff: %u pages are in swap and memory has room for %u: swap stays on\n",
                needed, free);
        return -ENOMEM;
    }
    swap_on = false; /* nothing new goes out from here on */
    uint32_t before = stats.pswpin;
    int rc = mm_swap_in_all();
    if (rc < 0) {
        swap_on = true;
        kprintf("swapoff: a page could not be brought back (%d): swap stays on\n", rc);
        return rc;
    }
    /* Every page is in memory; the cache's hold on the slots goes. */
    for (uint32_t s = 1; s < map.nslots; s++) {
        if (cached[s] && (pmm_page(cached[s])->flags & (PG_READAHEAD | PG_LOCKED)) == PG_READAHEAD)
            drop_readahead(cached[s]);
        else if (cached[s])
            cache_forget(cached[s]);
    }
    kprintf("swapoff: %u pages read back; swap is off\n", stats.pswpin - before);
    return 0;
}

int swap_on_again(void)
{
    if (swap_on || !disk_swap()->on || !slot_counts) {
        kprintf("swapon: %s\n", swap_on ? "swap is on already" : "there is no swap area");
        return -EINVAL;
    }
    swap_on = true;
    kprintf("swapon: swap is on again\n");
    return 0;
}

bool swap_is_on(void)
{
    return swap_on;
}

uint32_t swap_set_budget(uint32_t pages)
{
    uint32_t old = budget;
    budget = pages;
    return old;
}

uint32_t swap_nr_bad_since_boot(void)
{
    return swap_on || slot_counts ? swap_map_nr_bad(&map) - boot_bad : 0;
}
