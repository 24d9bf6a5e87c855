/* Zeroing and copying one whole page, the main work of a page fault. */
#ifndef PAGODA_MEM_PAGE_OPS_H
#define PAGODA_MEM_PAGE_OPS_H

/* Fills the 4 KiB page at the kernel address p with zeros. */
void page_zero(void *p);
/* Copies the 4 KiB page at src to dst (kernel addresses, not overlapping). */
void page_copy(void *dst, const void *src);

#endif
