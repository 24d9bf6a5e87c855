/* Glue between the kernel heap's pure core and the frame allocator: pages
 * come from the Normal zone (the heap needs a kernel address for them) and
 * are used through the direct map. Any misuse the core reports is a kernel
 * bug, so kfree() panics with the pointer and the reason. */
#include "mem/kheap.h"

#include "kernel/console.h"
#include "kernel/panic.h"
#include "mem/kheap_core.h"
#include "mem/layout.h"
#include "mem/pmm.h"

static struct kheap heap;
static uint32_t errors_seen;

static void *heap_alloc_pages(void *ctx, unsigned order)
{
    (void)ctx;
    uint32_t pa = pmm_alloc(order, PMM_NORMAL);
    return pa ? PHYS_TO_VIRT(pa) : NULL;
}

static void heap_free_pages(void *ctx, void *addr, unsigned order)
{
    (void)ctx;
    pmm_free(VIRT_TO_PHYS(addr), order);
}

void kheap_setup(bool debug)
{
    static const struct kheap_ops ops = {heap_alloc_pages, heap_free_pages, NULL};
    kheap_init(&heap, &ops, debug);
    kprintf("kheap: %d size classes from 16 to %u bytes, larger objects in whole blocks; "
            "debug checks %s\n",
            KHEAP_NR_CLASSES, KHEAP_MAX_SMALL, debug ? "on (red zones, poison)" : "off");
}

/* The core counts corruption it notices on its own (a freed slot whose
 * poison was overwritten: a write after free). That is a kernel bug too. */
static void check_new_errors(void)
{
    if (heap.nr_errors == errors_seen)
        return;
    errors_seen = heap.nr_errors;
    panic("kheap: %s at %p (offset %u, object of %u bytes)", kheap_error_name(heap.err.reason),
          heap.err.ptr, heap.err.offset, (unsigned)heap.err.size);
}

void *kmalloc(size_t size)
{
    void *p = kheap_alloc(&heap, size);
    check_new_errors();
    return p;
}

int kfree_checked(void *p)
{
    int rc = kheap_free(&heap, p);
    errors_seen = heap.nr_errors;
    return rc;
}

void kfree(void *p)
{
    if (kheap_free(&heap, p) < 0)
        panic("kfree(%p): %s (offset %u, object of %u bytes)", p, kheap_error_name(heap.err.reason),
              heap.err.offset, (unsigned)heap.err.size);
}

void *krealloc(void *p, size_t size)
{
    void *q = kheap_realloc(&heap, p, size);
    check_new_errors();
    return q;
}

int kheap_verify(void)
{
    int rc = kheap_check(&heap);
    if (rc < 0)
        kprintf("kheap: check failed: %s at %p (offset %u)\n", kheap_error_name(heap.err.reason),
                heap.err.ptr, heap.err.offset);
    errors_seen = heap.nr_errors;
    return rc;
}

unsigned kheap_pages_held(void)
{
    struct kheap_stats st;
    kheap_shrink(&heap);
    kheap_stats(&heap, &st);
    return st.pages_held;
}

void kheap_print_info(void)
{
    struct kheap_stats st;
    kheap_stats(&heap, &st);
    kprintf("kheap: size  pages  in use  free   (only classes holding pages)\n");
    for (int i = 0; i < KHEAP_NR_CLASSES; i++) {
        const struct kheap_class_stats *c = &st.cls[i];
        if (c->pages)
            kprintf("kheap: %4u  %5u  %6u  %4u\n", c->size, c->pages, c->in_use, c->free);
    }
    kprintf("kheap: %u large blocks in %u pages; %u pages held in all (%u KiB) for %u bytes "
            "asked; %u allocs, %u frees, %u failed, %u errors\n",
            st.large_blocks, st.large_pages, st.pages_held, st.pages_held * 4,
            (unsigned)st.bytes_requested, st.nr_alloc, st.nr_free, st.nr_fail, st.nr_errors);
}
