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
};

/* A new address space with an empty user half, or NULL. */
struct mm *mm_create(void);
/* Frees the page tables and the frames (the directory must not be loaded). */
void mm_destroy(struct mm *mm);
/* A copy for fork(): same areas, every present page copied into a new frame.
 * NULL if memory ran out (nothing is left allocated then). */
struct mm *mm_fork(struct mm *parent);
/* Adds an area of kind with prot over [start, end), zero-filled on first
 * touch; -EINVAL if it overlaps another or leaves the user half, -ENOMEM. */
int mm_add_area(struct mm *mm, uint32_t start, uint32_t end, uint32_t prot, enum vma_kind kind);
/* The area holding va, or NULL. */
struct vma *mm_find_area(struct mm *mm, uint32_t va);
/* Makes the page at va present if an area allows the access (write or
 * read): a zero-filled frame on first touch. 0, -EFAULT, or -ENOMEM. */
int mm_fault_in(struct mm *mm, uint32_t va, bool write);
/* Moves the end of the heap; unmaps and frees pages it gives back. The old
 * end, or -ENOMEM. */
int mm_sbrk(struct mm *mm, int32_t delta, uint32_t *old_brk);
/* Checks that [va, va + len) is user memory allowing the access, making its
 * pages present; 0 or -EFAULT (or -ENOMEM). */
int mm_check_user(struct mm *mm, uint32_t va, uint32_t len, bool write);
/* Prints the areas, one per line (the shell's vmmap). */
void mm_print(struct mm *mm);

#endif
