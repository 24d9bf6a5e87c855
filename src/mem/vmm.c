/* Two-level i386 paging (Intel SDM vol. 3A, 4.3). A virtual address splits
 * into a directory index (bits 31-22), a table index (21-12) and an offset
 * (11-0); CR3 holds the directory's physical address.
 *
 * Every page directory shares the kernel's upper quarter (entries 768-1023,
 * 0xC0000000 and up): vmm_init() creates all the page tables that quarter will
 * ever have, and vmm_pd_create() copies those 256 entries into each new
 * directory. A change to a kernel mapping is then a change to a shared page
 * table, seen by every directory at once; no directory ever needs updating.
 */
#include "mem/vmm.h"

#include <string.h>

#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/io.h"
#include "kernel/panic.h"
#include "kernel/params.h"
#include "mem/layout.h"
#include "mem/page_ops.h"
#include "mem/pmm.h"
#include "mem/swap.h"

#define PDE_KERNEL_FIRST 768        /* pde_index(KERNEL_VMA) */
#define TABLE_SPAN       (1u << 22) /* 4 MiB mapped by one page table */
#define CR4_PGE          (1u << 7)

static pte_t *kernel_pd;
static uint32_t kernel_tables;

/* Page tables live in directly mapped RAM, so an entry's frame address plus
 * KERNEL_VMA is where the kernel reads the table. */
static pte_t *table_of(pte_t pde)
{
    return PHYS_TO_VIRT(pte_addr(pde));
}

static inline void invlpg(uint32_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* A zeroed frame for a directory or a table, or 0. where is PMM_NORMAL for
 * the kernel's own, PMM_USER_TABLE for a table of user mappings. */
static uint32_t alloc_table(unsigned where)
{
    uint32_t pa = pmm_alloc(0, where);
    if (pa)
        page_zero(params_fastpage(), PHYS_TO_VIRT(pa));
    return pa;
}

pte_t *vmm_kernel_pd(void)
{
    return kernel_pd;
}
uint32_t vmm_pd_phys(const pte_t *pd)
{
    return VIRT_TO_PHYS(pd);
}
pte_t *vmm_current_pd(void)
{
    return PHYS_TO_VIRT(read_cr3() & PTE_ADDR_MASK);
}
uint32_t vmm_kernel_tables(void)
{
    return kernel_tables;
}

/* Makes the kernel page table for [va, va + 4 MiB), with no entries. */
static void add_kernel_table(uint32_t va)
{
    uint32_t pa = alloc_table(PMM_NORMAL);
    if (!pa)
        panic("vmm: out of memory for the kernel's page table at 0x%08x", va);
    /* A kernel PDE is supervisor-only and writable; the PTEs decide the rest
     * (the stricter of PDE and PTE wins, SDM 4.6). */
    kernel_pd[pde_index(va)] = pte_make(pa, PTE_WRITE);
    kernel_tables++;
}

void vmm_init(void)
{
    uint32_t pa = alloc_table(PMM_NORMAL);
    if (!pa)
        panic("vmm: out of memory for the kernel page directory");
    kernel_pd = PHYS_TO_VIRT(pa);

    /* The direct map: every frame below the end of RAM (up to 896 MiB). */
    uint32_t ram_pfns = pmm_max_pfn() < DIRECT_MAP_PFNS ? pmm_max_pfn() : DIRECT_MAP_PFNS;
    uint32_t ram_end = ram_pfns << PAGE_SHIFT;
    for (uint32_t off = 0; off < ram_end; off += TABLE_SPAN)
        add_kernel_table(KERNEL_VMA + off);
    for (uint32_t va = KVA_START; va != 0; va += TABLE_SPAN)
        add_kernel_table(va);

    /* Text and read-only data: from the image's start to .data. CR0.WP
     * (set in boot.asm) makes ring 0 respect this too (SDM 4.6). */
    uint32_t ro_start = VIRT_TO_PHYS(_kernel_start), ro_end = VIRT_TO_PHYS(_data_start);
    for (uint32_t p = 0; p < ram_end; p += PAGE_SIZE) {
        uint32_t flags = PTE_GLOBAL | (p >= ro_start && p < ro_end ? 0 : PTE_WRITE);
        table_of(kernel_pd[pde_index(KERNEL_VMA + p)])[pte_index(KERNEL_VMA + p)] =
            pte_make(p, flags);
    }

    kprintf("vmm: kernel page directory at phys 0x%08x (virt %p), %u page tables for the "
            "kernel half\n",
            pa, (void *)kernel_pd, kernel_tables);
    __asm__ volatile("mov %0, %%cr3" : : "r"(pa) : "memory");
    /* Global pages: kernel entries survive CR3 loads. Setting PGE flushes
     * the whole TLB once, global entries included. */
    __asm__ volatile("mov %%cr4, %%eax; or %0, %%eax; mov %%eax, %%cr4"
                     :
                     : "i"(CR4_PGE)
                     : "eax", "memory");
    kprintf("vmm: paging on with 4 KiB pages: text read-only, kernel pages global; "
            "address 0 unmapped\n");
    if (params_break_at("paging"))
        vmm_print_walk(kernel_pd, KERNEL_VMA + 0x100000);
    debug_break("paging");
    static const char *const how[] = {[PAGE_WORDS] = "a loop over words (fastpage=on)",
                                      [PAGE_REP] = "REP STOSD/MOVSD (fastpage=rep)",
                                      [PAGE_BYTES] = "the byte loops (fastpage=off)"};
    kprintf("vmm: whole pages are zeroed and copied by %s\n", how[params_fastpage()]);
}

/* The directory's address is CR3's; a table's is only in its PDE (SDM
 * 4.3): so the walk prints each entry's physical address and value. */
void vmm_print_walk(const pte_t *pd, uint32_t va)
{
    uint32_t pd_pa = vmm_pd_phys(pd);
    pte_t pde = pd[pde_index(va)];
    kprintf("vmm: walk of %p: PDE %u at phys 0x%08x holds 0x%08x\n", (void *)va, pde_index(va),
            pd_pa + pde_index(va) * 4, pde);
    if (!pte_present(pde) || (pde & PDE_4MB))
        return;
    uint32_t table_pa = pte_addr(pde);
    kprintf("vmm:   its page table at phys 0x%08x; PTE %u at phys 0x%08x holds 0x%08x\n", table_pa,
            pte_index(va), table_pa + pte_index(va) * 4, table_of(pde)[pte_index(va)]);
}

int vmm_switch(pte_t *pd)
{
    uint32_t pa = vmm_pd_phys(pd);
    if ((read_cr3() & PTE_ADDR_MASK) == pa)
        return 0;
    __asm__ volatile("mov %0, %%cr3" : : "r"(pa) : "memory");
    return 1;
}

pte_t *vmm_pd_create(void)
{
    uint32_t pa = alloc_table(PMM_NORMAL);
    if (!pa)
        return NULL;
    pte_t *pd = PHYS_TO_VIRT(pa);
    memcpy(pd + PDE_KERNEL_FIRST, kernel_pd + PDE_KERNEL_FIRST,
           (1024 - PDE_KERNEL_FIRST) * sizeof(pte_t));
    return pd;
}

int vmm_pd_destroy(pte_t *pd)
{
    if (pd == kernel_pd || pd == vmm_current_pd())
        return -EBUSY;
    for (uint32_t i = 0; i < PDE_KERNEL_FIRST; i++) {
        if (!pte_present(pd[i]))
            continue;
        pte_t *table = table_of(pd[i]);
        for (uint32_t j = 0; j < 1024; j++) {
            if (pte_present(table[j]) && !(table[j] & PTE_FILE))
                pmm_page_put(pte_addr(table[j]));
            else if (pte_is_swap(table[j]))
                swap_entry_drop(table[j]);
        }
        pmm_free(pte_addr(pd[i]), 0);
    }
    pmm_free(vmm_pd_phys(pd), 0);
    return 0;
}

pte_t *vmm_pte(pte_t *pd, uint32_t va, int create)
{
    pte_t *pde = &pd[pde_index(va)];
    if (!pte_present(*pde)) {
        if (!create || va >= KERNEL_VMA)
            return NULL;
        /* A program decides how many tables it needs (one per 4 MiB it
         * touches), so they come out of its budget, not the kernel's. */
        uint32_t pa = alloc_table(PMM_USER_TABLE);
        if (!pa)
            return NULL;
        /* User PDEs allow everything; each PTE says what is allowed. */
        *pde = pte_make(pa, PTE_WRITE | PTE_USER);
    }
    return &table_of(*pde)[pte_index(va)];
}

/* A change to a kernel mapping is seen by every directory; a change to a
 * user mapping only matters to the TLB if that directory is loaded. */
static void flush_one(const pte_t *pd, uint32_t va)
{
    if (va >= KERNEL_VMA || pd == vmm_current_pd())
        invlpg(va);
}

int vmm_map(pte_t *pd, uint32_t va, uint32_t pa, uint32_t flags)
{
    if ((va | pa) & (PAGE_SIZE - 1))
        return -EINVAL;
    if (va >= KERNEL_VMA && !pte_present(pd[pde_index(va)]))
        return -EINVAL;
    pte_t *e = vmm_pte(pd, va, 1);
    if (!e)
        return -ENOMEM;
    if (pte_present(*e))
        return -EEXIST;
    *e = pte_make(pa, flags);
    /* A not-present entry is never cached in the TLB (SDM 4.10.2.3), but
     * a stale one from an earlier mapping could be if it was not flushed. */
    flush_one(pd, va);
    return 0;
}

int vmm_set(pte_t *pd, uint32_t va, pte_t e)
{
    pte_t *slot = vmm_pte(pd, va, 1);
    if (!slot)
        return -ENOMEM;
    pte_t old = *slot;
    *slot = e;
    if (pte_present(old))
        flush_one(pd, va);
    return 0;
}

pte_t vmm_unmap(pte_t *pd, uint32_t va)
{
    pte_t *e = vmm_pte(pd, va, 0);
    if (!e)
        return 0;
    pte_t old = *e;
    *e = 0;
    if (pte_present(old))
        flush_one(pd, va);
    return old;
}

/* The first entry at or after *va, below end, that is present, or also
 * one that is a swap entry when with_swap. */
static pte_t *next_entry(pte_t *pd, uint32_t *va, uint32_t end, bool with_swap)
{
    uint32_t a = *va;
    while (a < end) {
        pte_t pde = pd[pde_index(a)];
        if (!pte_present(pde)) {
            /* No table: none of its 1024 pages is there. Skip to the next. */
            a = (a | (TABLE_SPAN - 1)) + 1;
            if (a == 0)
                break; /* wrapped past 4 GiB */
            continue;
        }
        pte_t *e = &table_of(pde)[pte_index(a)];
        if (pte_present(*e) || (with_swap && pte_is_swap(*e))) {
            *va = a;
            return e;
        }
        a += PAGE_SIZE;
    }
    return NULL;
}

pte_t *vmm_next_present(pte_t *pd, uint32_t *va, uint32_t end)
{
    return next_entry(pd, va, end, false);
}

pte_t *vmm_next_used(pte_t *pd, uint32_t *va, uint32_t end)
{
    return next_entry(pd, va, end, true);
}

uint32_t vmm_count_present(pte_t *pd, uint32_t start, uint32_t end)
{
    uint32_t n = 0;
    for (uint32_t va = start; vmm_next_present(pd, &va, end); va += PAGE_SIZE)
        n++;
    return n;
}

int vmm_translate(const pte_t *pd, uint32_t va, uint32_t *pa, pte_t *pte)
{
    pte_t pde = pd[pde_index(va)];
    if (!pte_present(pde))
        return -ENOENT;
    pte_t e = table_of(pde)[pte_index(va)];
    if (!pte_present(e))
        return -ENOENT;
    if (pa)
        *pa = pte_addr(e) | (va & (PAGE_SIZE - 1));
    if (pte)
        *pte = e;
    return 0;
}

/* The flags that decide whether two neighbouring pages print as one range. */
#define DUMP_FLAGS (PTE_WRITE | PTE_USER | PTE_GLOBAL | PTE_COW | PTE_FILE)

static void dump_range(uint32_t va0, uint32_t va1, uint32_t pa0, uint32_t flags)
{
    kprintf("  0x%08x-0x%08x -> 0x%08x-0x%08x  r%c %c%s%s%s\n", va0, va1, pa0, pa0 + (va1 - va0),
            flags & PTE_WRITE ? 'w' : '-', flags & PTE_USER ? 'U' : 'S',
            flags & PTE_GLOBAL ? " G" : "", flags & PTE_COW ? " COW" : "",
            flags & PTE_FILE ? " FILE" : "");
}

void vmm_dump(const pte_t *pd, uint32_t from, uint32_t to)
{
    uint32_t run_va = 0, run_pa = 0, run_flags = 0, run_len = 0;
    uint32_t va = from & PTE_ADDR_MASK;
    for (;;) {
        pte_t pde = pd[pde_index(va)];
        pte_t e = pte_present(pde) ? table_of(pde)[pte_index(va)] : 0;
        bool extends = pte_present(e) && run_len && pte_addr(e) == run_pa + run_len &&
                       (pte_flags(e) & DUMP_FLAGS) == run_flags;
        if (!extends && run_len) {
            dump_range(run_va, run_va + run_len - 1, run_pa, run_flags);
            run_len = 0;
        }
        if (pte_present(e) && !extends) {
            run_va = va;
            run_pa = pte_addr(e);
            run_flags = pte_flags(e) & DUMP_FLAGS;
        }
        if (pte_present(e))
            run_len += PAGE_SIZE;
        /* Skip a whole missing table at once. */
        uint32_t next = pte_present(pde) ? va + PAGE_SIZE : (va | (TABLE_SPAN - 1)) + 1;
        if (next == 0 || next > to || next < va)
            break;
        va = next;
    }
    if (run_len)
        dump_range(run_va, run_va + run_len - 1, run_pa, run_flags);
}
