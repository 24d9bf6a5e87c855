/* Reaching any frame from the kernel. Normal frames are always mapped (the
 * direct map); a HighMem frame gets a temporary mapping in the kernel-virtual
 * area for as long as the kernel needs it. */
#ifndef MEM_HIGHMEM_H
#define MEM_HIGHMEM_H

#include <stddef.h>
#include <stdint.h>

/* A kernel address for the frame at pa; kunmap() it when done. At most
 * KMAP_SLOTS HighMem frames can be mapped at once. */
void *kmap(uint32_t pa);
/* Ends a kmap() mapping (nothing to do for Normal frames). */
void kunmap(void *va);
/* Fills the frame at pa with zeros. */
void frame_zero(uint32_t pa);
/* Copies the frame at src to the frame at dst. */
void frame_copy(uint32_t dst, uint32_t src);

#define KMAP_SLOTS 8

#endif
