/* pagelinear: a 2 MiB array, filled, encrypted and decrypted in place, then
 * checked byte by byte (after Pintos's page-linear). Every page is touched
 * three times in order: under memory pressure this is the easy case. With
 * an argument, it names itself in its output (pageparallel runs four). */
#include "libc.h"

#define SIZE (2u << 20)

static uint8_t buf[SIZE]; /* .bss: demand-zero */

/* The byte the key stream gives position i (an xorshift stream, re-seeded
 * per 4 KiB page so that each page can be done on its own). */
static void crypt(uint32_t key)
{
    for (uint32_t page = 0; page < SIZE / 4096; page++) {
        uint32_t state = key ^ (page * 2654435761u);
        for (uint32_t i = page * 4096; i < (page + 1) * 4096; i++)
            buf[i] ^= (uint8_t)random_next(&state);
    }
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "pagelinear";
    for (uint32_t i = 0; i < SIZE; i++)
        buf[i] = (uint8_t)(i * 7 + (i >> 12));
    crypt(0x5eed);
    crypt(0x5eed); /* the same stream again takes it back */
    uint32_t wrong = 0;
    for (uint32_t i = 0; i < SIZE; i++)
        wrong += buf[i] != (uint8_t)(i * 7 + (i >> 12));
    printf("%s: %u KiB encrypted and decrypted: %u bytes wrong\n", name, SIZE / 1024, wrong);
    return wrong != 0;
}
