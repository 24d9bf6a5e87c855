/* An address space: a page directory plus the list of VM areas that say
 * which user addresses are valid and how (docs/07-processes.md). The page
 * tables say what is in memory now; the VM areas say what may be. */
#ifndef MEM_VMA_H
#define MEM_VMA_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/pte.h"

#define VMA_READ  0x1u
#define VMA_WRITE 0x2u
#define VMA_EXEC  0x4u

enum vma_kind { VMA_CODE, VMA_DATA, VMA_HEAP, VMA_STACK };

struct vma {
    uint32_t start, end; /* [start, end), page aligned */
    uint32_t prot;       /* VMA_READ | VMA_WRITE | VMA_EXEC */
    enum vma_kind kind;
    struct vma *next; /* sorted by start */
};

struct mm {
    pte_t *pd;
    struct vma *vmas;
    uint32_t heap_start, brk; /* the heap is [heap_start, brk), rounded up to pages */
};

/* A new address space with an empty user half, or NULL. */
struct mm *mm_create(void);
/* Frees the VM areas, the page tables and the frames (the directory must not be loaded). */
void mm_destroy(struct mm *mm);
/* A copy for fork(): same areas, every present page copied into a new frame.
 * NULL if memory ran out (nothing is left allocated then). */
struct mm *mm_fork(struct mm *parent);
/* Adds an area; -EINVAL if it overlaps another or leaves the user half. */
int vma_add(struct mm *mm, uint32_t start, uint32_t end, uint32_t prot, enum vma_kind kind);
/* The area holding va, or NULL. */
struct vma *vma_find(struct mm *mm, uint32_t va);
/* Makes the page at va present if an area allows the access (write or
 * read): a zero-filled frame on first touch. 0, -EFAULT, or -ENOMEM. */
int vma_fault_in(struct mm *mm, uint32_t va, bool write);
/* Moves the end of the heap; unmaps and frees pages it gives back. The old
 * end, or -ENOMEM. */
int mm_sbrk(struct mm *mm, int32_t delta, uint32_t *old_brk);
/* Checks that [va, va + len) is user memory allowing the access, making its
 * pages present; 0 or -EFAULT (or -ENOMEM). */
int mm_check_user(struct mm *mm, uint32_t va, uint32_t len, bool write);
/* Prints the areas, one per line (the shell's vmmap). */
void mm_print(const struct mm *mm);
/* The name of an area's kind: "code", "data", "heap", "stack". */
const char *vma_kind_name(enum vma_kind kind);

#endif
