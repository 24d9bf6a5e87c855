/* Scenarios for physical memory: every frame can be allocated, written and
 * freed; misuse is refused and named. */
#include <stdint.h>

#include "kernel/console.h"
#include "kernel/ktest.h"
#include "mem/buddy_check.h"
#include "mem/layout.h"
#include "mem/pmm.h"

struct snapshot {
    uint32_t free_blocks[BUDDY_NR_ORDERS];
    uint32_t nr_free;
};

static void take_snapshot(const struct buddy_zone *z, struct snapshot *s)
{
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
        s->free_blocks[k] = buddy_free_blocks(z, k);
    s->nr_free = buddy_nr_free(z);
}

/* A value that differs for every frame and is unlikely to be left over. */
static uint32_t marker(uint32_t pfn)
{
    return (pfn * 2654435761u) ^ 0x5A5AC3C3u;
}

/* One frame taken and given back through the cache: with the cache on,
 * the refill took a batch from the lists and the frame came back to it;
 * with hot=off the cache never holds a frame. */
static void check_cache(struct buddy_hot *h, const char *name)
{
    buddy_hot_drain(h);
    uint32_t pfn = buddy_hot_alloc(h, 0);
    buddy_hot_free(h, pfn, 0);
    uint32_t want = h->on ? BUDDY_HOT_BATCH : 0;
    ktest_check(pfn != BUDDY_NO_PFN && h->count == want,
                "zone %s: hot-frame cache %s: one frame taken and freed leaves %u in it", name,
                h->on ? "on" : "off", h->count);
    buddy_hot_drain(h);
}

/* Takes every free frame of a zone through its cache, largest blocks
 * first, chaining the allocated blocks through their descriptors' next
 * field (the owner's to use while a block is allocated), marks each frame,
 * checks the marks, frees it all and checks that the free lists are back
 * as they were. */
static void exercise_zone(enum pmm_zone_id id)
{
    struct buddy_hot *h = pmm_cache(id);
    const char *name = pmm_zone_name(id);
    if (!h) {
        kprintf("ktest: no zone %s on this machine\n", name);
        return;
    }
    struct buddy_zone *z = h->zone;
    check_cache(h, name);
    struct snapshot before, after;
    take_snapshot(z, &before);

    uint32_t head = BUDDY_NIL, blocks = 0, frames = 0, marked = 0;
    for (int order = BUDDY_MAX_ORDER; order >= 0; order--) {
        uint32_t pfn;
        while ((pfn = buddy_hot_alloc(h, (unsigned)order)) != BUDDY_NO_PFN) {
            pmm_page(pfn)->next = head;
            head = pfn;
            blocks++;
            for (uint32_t f = pfn; f < pfn + (1u << order); f++, frames++) {
                if (f >= DIRECT_MAP_PFNS)
                    continue; /* HighMem: no kernel mapping to write through */
                uint32_t *p = PHYS_TO_VIRT(f << PAGE_SHIFT);
                p[0] = marker(f);
                p[1023] = ~marker(f);
                marked++;
            }
        }
    }
    ktest_check(frames == before.nr_free && buddy_hot_nr_free(h) == 0,
                "zone %s: allocated all %u free frames in %u blocks", name, frames, blocks);
    ktest_check(buddy_hot_alloc(h, 0) == BUDDY_NO_PFN,
                "zone %s: empty zone refuses an order-0 request", name);

    /* Every mark still intact means no frame was handed out twice. */
    uint32_t bad = 0;
    for (uint32_t pfn = head; pfn != BUDDY_NIL; pfn = pmm_page(pfn)->next) {
        for (uint32_t f = pfn; f < pfn + (1u << pmm_page(pfn)->order); f++) {
            if (f >= DIRECT_MAP_PFNS)
                continue;
            uint32_t *p = PHYS_TO_VIRT(f << PAGE_SHIFT);
            if (p[0] != marker(f) || p[1023] != ~marker(f))
                bad++;
        }
    }
    ktest_check(bad == 0,
                "zone %s: markers read back in %u frames (%u without a kernel mapping), "
                "%u wrong",
                name, marked, frames - marked, bad);

    int errors = 0;
    for (uint32_t pfn = head; pfn != BUDDY_NIL;) {
        uint32_t next = pmm_page(pfn)->next;
        errors += buddy_hot_free(h, pfn, pmm_page(pfn)->order) != 0;
        pfn = next;
    }
    buddy_hot_drain(h);
    take_snapshot(z, &after);
    ktest_check(errors == 0, "zone %s: freed all %u blocks", name, blocks);
    bool same = after.nr_free == before.nr_free;
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
        same = same && after.free_blocks[k] == before.free_blocks[k];
    ktest_check(same, "zone %s: free frames and free blocks per order back to their start (%u)",
                name, after.nr_free);
    ktest_check(buddy_hot_check(h, NULL) == 0, "zone %s: buddy_check and buddy_hot_check pass",
                name);
}

void ktest_pmm(void)
{
    pmm_print_info();
    exercise_zone(ZONE_NORMAL);
    exercise_zone(ZONE_HIGHMEM);
    pmm_print_info();
}

/* Each misuse is refused with its reason, and changes nothing. */
void ktest_buddy_misuse(void)
{
    struct buddy_hot *h = pmm_cache(ZONE_NORMAL);
    uint32_t free_before = buddy_hot_nr_free(h);
    uint32_t a = pmm_alloc(2, PMM_NORMAL);
    ktest_check(a != 0, "order-2 block at 0x%08x", a);

    struct {
        uint32_t phys;
        unsigned order;
        int reason;
        const char *what;
    } cases[] = {
        {a, 1, BUDDY_E_WRONG_ORDER, "free with the wrong order"},
        {a + PAGE_SIZE, 0, BUDDY_E_NOT_HEAD, "free of a frame inside an allocated block"},
        {a + PAGE_SIZE, 2, BUDDY_E_MISALIGNED, "free of a misaligned block"},
        {0x1000, 0, BUDDY_E_RESERVED, "free of a reserved frame (first MiB)"},
        {a, 11, BUDDY_E_BAD_ORDER, "free with order 11"},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = pmm_try_free(cases[i].phys, cases[i].order);
        const struct buddy_error *e = pmm_last_error(cases[i].phys);
        ktest_check(rc < 0 && e && e->reason == cases[i].reason, "%s refused: %s", cases[i].what,
                    e ? buddy_error_name(e->reason) : "no zone");
    }
    ktest_check(pmm_try_free(a, 2) == 0, "the block itself frees");
    int rc = pmm_try_free(a, 2);
    const struct buddy_error *e = pmm_last_error(a);
    ktest_check(rc < 0 && (e->reason == BUDDY_E_DOUBLE_FREE || e->reason == BUDDY_E_INSIDE_FREE),
                "second free refused: %s", buddy_error_name(e->reason));
    rc = pmm_try_free(a + PAGE_SIZE, 0);
    e = pmm_last_error(a);
    ktest_check(rc < 0 && e->reason == BUDDY_E_INSIDE_FREE,
                "free of a never-allocated frame inside a free block refused: %s",
                buddy_error_name(e->reason));
    pmm_drain();
    ktest_check(buddy_hot_nr_free(h) == free_before && buddy_hot_check(h, NULL) == 0,
                "nothing lost: %u free frames, buddy_check passes", buddy_hot_nr_free(h));
}

/* Through pmm_free (not pmm_try_free), a double free is a kernel bug. */
void ktest_buddy_doublefree(void)
{
    uint32_t a = pmm_alloc(0, PMM_NORMAL);
    pmm_free(a, 0);
    kprintf("ktest: freeing frame 0x%08x a second time\n", a);
    ktest_expect_panic("double free named by frame");
    pmm_free(a, 0);
}
