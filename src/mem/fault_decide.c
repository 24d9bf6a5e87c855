/* The user page-fault decision (see fault_decide.h). Each question is asked
 * in the order the chapter walks it:
 *
 *   1. Is the address in an area, and does the area allow the access?
 *      If not, the program is at fault.
 *   2. Is the page present? Then the fault was about writing: a
 *      copy-on-write page is copied, or reused when nobody else holds it.
 *   3. Not present, but the entry names a swap slot: the page comes back
 *      from swap.
 *   4. Not present otherwise: the first touch. The area says what fills
 *      the page. */
#include "mem/fault_decide.h"

#include <stddef.h>

#define PAGE 0x1000u

static const char *const names[FAULT_NACTIONS] = {
    [FAULT_KILL_UNMAPPED] = "kill-unmapped", [FAULT_KILL_PROTECTION] = "kill-protection",
    [FAULT_ZERO_FILL] = "zero-fill",         [FAULT_FILE_MAP] = "file-map",
    [FAULT_FILE_COPY] = "file-copy",         [FAULT_SHARED_MAP] = "shared-map",
    [FAULT_COW_COPY] = "cow-copy",           [FAULT_COW_REUSE] = "cow-reuse",
    [FAULT_MAKE_WRITABLE] = "make-writable", [FAULT_SWAP_IN] = "swap-in",
    [FAULT_NOTHING] = "nothing",
};

const char *fault_action_name(enum fault_action a)
{
    return a < FAULT_NACTIONS ? names[a] : "?";
}

/* True if the page at va holds file bytes at all. */
static bool has_file_bytes(const struct vma *v, uint32_t va)
{
    return v->file && va < v->file_end && va + PAGE > v->file_start;
}

/* True if the page at va is exactly one page of the file: all of it file
 * bytes, starting on a page boundary of physical memory. Such a page can be
 * the file's own frame. */
static bool is_whole_file_page(const struct vma *v, uint32_t va)
{
    return v->file && va >= v->file_start && va + PAGE <= v->file_end &&
           ((v->file + va + v->file_bias) & (PAGE - 1)) == 0;
}

static enum fault_action first_touch(const struct vma *v, uint32_t va)
{
    if (v->kind == VMA_SHARED)
        return FAULT_SHARED_MAP;
    if (!has_file_bytes(v, va))
        return FAULT_ZERO_FILL;
    /* A page that can never be written may be the file's own frame, shared
     * by every process that runs the program. A writable one gets a copy,
     * its own from the start. */
    if (!(v->prot & VMA_WRITE) && is_whole_file_page(v, va))
        return FAULT_FILE_MAP;
    return FAULT_FILE_COPY;
}

static enum fault_action write_to_present(pte_t e, uint32_t refs)
{
    if (e & PTE_WRITE)
        return FAULT_NOTHING;
    if (e & PTE_FILE)
        return FAULT_COW_COPY; /* the file's frame is never written */
    if (e & PTE_COW)
        return refs > 1 ? FAULT_COW_COPY : FAULT_COW_REUSE;
    return FAULT_MAKE_WRITABLE;
}

enum fault_action fault_decide(const struct vma *v, uint32_t va, pte_t e, bool write, uint32_t refs)
{
    if (!v)
        return FAULT_KILL_UNMAPPED;
    if (write ? !(v->prot & VMA_WRITE) : !(v->prot & VMA_READ))
        return FAULT_KILL_PROTECTION;
    if (pte_present(e))
        return write ? write_to_present(e, refs) : FAULT_NOTHING;
    if (pte_is_swap(e))
        return FAULT_SWAP_IN;
    return first_touch(v, va & ~(PAGE - 1));
}
