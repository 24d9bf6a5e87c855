/* bystander: runs quietly next to other (misbehaving) programs and checks
 * that its heap and stack stay exactly as it left them. */
#include "libc.h"

#define BYTES  (64 * 1024)
#define WORDS  (BYTES / 4)
#define ROUNDS 100 /* of 20 ms: about 2 seconds */

/* The word at index i: different in every process and at every index. */
static uint32_t pattern(uint32_t seed, uint32_t i)
{
    uint32_t x = seed ^ (i * 2654435761u);
    x ^= x >> 15;
    return x * 2246822519u;
}

/* Order-sensitive, so swapped words are noticed too. */
static uint32_t checksum_of(const uint32_t *w, uint32_t seed)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i < WORDS; i++)
        sum = (sum << 5 | sum >> 27) ^ (w ? w[i] : pattern(seed, i));
    return sum;
}

int main(void)
{
    int pid = getpid();
    uint32_t seed = (uint32_t)pid * 0x9e3779b9u;
    uint32_t *heap = malloc(BYTES);
    if (!heap) {
        printf("bystander %d: malloc failed\n", pid);
        return 1;
    }
    for (uint32_t i = 0; i < WORDS; i++)
        heap[i] = pattern(seed, i);
    /* Computed from the pattern, not from the buffer: it checks the fill too. */
    uint32_t expected = checksum_of(NULL, seed);

    volatile uint32_t on_stack[8];
    for (uint32_t i = 0; i < 8; i++)
        on_stack[i] = pattern(~seed, i);

    for (int round = 1; round <= ROUNDS; round++) {
        sleep(20);
        bool ok = checksum_of(heap, seed) == expected;
        for (uint32_t i = 0; i < 8; i++)
            ok = ok && on_stack[i] == pattern(~seed, i);
        if (!ok) {
            printf("bystander %d: corrupted at round %d\n", pid, round);
            return 1;
        }
    }
    printf("bystander %d: intact after %d rounds\n", pid, ROUNDS);
    return 0;
}
