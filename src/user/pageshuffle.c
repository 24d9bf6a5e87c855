/* pageshuffle: a 1 MiB array of words 0, 1, 2, ... shuffled ten times with
 * Fisher-Yates, touching pages in random order (after Pintos's
 * page-shuffle). The sum of the words cannot change, and at the end every
 * word must still appear exactly once. */
#include "libc.h"

#define WORDS (1u << 18) /* 1 MiB */

static uint32_t w[WORDS];
static uint8_t seen[WORDS / 8];

static uint32_t sum(void)
{
    uint32_t s = 0;
    for (uint32_t i = 0; i < WORDS; i++)
        s += w[i];
    return s;
}

int main(void)
{
    for (uint32_t i = 0; i < WORDS; i++)
        w[i] = i;
    uint32_t want = sum(), seed = 42, bad_sums = 0;
    for (int round = 0; round < 10; round++) {
        for (uint32_t i = WORDS - 1; i > 0; i--) {
            uint32_t j = random_next(&seed) % (i + 1);
            uint32_t t = w[i];
            w[i] = w[j];
            w[j] = t;
        }
        bad_sums += sum() != want;
    }
    uint32_t missing = 0;
    for (uint32_t i = 0; i < WORDS; i++)
        seen[w[i] / 8] |= (uint8_t)(1u << (w[i] % 8));
    for (uint32_t i = 0; i < WORDS; i++)
        missing += !(seen[i / 8] & (1u << (i % 8)));
    printf("pageshuffle: 10 rounds, checksum 0x%08x, %u rounds with a wrong sum, %u words "
           "missing\n",
           want, bad_sums, missing);
    return bad_sums || missing;
}
