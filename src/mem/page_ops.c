/* Zeroing and copying whole pages, three ways. Which is fastest depends on
 * who runs the instructions.
 *
 *  - PAGE_BYTES: memset and memcpy (src/kernel/string.c) move one byte per
 *    loop turn, 4096 turns for a page. The baseline.
 *  - PAGE_REP: one REP STOSD or REP MOVSD moves the page as 1024
 *    doublewords (Intel SDM Vol. 2B, "REP/REPE/REPZ/REPNE/REPNZ", "STOS"
 *    and "MOVS"). ECX counts the doublewords; EDI (and ESI) step by 4
 *    because the kernel keeps the direction flag clear, as the System V
 *    i386 ABI requires at every call. A real CPU runs this as one fast
 *    string operation (SDM Vol. 1, 7.3.9.3), which is why Linux zeroes
 *    pages this way.
 *  - PAGE_WORDS: a plain loop over 1024 words. QEMU's emulator (TCG, as
 *    of QEMU 7.2) translates guest code into host code one block at a
 *    time, and it runs each repetition of a REP instruction as one trip
 *    through its translated block: 1024 trips per page. clang compiles
 *    the loop below with eight stores a turn, 128 trips for the same 1024
 *    stores, and under QEMU 7.2 that zeroes a page in about three quarters
 *    of the time of REP STOSD (test=vmm measures it). gcc -O2 keeps one
 *    store a turn, and its build zeroes more slowly this way than with
 *    REP STOSD: the fastest C depends on the compiler as well. */
#include "mem/page_ops.h"

#include <stdint.h>
#include <string.h>

#include "mem/layout.h"

#define WORDS (PAGE_SIZE / sizeof(uint32_t))

void page_zero(enum page_method how, void *p)
{
    if (how == PAGE_BYTES) {
        memset(p, 0, PAGE_SIZE);
    } else if (how == PAGE_REP) {
        uint32_t count = WORDS;
        __asm__ volatile("rep stosl" : "+D"(p), "+c"(count) : "a"(0) : "memory");
    } else {
        uint32_t *w = p;
        for (uint32_t i = 0; i < WORDS; i++)
            w[i] = 0;
    }
}

void page_copy(enum page_method how, void *dst, const void *src)
{
    if (how == PAGE_BYTES) {
        memcpy(dst, src, PAGE_SIZE);
    } else if (how == PAGE_REP) {
        uint32_t count = WORDS;
        __asm__ volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(count) : : "memory");
    } else {
        uint32_t *d = dst;
        const uint32_t *s = src;
        for (uint32_t i = 0; i < WORDS; i++)
            d[i] = s[i];
    }
}
