/* Address spaces: the glue between the VM areas (the pure core in
 * src/mem/vma.c) and the page tables and frames. An address outside every
 * area is not the process's to touch. Pages of an area are made present on
 * demand: the first touch of a page faults, mm_fault_in() gives it a
 * zero-filled frame, and the instruction runs again. ELF segments are copied
 * in at exec (src/kernel/loader.c), so only the heap and the stack start out
 * empty. */
#include "mem/mm.h"

#include "kernel/abi.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "mem/highmem.h"
#include "mem/kheap.h"
#include "mem/layout.h"
#include "mem/pmm.h"
#include "mem/vmm.h"

#define USER_MIN PAGE_SIZE /* page 0 is never mapped */

static uint32_t page_down(uint32_t a)
{
    return a & ~(PAGE_SIZE - 1);
}
static uint32_t page_up(uint32_t a)
{
    return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

struct mm *mm_create(void)
{
    struct mm *mm = kmalloc(sizeof *mm);
    if (!mm)
        return NULL;
    mm->pd = vmm_pd_create();
    if (!mm->pd) {
        kfree(mm);
        return NULL;
    }
    vma_list_init(&mm->vmas);
    mm->heap_start = mm->brk = 0;
    return mm;
}

void mm_destroy(struct mm *mm)
{
    if (vmm_pd_destroy(mm->pd) < 0)
        panic("mm_destroy: the directory at phys 0x%08x is still loaded", vmm_pd_phys(mm->pd));
    kfree(mm);
}

int mm_add_area(struct mm *mm, uint32_t start, uint32_t end, uint32_t prot, enum vma_kind kind)
{
    if (start < USER_MIN || end > KERNEL_VMA)
        return -EINVAL;
    struct vma v = {.start = start, .end = end, .prot = prot, .kind = kind};
    return vma_insert(&mm->vmas, &v);
}

struct vma *mm_find_area(struct mm *mm, uint32_t va)
{
    return vma_find(&mm->vmas, va);
}

static uint32_t pte_flags_for(const struct vma *v)
{
    return PTE_USER | (v->prot & VMA_WRITE ? PTE_WRITE : 0);
}

int mm_fault_in(struct mm *mm, uint32_t va, bool write)
{
    struct vma *v = vma_find(&mm->vmas, va);
    if (!v || !(v->prot & VMA_READ) || (write && !(v->prot & VMA_WRITE)))
        return -EFAULT;
    pte_t *e = vmm_pte(mm->pd, va, 1);
    if (!e)
        return -ENOMEM;
    if (pte_present(*e))
        return 0; /* already there: the permission check above was the point */
    uint32_t pa = pmm_alloc(0, PMM_ANY);
    if (!pa)
        return -ENOMEM;
    frame_zero(pa);
    int rc = vmm_map(mm->pd, page_down(va), pa, pte_flags_for(v));
    if (rc < 0)
        pmm_free(pa, 0);
    return rc;
}

int mm_check_user(struct mm *mm, uint32_t va, uint32_t len, bool write)
{
    if (len == 0)
        return 0;
    /* The range must not wrap and must stay below the kernel half. */
    if (va < USER_MIN || va >= KERNEL_VMA || len > KERNEL_VMA - va)
        return -EFAULT;
    for (uint32_t p = page_down(va); p < va + len; p += PAGE_SIZE) {
        int rc = mm_fault_in(mm, p, write);
        if (rc < 0)
            return rc == -ENOMEM ? -ENOMEM : -EFAULT;
    }
    return 0;
}

struct mm *mm_fork(struct mm *parent)
{
    struct mm *child = mm_create();
    if (!child)
        return NULL;
    child->heap_start = parent->heap_start;
    child->brk = parent->brk;
    child->vmas = parent->vmas;
    for (int i = 0; i < parent->vmas.n; i++) {
        const struct vma *v = &parent->vmas.area[i];
        /* Only pages that are present: one never touched stays so in the
         * child too, and it will fault it in the same way. */
        pte_t *e;
        for (uint32_t va = v->start; (e = vmm_next_present(parent->pd, &va, v->end));
             va += PAGE_SIZE) {
            uint32_t pa = pmm_alloc(0, PMM_ANY);
            if (!pa)
                goto fail;
            frame_copy(pa, pte_addr(*e));
            if (vmm_map(child->pd, va, pa, pte_flags_for(v)) < 0) {
                pmm_free(pa, 0);
                goto fail;
            }
        }
    }
    return child;
fail:
    mm_destroy(child);
    return NULL;
}

int mm_sbrk(struct mm *mm, int32_t delta, uint32_t *old_brk)
{
    uint32_t old = mm->brk, new = old + (uint32_t)delta;
    struct vma *heap = vma_find(&mm->vmas, mm->heap_start);
    /* The gap below the stack stays empty, so that no stack frame, however
     * large, can step over it into the heap. */
    uint32_t limit = USER_STACK_TOP - USER_STACK_MAX - USER_STACK_GAP;
    if ((delta > 0 && (new < old || new > limit)) || (delta < 0 && new > old) ||
        new < mm->heap_start)
        return -ENOMEM;
    uint32_t old_end = page_up(old), new_end = page_up(new);
    if (new_end > old_end) {
        /* The new pages join the heap area (vma_insert merges them). */
        struct vma more = {.start = heap ? old_end : mm->heap_start,
                           .end = new_end,
                           .prot = VMA_READ | VMA_WRITE,
                           .kind = VMA_HEAP};
        if (vma_insert(&mm->vmas, &more) < 0)
            return -ENOMEM;
    } else if (new_end < old_end) {
        if (vma_unmap(&mm->vmas, new_end, old_end) < 0)
            return -ENOMEM;
        for (uint32_t va = new_end; vmm_next_present(mm->pd, &va, old_end); va += PAGE_SIZE)
            pmm_page_put(pte_addr(vmm_unmap(mm->pd, va)));
    }
    mm->brk = new;
    *old_brk = old;
    return 0;
}

void mm_print(struct mm *mm)
{
    for (int i = 0; i < mm->vmas.n; i++) {
        const struct vma *v = &mm->vmas.area[i];
        uint32_t present = vmm_count_present(mm->pd, v->start, v->end);
        kprintf("  0x%08x-0x%08x %c%c%c %-5s %4u KiB, %u pages present\n", v->start, v->end - 1,
                v->prot & VMA_READ ? 'r' : '-', v->prot & VMA_WRITE ? 'w' : '-',
                v->prot & VMA_EXEC ? 'x' : '-', vma_kind_name(v->kind), (v->end - v->start) / 1024,
                present);
    }
    kprintf("  heap break at 0x%08x\n", mm->brk);
}
