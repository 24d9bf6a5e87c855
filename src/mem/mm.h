/* An address space: a page directory plus the list of VM areas that say
 * which user addresses are valid and how (docs/07-processes.md). The page
 * tables say what is in memory now; the VM areas (src/mem/vma.h) say what
 * may be. */
#ifndef MEM_MM_H
#define MEM_MM_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/pte.h"
#include "mem/vma.h"

struct mm {
    pte_t *pd;
    struct vma_list vmas;
    uint32_t heap_start, brk; /* the heap is [heap_start, brk), rounded up to pages */
    uint32_t stack_limit;     /* the stack may grow down to USER_STACK_TOP - stack_limit */
    struct mm *next;          /* every address space is on one list (mm_shm_attachments) */
};

/* A new address space with an empty user half, or NULL. */
struct mm *mm_create(void);
/* Frees the page tables and the frames (the directory must not be loaded). */
void mm_destroy(struct mm *mm);
/* A copy for fork(): the same areas, and every present page shared
 * copy-on-write (copied at once with cow=off). NULL if memory ran out
 * (nothing the child took is left allocated then). */
struct mm *mm_fork(struct mm *parent);
/* Adds an area of kind with prot over [start, end), zero-filled on first
 * touch; -EINVAL if it overlaps another or leaves the user half, -ENOMEM. */
int mm_add_area(struct mm *mm, uint32_t start, uint32_t end, uint32_t prot, enum vma_kind kind);
/* Adds area v as it is (a program segment with its file fields): as
 * mm_add_area. */
int mm_insert_area(struct mm *mm, const struct vma *v);
/* The area holding va, or NULL. */
struct vma *mm_find_area(struct mm *mm, uint32_t va);
/* The user page-fault path: resolves an access to va (a write or not) as
 * fault_decide() says: fills a page on first touch, copies or reuses a
 * copy-on-write page. 0 when the access can now proceed, -EFAULT if the
 * process may not make it, -ENOMEM. */
int mm_handle_fault(struct mm *mm, uint32_t va, bool write);
/* Faults resolved since boot, indexed by enum fault_action. */
const uint32_t *mm_fault_counts(void);
/* The lowest address the stack may grow to, and the bottom of the gap
 * below it, which no area may enter. */
uint32_t mm_stack_floor(const struct mm *mm);
uint32_t mm_gap_floor(const struct mm *mm);
/* Grows the stack area down to the page holding va if va lies between the
 * stack's limit and the area, and close enough below the stack pointer esp
 * to be the stack growing (a push, a large frame): true if it did. */
bool mm_grow_stack(struct mm *mm, uint32_t va, uint32_t esp);
/* How far below the stack pointer a growing stack may first touch: a push
 * writes just below ESP, a function's large frame further down (the same
 * slack as Linux's check). */
#define MM_STACK_SLACK (65536 + 32 * 4)
/* mmap() for anonymous memory: a new area of len bytes (rounded up to
 * pages) with prot, at addr with MAP_FIXED (replacing what was there), else
 * where there is room, from addr if it is free. MAP_PRIVATE gives pages of
 * its own (copy-on-write after fork); MAP_SHARED gives a keyless shared
 * segment (src/mem/shm.h), so the pages stay shared with children forked
 * later. Its address, or -EINVAL (a bad argument), or -ENOMEM (no room). */
long mm_mmap(struct mm *mm, uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags);
/* shmat(): attaches shared segment id at addr (or where there is room, if
 * addr is 0), read-only with SHM_RDONLY. Its address, or -EINVAL (no such
 * segment, a bad address), or -ENOMEM. */
long mm_shmat(struct mm *mm, int id, uint32_t addr, uint32_t flags);
/* shmdt(): detaches the segment attached at addr. 0, or -EINVAL. */
int mm_shmdt(struct mm *mm, uint32_t addr);
/* Reverse mapping: calls fn (if not NULL) for every address space whose
 * entry for va maps the frame at pa, and returns how many there are. A
 * private page is mapped at the same address in every process that has it
 * (only fork shares one), so its frame records that address and the walk
 * looks there in each address space. */
uint32_t mm_rmap_walk(uint32_t pa, uint32_t va,
                      void (*fn)(struct mm *mm, pte_t *e, uint32_t va, void *ctx), void *ctx);
/* How many attachments of segment id there are, in every address space
 * (an attachment split in pieces by munmap or mprotect counts once). */
uint32_t mm_shm_attachments(int id);
/* munmap(): removes [addr, addr + len) from the areas (splitting them) and
 * frees its pages. 0 or -EINVAL. */
int mm_munmap(struct mm *mm, uint32_t addr, uint32_t len);
/* mprotect(): gives [addr, addr + len) the protection prot, splitting
 * areas, and updates the pages already present. 0, -EINVAL, or -ENOMEM
 * when part of the range is in no area. */
int mm_mprotect(struct mm *mm, uint32_t addr, uint32_t len, uint32_t prot);
/* Moves the end of the heap; unmaps and frees pages it gives back. The old
 * end, or -ENOMEM. */
int mm_sbrk(struct mm *mm, int32_t delta, uint32_t *old_brk);
/* Checks that [va, va + len) is user memory allowing the access, making its
 * pages present; 0 or -EFAULT (or -ENOMEM). */
int mm_check_user(struct mm *mm, uint32_t va, uint32_t len, bool write);
/* Brings every page in swap, of every address space, back into memory
 * (swapoff): 0, or the first fault's error. */
int mm_swap_in_all(void);
/* The user pages of an address space: present (not counting a program
 * file's frames) and in swap. */
void mm_count_pages(struct mm *mm, uint32_t *resident, uint32_t *swapped);
/* Prints the areas, one per line, with their resident pages and how many
 * of those are shared (the shell's vmmap). */
void mm_print(struct mm *mm);

#endif
