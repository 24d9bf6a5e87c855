/* Virtual memory: two-level i386 page tables (see docs/05-paging.md). A page
 * directory is named by the kernel-virtual address of its 4 KiB of entries
 * (it lives in directly mapped RAM); its physical address is what CR3 holds. */
#ifndef MEM_VMM_H
#define MEM_VMM_H

#include <stdint.h>

#include "mem/pte.h"

/* The top 128 MiB of the address space: page tables exist from boot, so the
 * kernel can map frames there (e.g. HighMem frames) without new PDEs. */
#define KVA_START 0xF8000000u

/* Flags for vmm_map: PTE_WRITE, PTE_USER, PTE_GLOBAL, PTE_COW (pte.h). */

/* Builds the kernel's own directory (direct map with 4 KiB pages, text
 * read-only, everything global), loads CR3 and turns on CR4.PGE. */
void vmm_init(void);
/* The kernel's page directory, whose upper quarter every directory shares. */
pte_t *vmm_kernel_pd(void);
/* Physical address of a directory (what goes into CR3). */
uint32_t vmm_pd_phys(const pte_t *pd);
/* The directory CR3 points at now. */
pte_t *vmm_current_pd(void);
/* Loads CR3 with pd if it is not already there (a reload flushes the TLB's
 * non-global entries); returns 1 if CR3 changed, 0 if not. */
int vmm_switch(pte_t *pd);
/* A new directory: empty user half, kernel half shared. NULL if out of memory. */
pte_t *vmm_pd_create(void);
/* Frees a directory, its user page tables, and drops its reference on every
 * frame mapped in its user half. Refuses (-EBUSY) the one in CR3. */
int vmm_pd_destroy(pte_t *pd);
/* Maps the page at va to the frame at pa; 0, -EINVAL (unaligned, or a kernel
 * address without a page table), -EEXIST (already mapped), -ENOMEM. */
int vmm_map(pte_t *pd, uint32_t va, uint32_t pa, uint32_t flags);
/* Replaces the entry for va with e, whatever it was (making the page table
 * if needed), and drops the old one from the TLB: 0 or -ENOMEM. */
int vmm_set(pte_t *pd, uint32_t va, pte_t e);
/* Unmaps va and returns the old entry (0 if there was none). Does not free
 * the frame: the caller owns it. */
pte_t vmm_unmap(pte_t *pd, uint32_t va);
/* The first present entry for a page in [*va, end), with *va set to that
 * page's address; NULL if there is none. Whole 4 MiB regions without a page
 * table are skipped at once, so walking a huge, mostly untouched area costs
 * what its tables hold, not what its size is. Loop with va += PAGE_SIZE. */
pte_t *vmm_next_present(pte_t *pd, uint32_t *va, uint32_t end);
/* The same, stopping also at a swap entry (a page that is in swap). */
pte_t *vmm_next_used(pte_t *pd, uint32_t *va, uint32_t end);
/* How many pages in [start, end) are present. */
uint32_t vmm_count_present(pte_t *pd, uint32_t start, uint32_t end);
/* Translates va: 0 and *pa (with the page offset) and *pte, or -ENOENT. */
int vmm_translate(const pte_t *pd, uint32_t va, uint32_t *pa, pte_t *pte);
/* The entry for va, or NULL if its page table does not exist; with
 * create, the page table is made (user half only). */
pte_t *vmm_pte(pte_t *pd, uint32_t va, int create);
/* Prints the mappings in [from, to] as coalesced ranges, one per line:
 * 0xc0000000-0xc00fffff -> 0x00000000-0x000fffff  rw S G */
void vmm_dump(const pte_t *pd, uint32_t from, uint32_t to);
/* Prints the physical addresses and values of the PDE and PTE that map va,
 * as the CPU walks them (the recipes under break=paging, docs/05-paging.md). */
void vmm_print_walk(const pte_t *pd, uint32_t va);
/* Page tables the kernel half uses (allocated once, at boot). */
uint32_t vmm_kernel_tables(void);

#endif
