/* libFuzzer target for the VM areas (src/mem/vma.c).
 *
 * The input chooses a window of addresses (at 0, at the top of the address
 * space, or between), how alike the areas tend to be, and then a sequence of
 * inserts, unmaps, protects, finds and free-range searches. The model in
 * tests/unit/vma_model.h, shared with tests/unit/test_vma_model.c, predicts
 * every answer from what each page holds, and after every step the list
 * must match it exactly. Any disagreement abort()s. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define VMA_MODEL_FAIL(message)                                                                    \
    do {                                                                                           \
        fprintf(stderr, "fuzz_vma: %s\n", message);                                                \
        abort();                                                                                   \
    } while (0)
#include "../unit/vma_model.h"

/* The fuzz build compiles UBSan checks as recoverable; make the first
 * report fatal so that libFuzzer records it as a crash. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

static const uint8_t *in;
static size_t in_left;

/* Two bytes of input a choice: enough for any page of the window. */
static uint32_t next_input(void *src)
{
    (void)src;
    uint32_t v = 0;
    for (int i = 0; i < 2 && in_left > 0; i++, in_left--)
        v |= (uint32_t)*in++ << (8 * i);
    return v;
}

static struct model m;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    in = data;
    in_left = size;
    memset(&m, 0, sizeof m);
    m.next = next_input;
    model_start(&m);
    for (unsigned steps = 0; in_left > 0 && steps < 4000; steps++)
        model_step(&m);
    return 0;
}
