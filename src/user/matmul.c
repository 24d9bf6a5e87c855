/* matmul [N]: C = A x B for N x N matrices of words (default N = 360:
 * three matrices of 506 KiB, about 1.5 MiB in all). A[i][k] = i + k and
 * B[k][j] = k - j, so every element of C has a closed form to check:
 *   C[i][j] = sum over k of (i + k)(k - j)
 *           = i*S1 - i*j*N + S2 - j*S1,  S1 = sum of k, S2 = sum of k*k.
 * B is stored transposed so that the inner loop walks both rows in order.
 * Arithmetic wraps modulo 2^32 on both sides, which keeps them equal. */
#include "libc.h"

int main(int argc, char **argv)
{
    uint32_t n = argc > 1 ? (uint32_t)atoi(argv[1]) : 360;
    uint32_t *a = sbrk((int)(n * n * 4));
    uint32_t *bt = sbrk((int)(n * n * 4)); /* bt[j][k] = B[k][j] */
    uint32_t *c = sbrk((int)(n * n * 4));
    if (n == 0 || a == (void *)-1 || bt == (void *)-1 || c == (void *)-1) {
        printf("matmul: no room for three %ux%u matrices\n", n, n);
        return 1;
    }
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t k = 0; k < n; k++) {
            a[i * n + k] = i + k;
            bt[i * n + k] = k - i;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < n; j++) {
            uint32_t s = 0;
            for (uint32_t k = 0; k < n; k++)
                s += a[i * n + k] * bt[j * n + k];
            c[i * n + j] = s;
        }
    }
    uint32_t s1 = 0, s2 = 0, wrong = 0;
    for (uint32_t k = 0; k < n; k++) {
        s1 += k;
        s2 += k * k;
    }
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++)
            wrong += c[i * n + j] != i * s1 - i * j * n + s2 - j * s1;
    printf("matmul: %ux%u (%u KiB in three matrices): %u elements wrong\n", n, n,
           3 * n * n * 4 / 1024, wrong);
    return wrong != 0;
}
