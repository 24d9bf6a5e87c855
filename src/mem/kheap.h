/* The kernel heap: kmalloc and friends, on pages from the buddy allocator
 * (src/mem/kheap_core.c does the work; docs/06-kernel-heap.md explains it). */
#ifndef MEM_KHEAP_H
#define MEM_KHEAP_H

#include <stdbool.h>
#include <stddef.h>

/* Sets up the heap; debug adds red zones and poisoning (kheap=debug|fast). */
void kheap_setup(bool debug);
/* size bytes, 16-byte aligned, or NULL. */
void *kmalloc(size_t size);
/* Frees p (NULL is fine); a double free or a bad pointer panics. */
void kfree(void *p);
/* C realloc semantics on the kernel heap. */
void *krealloc(void *p, size_t size);
/* Frees like kfree but returns 0 or -EINVAL instead of panicking (tests). */
int kfree_checked(void *p);
/* Walks the whole heap; 0, or -EINVAL after printing what is broken. */
int kheap_verify(void);
/* Prints the size classes and the totals (the shell's mem). */
void kheap_print_info(void);
/* Pages the heap holds now, after giving back cached empty pages. */
unsigned kheap_pages_held(void);

#endif
