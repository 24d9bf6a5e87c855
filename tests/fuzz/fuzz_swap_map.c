/* libFuzzer target for the swap-slot map (src/mem/swap_map.c).
 *
 * The input chooses the map's size and bad slots, and then a sequence of
 * allocations of single slots and of runs, dups, puts, bad marks and
 * misuses (slot 0, slots past the end, double puts). The model in
 * tests/unit/swap_map_model.h, shared with tests/unit/test_swap_map.c,
 * predicts every answer from each slot's count and bad mark, and after every
 * step the map must match it exactly. Any disagreement abort()s. */
#include "fuzz.h"

#define SWAP_MAP_MODEL_FAIL(message) FAIL("%s", message)
#include "../unit/swap_map_model.h"

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
    model_finish(&m);
    return 0;
}
