/* Scenarios for the kernel heap: a random storm with every block's contents
 * verified, no frames leaked, and misuse caught. */
#include <stdint.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/ktest.h"
#include "mem/kheap.h"
#include "mem/pmm.h"

#define SLOTS 512
#define OPS   30000

static uint32_t rng = 12345;
static uint32_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint32_t free_frames(void)
{
    pmm_drain();
    return buddy_nr_free(pmm_zone(ZONE_NORMAL));
}

/* Sizes mostly small, sometimes a few pages, rarely up to 64 KiB. */
static size_t random_size(void)
{
    uint32_t r = next_random() % 100;
    if (r < 70)
        return 1 + next_random() % 256;
    if (r < 95)
        return 1 + next_random() % 4096;
    return 1 + next_random() % 65536;
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed + i * 7);
}

static bool intact(const uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (uint8_t)(seed + i * 7))
            return false;
    return true;
}

void ktest_kheap(void)
{
    static uint8_t *ptr[SLOTS];
    static size_t len[SLOTS];
    static uint8_t seed[SLOTS];
    uint32_t before = free_frames();
    unsigned allocs = 0, frees = 0, reallocs = 0, corrupt = 0, failed = 0;

    for (int op = 0; op < OPS; op++) {
        int i = (int)(next_random() % SLOTS);
        uint32_t what = next_random() % 3;
        if (ptr[i] && !intact(ptr[i], len[i], seed[i]))
            corrupt++;
        if (!ptr[i] || what == 0) {
            kfree(ptr[i]);
            len[i] = random_size();
            seed[i] = (uint8_t)next_random();
            ptr[i] = kmalloc(len[i]);
            allocs++;
        } else if (what == 1) {
            size_t n = random_size(), keep = n < len[i] ? n : len[i];
            uint8_t *q = krealloc(ptr[i], n);
            if (!q) {
                failed++;
                continue;
            }
            /* The first min(old, new) bytes must survive the move. */
            if (!intact(q, keep, seed[i]))
                corrupt++;
            ptr[i] = q;
            len[i] = n;
            reallocs++;
        } else {
            kfree(ptr[i]);
            ptr[i] = NULL;
            frees++;
            continue;
        }
        if (!ptr[i]) {
            failed++;
            continue;
        }
        fill(ptr[i], len[i], seed[i]);
        if (op % 5000 == 0 && kheap_verify() != 0)
            corrupt++;
    }
    ktest_check(corrupt == 0 && failed == 0,
                "%d random operations (%u kmalloc, %u krealloc, %u kfree): every block intact", OPS,
                allocs, reallocs, frees);
    ktest_check(kheap_verify() == 0, "kheap_check passes: red zones, poison, lists, counts");
    kheap_print_info();
    for (int i = 0; i < SLOTS; i++) {
        kfree(ptr[i]);
        ptr[i] = NULL;
    }
    uint32_t held = kheap_pages_held();
    uint32_t after = free_frames();
    ktest_check(after + held == before,
                "no frame leaked: %u free before, %u after, %u kept by the heap", before, after,
                held);

    uint8_t *p = kmalloc(40);
    ktest_check(kfree_checked(p) == 0 && kfree_checked(p) < 0, "a double free is refused");
    ktest_check(kfree_checked((void *)&before) < 0, "freeing a stack address is refused");
    p = kmalloc(100);
    ktest_check(kfree_checked(p + 16) < 0, "freeing a pointer into an object is refused");
    kfree(p);
    ktest_check(kheap_verify() == 0, "and the heap is still sound");
}

void ktest_kheap_double_free(void)
{
    void *p = kmalloc(64);
    kfree(p);
    ktest_expect_panic("kfree of a freed pointer");
    kfree(p);
}

void ktest_kheap_overflow(void)
{
    uint8_t *p = kmalloc(24);
    memset(p, 0, 25); /* one byte into the red zone */
    ktest_expect_panic("kfree finds the red zone overwritten");
    kfree(p);
}
