/* VM areas, a pure core (docs/07-processes.md). An area is a range of
 * user addresses with permissions, a kind, and a description of what its
 * pages hold before they are first touched. A process's areas are kept in
 * a vma_list: an array sorted by address, with no two areas overlapping.
 *
 * The operations are the ones mmap, munmap, mprotect, brk and the loader
 * need: find, insert, unmap a range (splitting an area that straddles its
 * ends), change the protection of a range (splitting likewise), and merging
 * neighbours that became equal. Nothing here touches page tables or frames:
 * src/mem/mm.c does that around these calls. */
#ifndef MEM_VMA_H
#define MEM_VMA_H

#include <stdbool.h>
#include <stdint.h>

#define VMA_READ  0x1u
#define VMA_WRITE 0x2u
#define VMA_EXEC  0x4u

/* The most areas one process may have: mmap beyond it gets -ENOMEM. */
#define VMA_MAX 64

enum vma_kind { VMA_CODE, VMA_DATA, VMA_HEAP, VMA_STACK, VMA_ANON, VMA_SHARED, VMA_NKINDS };

/* An area [start, end). Its pages start out as:
 *  - file bytes where it has a file: the bytes of the program file at
 *    offset (va + file_bias) for addresses in [file_start, file_end), zero
 *    elsewhere in the page (the end of .data, then .bss);
 *  - the pages of shared-memory segment shm (VMA_SHARED): address va is
 *    the segment's page (va - shm_base) / PAGE_SIZE;
 *  - zeros otherwise.
 * Every field is absolute (an address, not an offset from start), so an
 * area split in two needs no field changed but start and end. */
struct vma {
    uint32_t start, end; /* page aligned, start < end */
    uint32_t prot;       /* VMA_READ | VMA_WRITE | VMA_EXEC */
    enum vma_kind kind;
    uint32_t file;       /* physical address of the program file, 0 for none */
    uint32_t file_bias;  /* file offset of address va is va + file_bias (mod 2^32) */
    uint32_t file_start; /* addresses [file_start, file_end) hold file bytes */
    uint32_t file_end;
    uint32_t shm;      /* VMA_SHARED: the segment's id; 0 otherwise */
    uint32_t shm_base; /* the address of the segment's first page */
};

struct vma_list {
    struct vma area[VMA_MAX]; /* area[0 .. n-1], sorted by start */
    int n;
};

/* An empty list. */
void vma_list_init(struct vma_list *l);
/* The area holding va, or NULL. */
struct vma *vma_find(struct vma_list *l, uint32_t va);
/* Adds a copy of v: 0; -EINVAL if v is empty, not page aligned or overlaps
 * an area; -ENOMEM if the list is full and v needs an area of its own. v is
 * merged with a neighbour that touches it and is equal in everything but
 * its range (so growing an area never needs a free slot). */
int vma_insert(struct vma_list *l, const struct vma *v);
/* Removes [start, end) from every area, splitting an area that reaches
 * past either end; addresses no area holds are skipped. 0; -EINVAL for an
 * empty or unaligned range; -ENOMEM if a split needs a slot and the list
 * is full (the list is then unchanged). */
int vma_unmap(struct vma_list *l, uint32_t start, uint32_t end);
/* Gives [start, end) the protection prot, splitting as needed, then
 * merges neighbours that became equal. Every page of the range must be in
 * some area: -ENOMEM if not (as Linux's mprotect), -EINVAL for a bad range,
 * -ENOMEM if the list has no free slot for each end of the range that falls
 * strictly inside an area (the splits are counted before any merge, even
 * when prot is what the areas have already); on any error the list is
 * unchanged. */
int vma_protect(struct vma_list *l, uint32_t start, uint32_t end, uint32_t prot);
/* The lowest address a >= lo such that [a, a + size) lies in [lo, hi) and
 * overlaps no area; with hint in [lo, hi) the search starts at hint rounded
 * up to a page, and only then wraps to lo. 0 if there is no such place, or
 * if size or lo is 0 or not page aligned, or lo >= hi. */
uint32_t vma_find_free(const struct vma_list *l, uint32_t size, uint32_t lo, uint32_t hi,
                       uint32_t hint);
/* True if a and b differ in nothing but their range (so that, touching,
 * they could be one area). */
bool vma_same_kind(const struct vma *a, const struct vma *b);
/* The name of a kind: "code", "data", "heap", "stack", "anon", "shared". */
const char *vma_kind_name(enum vma_kind kind);

#endif
