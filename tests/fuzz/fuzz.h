/* What the parser fuzz targets in tests/fuzz/ share.
 *
 * A target gets one input from libFuzzer, hands it to a parser and checks
 * properties of the answer. A broken property is reported with FAIL(), which
 * abort()s: libFuzzer then keeps the input as a crash file. */
#ifndef TESTS_FUZZ_H
#define TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fuzz build compiles UBSan checks as recoverable; make the first
 * report fatal so that libFuzzer records it as a crash. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "%s: ", __FILE__);                                                         \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        abort();                                                                                   \
    } while (0)

static inline uint32_t fuzz_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* For a target that drives one of the models in tests/unit/ (vma_model.h,
 * swap_map_model.h), which take their choices from a function: the input as
 * that function. Each choice takes two bytes, little-endian, enough for any
 * index a model picks; an input used up gives 0. Pass fuzz_choice as the
 * model's function and a struct fuzz_choices {data, size} as its argument. */
struct fuzz_choices {
    const uint8_t *next;
    size_t left;
};

static inline uint32_t fuzz_choice(void *src)
{
    struct fuzz_choices *in = src;
    uint32_t v = 0;
    for (int i = 0; i < 2 && in->left > 0; i++, in->left--)
        v |= (uint32_t)*in->next++ << (8 * i);
    return v;
}

/* A buffer of exactly size bytes for a describe function to write into:
 * AddressSanitizer stops a write past its end (with size 0, any write). One
 * buffer is kept per size, as allocating each time would cost more than the
 * parsing; a target uses a handful of sizes. */
static inline char *fuzz_text_buffer(size_t size)
{
    static struct {
        size_t size;
        char *buf;
    } kept[8];
    static unsigned nkept;
    unsigned i = 0;

    while (i < nkept && kept[i].size != size)
        i++;
    if (i == nkept) {
        if (nkept == sizeof kept / sizeof kept[0] || !(kept[i].buf = malloc(size)))
            abort();
        kept[i].size = size;
        nkept++;
    }
    if (size)
        memset(kept[i].buf, 0x5A, size);
    return kept[i].buf;
}

/* The length of the text in buf[0..size), which must end with a NUL inside
 * the buffer (size 0: nothing may have been written, length 0). */
static inline size_t fuzz_text_length(const char *who, const char *buf, size_t size)
{
    if (size == 0)
        return 0;
    size_t n = strnlen(buf, size);
    if (n == size)
        FAIL("%s left no NUL in its %zu-byte buffer", who, size);
    return n;
}

#endif
