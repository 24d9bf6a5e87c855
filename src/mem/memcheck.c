/* The memory invariant checker: see memcheck.h. It counts, for every frame,
 * how many user page table entries map it, then holds each count against
 * the frame's reference count in struct page. */
#include "mem/memcheck.h"

#include <string.h>

#include "kernel/console.h"
#include "kernel/multiboot.h"
#include "mem/kheap.h"
#include "mem/layout.h"
#include "mem/pmm.h"
#include "mem/shm.h"
#include "mem/swap.h"
#include "mem/vmm.h"

#define SHOWN 8 /* problems printed in full; the rest are only counted */

static int problems;

static void problem(const char *fmt, uint32_t a, uint32_t b, uint32_t c)
{
    if (problems++ < SHOWN) {
        kprintf("memcheck: ");
        kprintf(fmt, a, b, c);
        kprintf("\n");
    }
}

static bool in_a_module(uint32_t pa)
{
    const struct multiboot_module *m;
    for (uint32_t i = 0; (m = multiboot_module(i)); i++)
        if (pa >= (m->mod_start & ~(PAGE_SIZE - 1)) && pa < m->mod_end)
            return true;
    return false;
}

/* Counts one use of the frame at pa in uses[] (a table or a mapped page). */
static void count_use(uint16_t *uses, uint32_t pa)
{
    uint32_t pfn = pa >> PAGE_SHIFT;
    if (pfn >= pmm_max_pfn())
        problem("frame 0x%08x is past the end of RAM", pa, 0, 0);
    else if (uses[pfn] < UINT16_MAX)
        uses[pfn]++;
}

/* Counts one swap entry naming slot in slot_uses[]. */
static void count_slot(uint16_t *slot_uses, uint32_t slot)
{
    if (slot >= swap_nr_slots())
        problem("a swap entry names slot %u, past the %u slots of the swap area", slot,
                swap_nr_slots(), 0);
    else if (slot_uses[slot] < UINT16_MAX)
        slot_uses[slot]++;
}

static void check_mm(struct mm *mm, uint16_t *uses, uint16_t *slot_uses, uint32_t *mapped)
{
    count_use(uses, vmm_pd_phys(mm->pd));
    pte_t *e;
    for (uint32_t va = 0; (e = vmm_next_used(mm->pd, &va, KERNEL_VMA)); va += PAGE_SIZE) {
        if (!vma_find(&mm->vmas, va))
            problem("page 0x%08x of directory 0x%08x is mapped outside every area", va,
                    vmm_pd_phys(mm->pd), 0);
        if (pte_is_swap(*e)) {
            count_slot(slot_uses, pte_swap_slot(*e));
            continue;
        }
        if (*e & PTE_FILE) {
            if (!in_a_module(pte_addr(*e)))
                problem("page 0x%08x maps frame 0x%08x as a file frame, outside every module", va,
                        pte_addr(*e), 0);
            continue;
        }
        count_use(uses, pte_addr(*e));
        (*mapped)++;
    }
    for (uint32_t i = 0; i < KERNEL_VMA >> 22; i++)
        if (pte_present(mm->pd[i]))
            count_use(uses, pte_addr(mm->pd[i]));
}

/* A shared segment's own reference on one of its frames. */
static void count_segment_frame(uint32_t pa, void *uses)
{
    count_use(uses, pa);
}

int memcheck(struct mm *const *mms, int n)
{
    problems = 0;
    uint32_t frames = pmm_max_pfn(), mapped = 0, shared = 0;
    uint16_t *uses = kmalloc(frames * sizeof *uses);
    if (!uses) {
        kprintf("memcheck: no memory for %u counters: nothing checked\n", frames);
        return 1;
    }
    memset(uses, 0, frames * sizeof *uses);
    uint32_t slots = swap_nr_slots();
    uint16_t *slot_uses = kmalloc((slots ? slots : 1) * sizeof *slot_uses);
    if (!slot_uses) {
        kfree(uses);
        kprintf("memcheck: no memory for %u slot counters: nothing checked\n", slots);
        return 1;
    }
    memset(slot_uses, 0, (slots ? slots : 1) * sizeof *slot_uses);
    for (int i = 0; i < n; i++)
        check_mm(mms[i], uses, slot_uses, &mapped);
    swap_check(slot_uses, uses, frames, problem);
    kfree(slot_uses);
    shm_for_each_frame(count_segment_frame, uses);
    if (shm_leaked())
        problem("%u removed shared segments are attached nowhere but were not freed", shm_leaked(),
                0, 0);
    for (uint32_t pfn = 0; pfn < frames; pfn++) {
        if (!uses[pfn])
            continue;
        uint32_t refs = pmm_page_refs(pfn << PAGE_SHIFT);
        if (refs == 0)
            problem("frame 0x%08x is mapped or used as a table %u times, but it is not allocated",
                    pfn << PAGE_SHIFT, uses[pfn], 0);
        else if (refs != uses[pfn])
            problem("frame 0x%08x has %u references but %u uses", pfn << PAGE_SHIFT, refs,
                    uses[pfn]);
        shared += uses[pfn] > 1;
    }
    kfree(uses);
    if (problems)
        kprintf("memcheck: %d problems\n", problems);
    else
        kprintf("memcheck: clean: %d address spaces, %u user pages mapped, %u frames shared, "
                "%u shared segments\n",
                n, mapped, shared, shm_count());
    return problems;
}
