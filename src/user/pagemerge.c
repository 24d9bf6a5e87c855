/* pagemerge: eight children each sort a chunk of 1 MiB of random bytes,
 * and the parent merges the chunks and checks the result (after Pintos's
 * page-merge). The children get the data by copy-on-write fork and hand
 * their sorted chunk back through a MAP_SHARED mapping, so both kinds of
 * sharing are under load at once. */
#include "libc.h"

#define SIZE   (1u << 20)
#define CHUNKS 8
#define CHUNK  (SIZE / CHUNKS)

static uint8_t data[SIZE];   /* the parent's random bytes; each child sorts its copy */
static uint8_t merged[SIZE]; /* the parent's merge of the sorted chunks */

static void sift_down(uint8_t *a, uint32_t root, uint32_t n)
{
    for (uint32_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[root] >= a[child])
            return;
        uint8_t t = a[root];
        a[root] = a[child];
        a[child] = t;
    }
}

static void heap_sort(uint8_t *a, uint32_t n)
{
    for (uint32_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (uint32_t end = n; end-- > 1;) {
        uint8_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

int main(void)
{
    uint32_t seed = 0xc0ffee;
    for (uint32_t i = 0; i < SIZE; i++)
        data[i] = (uint8_t)random_next(&seed);
    uint8_t *sorted = (uint8_t *)mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
                                      MAP_SHARED | MAP_ANONYMOUS);
    for (int c = 0; c < CHUNKS; c++) {
        if (fork() == 0) {
            heap_sort(data + c * CHUNK, CHUNK);
            memcpy(sorted + c * CHUNK, data + c * CHUNK, CHUNK);
            exit(0);
        }
    }
    int failed = 0;
    for (int c = 0; c < CHUNKS; c++) {
        int status = -1;
        wait(&status);
        failed += status != 0;
    }
    /* Merge: repeatedly take the smallest head among the chunks. */
    uint32_t head[CHUNKS];
    for (int c = 0; c < CHUNKS; c++)
        head[c] = c * CHUNK;
    for (uint32_t out = 0; out < SIZE; out++) {
        int best = -1;
        for (int c = 0; c < CHUNKS; c++)
            if (head[c] < (uint32_t)(c + 1) * CHUNK &&
                (best < 0 || sorted[head[c]] < sorted[head[best]]))
                best = c;
        merged[out] = sorted[head[best]++];
    }
    /* Sorted, and the same bytes as the parent's data, which no child's
     * sort may have changed. */
    uint32_t unsorted = 0, count[256] = {0};
    for (uint32_t i = 0; i < SIZE; i++) {
        unsorted += i > 0 && merged[i - 1] > merged[i];
        count[data[i]]++;
        count[merged[i]]--;
    }
    uint32_t differ = 0;
    for (int b = 0; b < 256; b++)
        differ += count[b] != 0;
    printf("pagemerge: %d children failed, %u out of order, %u byte values miscounted\n", failed,
           unsorted, differ);
    return failed || unsorted || differ;
}
