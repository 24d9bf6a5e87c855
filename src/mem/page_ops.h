/* Zeroing and copying one whole page, the main work of a page fault. */
#ifndef PAGODA_MEM_PAGE_OPS_H
#define PAGODA_MEM_PAGE_OPS_H

/* How a whole page is zeroed or copied: the boot option fastpage= picks
 * one, so that `make bench-swap` can compare them (docs/10-demand-paging.md,
 * "The costs"). */
enum page_method {
    PAGE_WORDS, /* a C loop over 32-bit words (fastpage=on, the default) */
    PAGE_REP,   /* one REP STOSD or REP MOVSD instruction (fastpage=rep) */
    PAGE_BYTES, /* memset and memcpy, a byte per turn (fastpage=off) */
};

/* Fills the 4 KiB page at the kernel address p with zeros. */
void page_zero(enum page_method how, void *p);
/* Copies the 4 KiB page at src to dst (kernel addresses, not overlapping). */
void page_copy(enum page_method how, void *dst, const void *src);

#endif
