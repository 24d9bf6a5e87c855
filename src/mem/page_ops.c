/* Zeroing and copying whole pages. memset and memcpy (src/kernel/string.c)
 * move one byte per loop turn: 4096 turns for a page. Here one REP STOSD or
 * REP MOVSD instruction moves the page as 1024 doublewords (Intel SDM
 * Vol. 2B, "REP/REPE/REPZ/REPNE/REPNZ", "STOS" and "MOVS"): ECX counts the
 * doublewords, EDI (and ESI) step by 4 since the kernel keeps the direction
 * flag clear, as the System V i386 ABI requires at every call. Under an
 * emulator, which translates each guest instruction into host code, that is
 * far cheaper than 4096 turns of a loop. fastpage=off uses the byte loops,
 * so that `make bench-swap` can measure what this buys. */
#include "mem/page_ops.h"

#include <stdint.h>
#include <string.h>

#include "kernel/params.h"
#include "mem/layout.h"

void page_zero(void *p)
{
    if (!params_fastpage()) {
        memset(p, 0, PAGE_SIZE);
        return;
    }
    uint32_t count = PAGE_SIZE / 4;
    __asm__ volatile("rep stosl" : "+D"(p), "+c"(count) : "a"(0) : "memory");
}

void page_copy(void *dst, const void *src)
{
    if (!params_fastpage()) {
        memcpy(dst, src, PAGE_SIZE);
        return;
    }
    uint32_t count = PAGE_SIZE / 4;
    __asm__ volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(count) : : "memory");
}
