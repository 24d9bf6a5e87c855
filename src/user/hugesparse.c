/* hugesparse [MIB]: an array of MIB mebibytes (default 8) of which every
 * fourth page is live (2 MiB by default), after OS/161's huge test. Writes
 * a word pattern over the whole of each live page, then checks every word
 * twice, once in order and once from the end. Under a 1 MiB budget
 * (userpages=256) the live pages do not fit, and the untouched pages cost
 * neither a frame nor a slot. */
#include "libc.h"

#define PAGE  4096u
#define WORDS (PAGE / 4)

static uint32_t pattern(uint32_t page, uint32_t word)
{
    return page * 2654435761u + word * 40503u;
}

static uint32_t check_page(const uint32_t *a, uint32_t page)
{
    uint32_t wrong = 0;
    for (uint32_t w = 0; w < WORDS; w++)
        wrong += a[page * WORDS + w] != pattern(page, w);
    return wrong;
}

int main(int argc, char **argv)
{
    uint32_t mib = argc > 1 ? (uint32_t)atoi(argv[1]) : 8;
    uint32_t pages = mib * 256;
    uint32_t *a = sbrk((int)(pages * PAGE));
    if (pages == 0 || a == (void *)-1) {
        printf("hugesparse: sbrk of %u MiB failed\n", mib);
        return 1;
    }
    for (uint32_t p = 0; p < pages; p += 4)
        for (uint32_t w = 0; w < WORDS; w++)
            a[p * WORDS + w] = pattern(p, w);
    uint32_t wrong = 0;
    for (uint32_t p = 0; p < pages; p += 4)
        wrong += check_page(a, p);
    for (uint32_t p = (pages - 1) / 4 * 4 + 4; p >= 4;) {
        p -= 4;
        wrong += check_page(a, p);
    }
    printf("hugesparse: %u MiB with %u KiB live, checked twice: %u words wrong\n", mib,
           pages / 4 * 4, wrong);
    return wrong != 0;
}
