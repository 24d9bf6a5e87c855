/* sortbig [KIB [MS]]: sorts KIB kibibytes (default 1152) of pseudo-random
 * words with quicksort, then checks that they are in order and that their
 * sum and exclusive-or are what they were before (after OS/161's sort
 * test). With MS, it sleeps that many milliseconds between filling the
 * array and sorting it, so that jobs started together all hold their
 * arrays at once.
 * Under a 1 MiB budget (userpages=256) the array does not fit, so the
 * partition scans keep moving pages to and from swap. */
#include "libc.h"

static uint32_t *a;

static void swap_words(uint32_t i, uint32_t j)
{
    uint32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

/* Sorts a[lo..hi] (inclusive): partitions around the middle word, recurses
 * into the smaller side and loops on the larger, so the stack stays
 * shallow whatever the data. */
static void quicksort(uint32_t lo, uint32_t hi)
{
    while (lo < hi) {
        uint32_t pivot = a[lo + (hi - lo) / 2];
        uint32_t i = lo, j = hi;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            swap_words(i, j);
            i++;
            j--;
        }
        /* a[lo..j] <= pivot <= a[j+1..hi] */
        if (j - lo < hi - j - 1) {
            quicksort(lo, j);
            lo = j + 1;
        } else {
            quicksort(j + 1, hi);
            hi = j;
        }
    }
}

int main(int argc, char **argv)
{
    uint32_t kib = argc > 1 ? (uint32_t)atoi(argv[1]) : 1152;
    uint32_t n = kib * 256;
    a = sbrk((int)(n * 4));
    if (n < 2 || a == (void *)-1) {
        printf("sortbig: no room for %u KiB\n", kib);
        return 1;
    }
    uint32_t seed = 12345, sum = 0, xor = 0;
    for (uint32_t i = 0; i < n; i++) {
        a[i] = random_next(&seed);
        sum += a[i];
        xor ^= a[i];
    }
    if (argc > 2)
        sleep((unsigned)atoi(argv[2]));
    quicksort(0, n - 1);
    uint32_t disorder = 0, sum2 = 0, xor2 = 0;
    for (uint32_t i = 0; i < n; i++) {
        disorder += i > 0 && a[i - 1] > a[i];
        sum2 += a[i];
        xor2 ^= a[i];
    }
    bool same = sum == sum2 && xor == xor2;
    printf("sortbig: %u KiB sorted: %u words out of order, sum and xor %s\n", kib, disorder,
           same ? "kept" : "CHANGED");
    return disorder != 0 || !same;
}
