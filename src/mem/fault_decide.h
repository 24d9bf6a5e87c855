/* What a user page fault means, decided from the VM area, the page table
 * entry and the access: a pure function, so that the chapter can walk every
 * case and the host tests can check each one (tests/unit/test_fault_decide.c).
 * src/mem/mm.c carries the decision out. */
#ifndef MEM_FAULT_DECIDE_H
#define MEM_FAULT_DECIDE_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/pte.h"
#include "mem/vma.h"

enum fault_action {
    FAULT_KILL_UNMAPPED,   /* no area holds the address */
    FAULT_KILL_PROTECTION, /* the area does not allow this access */
    FAULT_ZERO_FILL,       /* first touch, no file bytes: a zeroed frame */
    FAULT_FILE_MAP,        /* first touch of a read-only page that is one whole page of the
                              program file, aligned: map the file's own frame, shared */
    FAULT_FILE_COPY,       /* first touch of any other page with file bytes: a private
                              frame, the file's bytes copied in, zeros after them */
    FAULT_SHARED_MAP,      /* first touch of a page of a shared segment: map its frame */
    FAULT_COW_COPY,        /* write to a page others may still map: copy it, map the copy */
    FAULT_COW_REUSE,       /* write to a copy-on-write page that only this mapping holds:
                              make it writable again, no copy */
    FAULT_MAKE_WRITABLE,   /* write to a page of this process's own that its area now allows
                              (mprotect): set W */
    FAULT_SWAP_IN,         /* the entry says the page is in swap: bring it back */
    FAULT_NOTHING,         /* the page is there and allows the access already */
    FAULT_NACTIONS
};

/* The decision for an access to va (write or not) in area v (NULL if no
 * area holds va), whose page table entry is e. refs is the number of
 * mappings of e's frame, when e is present and copy-on-write. */
enum fault_action fault_decide(const struct vma *v, uint32_t va, pte_t e, bool write,
                               uint32_t refs);
/* A short name for an action, e.g. "cow-copy", for counters and tests. */
const char *fault_action_name(enum fault_action a);

#endif
