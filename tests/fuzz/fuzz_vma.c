/* libFuzzer target for the VM areas (src/mem/vma.c).
 *
 * The input chooses a window of addresses (at 0, at the top of the address
 * space, or between), how alike the areas tend to be, and then a sequence of
 * inserts, unmaps, protects, finds and free-range searches. The model in
 * tests/unit/vma_model.h, shared with tests/unit/test_vma_model.c, predicts
 * every answer from what each page holds, and after every step the list
 * must match it exactly. Any disagreement abort()s. */
#include "fuzz.h"

#define VMA_MODEL_FAIL(message) FAIL("%s", message)
#include "../unit/vma_model.h"

static struct model m;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_choices in = {data, size};
    memset(&m, 0, sizeof m);
    m.next = fuzz_choice;
    m.src = &in;
    model_start(&m);
    for (unsigned steps = 0; in.left > 0 && steps < 4000; steps++)
        model_step(&m);
    return 0;
}
