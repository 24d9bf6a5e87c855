/* Page directory and page table entries of two-level i386 paging (Intel SDM
 * vol. 3A, 4.3, tables 4-5 and 4-6), and Pagoda's use of the bits the CPU
 * leaves to software. Every later chapter reads and writes entries through
 * these helpers only, so this is the one place that says what each bit means.
 *
 * A present entry (P = 1):
 *
 *   31                    12 11  9 8 7 6 5 4 3 2 1 0
 *  +------------------------+-----+-+-+-+-+-+-+-+-+-+
 *  | frame address >> 12    | AVL |G|S|D|A|C|W|U|W|P|
 *  +------------------------+-----+-+-+-+-+-+-+-+-+-+
 *   P   present                    U   user (ring 3) may access; else supervisor only
 *   W   writable (bit 1)           PWT/PCD (bits 3, 4) caching, unused here
 *   A   accessed: set by the CPU   D   dirty: set by the CPU on a write (PTE only)
 *   S   PS in a PDE: 4 MiB page; PAT in a PTE (unused)
 *   G   global: kept in the TLB across CR3 loads (needs CR4.PGE)
 *   AVL bits 9-11 ignored by the CPU: bit 9 = PTE_COW (copy-on-write page),
 *       bit 10 = PTE_FILE (the frame is a program file's own: not counted)
 *
 * A not-present entry (P = 0): the CPU ignores bits 31:1, so software owns them.
 *
 *   0x00000000                       never touched: the first fault fills it
 *   slot << 12 | PTE_SWAP (bit 1)    the page is in swap, at slot `slot`
 */
#ifndef MEM_PTE_H
#define MEM_PTE_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t pte_t;

#define PTE_PRESENT  (1u << 0)
#define PTE_WRITE    (1u << 1)
#define PTE_USER     (1u << 2)
#define PTE_PWT      (1u << 3)
#define PTE_PCD      (1u << 4)
#define PTE_ACCESSED (1u << 5)
#define PTE_DIRTY    (1u << 6)
#define PDE_4MB      (1u << 7)
#define PTE_GLOBAL   (1u << 8)
#define PTE_COW      (1u << 9) /* software: read-only now, copy on the first write */
#define PTE_FILE                                                                                   \
    (1u << 10) /* software: a frame of a boot module (a program file),                             \
                  shared read-only and never freed: no reference count */
#define PTE_FLAGS_MASK 0xFFFu
#define PTE_ADDR_MASK  0xFFFFF000u

/* Only when PTE_PRESENT is clear: the page's contents are in swap. */
#define PTE_SWAP          (1u << 1)
#define PTE_SWAP_SLOT_MAX 0xFFFFFu /* 20 bits of slot number */

/* Which entries cover a virtual address: bits 31-22 pick the PDE, 21-12 the PTE. */
static inline uint32_t pde_index(uint32_t va)
{
    return va >> 22;
}
static inline uint32_t pte_index(uint32_t va)
{
    return (va >> 12) & 0x3FF;
}

/* An entry that maps the frame at physical address pa with flags. */
static inline pte_t pte_make(uint32_t pa, uint32_t flags)
{
    return (pa & PTE_ADDR_MASK) | (flags & PTE_FLAGS_MASK) | PTE_PRESENT;
}
static inline bool pte_present(pte_t e)
{
    return e & PTE_PRESENT;
}
/* The frame's physical address (meaningful only when present). */
static inline uint32_t pte_addr(pte_t e)
{
    return e & PTE_ADDR_MASK;
}
static inline uint32_t pte_flags(pte_t e)
{
    return e & PTE_FLAGS_MASK;
}
/* True for an entry that was never used (demand-zero on the first fault). */
static inline bool pte_none(pte_t e)
{
    return e == 0;
}

/* A not-present entry saying "this page is in swap slot slot". Slot 0 is
 * the swap header's page, never a data slot, so a swap entry is never 0. */
static inline pte_t pte_make_swap(uint32_t slot)
{
    return (slot << 12) | PTE_SWAP;
}
static inline bool pte_is_swap(pte_t e)
{
    return !(e & PTE_PRESENT) && (e & PTE_SWAP);
}
static inline uint32_t pte_swap_slot(pte_t e)
{
    return e >> 12;
}

#endif
