/* Temporary mappings for HighMem frames. The first KMAP_SLOTS pages of the
 * kernel-virtual area are set aside; kmap() takes a free slot, maps the frame
 * there (in the shared kernel page table, so it works whatever directory is
 * loaded) and kunmap() unmaps it with invlpg. Only one holder ever sleeps
 * with a slot, the disk request under way (a swap-in's read, swap.c), so a
 * handful is enough. */
#include "mem/highmem.h"

#include <stdbool.h>

#include "kernel/panic.h"
#include "kernel/params.h"
#include "mem/layout.h"
#include "mem/page_ops.h"
#include "mem/vmm.h"

static bool slot_used[KMAP_SLOTS];

void *kmap(uint32_t pa)
{
    if (pa < DIRECT_MAP_SIZE)
        return PHYS_TO_VIRT(pa);
    for (int i = 0; i < KMAP_SLOTS; i++) {
        if (slot_used[i])
            continue;
        uint32_t va = KVA_START + (uint32_t)i * PAGE_SIZE;
        if (vmm_map(vmm_kernel_pd(), va, pa & ~(PAGE_SIZE - 1), PTE_WRITE) < 0)
            panic("kmap: cannot map frame 0x%08x at 0x%08x", pa, va);
        slot_used[i] = true;
        return (void *)(va + (pa & (PAGE_SIZE - 1)));
    }
    panic("kmap: all %d slots in use (frame 0x%08x)", KMAP_SLOTS, pa);
}

void kunmap(void *va)
{
    uint32_t a = (uint32_t)va;
    if (a < KVA_START || a >= KVA_START + KMAP_SLOTS * PAGE_SIZE)
        return; /* a direct-map address: nothing was mapped */
    int i = (int)((a - KVA_START) / PAGE_SIZE);
    vmm_unmap(vmm_kernel_pd(), KVA_START + (uint32_t)i * PAGE_SIZE);
    slot_used[i] = false;
}

void frame_zero(uint32_t pa)
{
    void *p = kmap(pa);
    page_zero(params_fastpage(), p);
    kunmap(p);
}

void frame_copy(uint32_t dst, uint32_t src)
{
    void *d = kmap(dst), *s = kmap(src);
    page_copy(params_fastpage(), d, s);
    kunmap(s);
    kunmap(d);
}
