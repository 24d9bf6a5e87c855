/* exec's other half: turning a program (an ELF file handed over as a boot
 * module) into an address space. The ELF parser (src/kernel/elf.c) has
 * already refused anything malformed or hostile. This file only creates the
 * areas: one per segment, each saying where in the file its bytes are, so
 * that a page is filled from the file on its first touch (src/mem/mm.c) and
 * .bss costs nothing until used. Then it builds the stack:
 *
 *   USER_STACK_TOP  ->  +----------------------+
 *                       | argument strings     |
 *                       | NULL                 |
 *                       | argv[argc-1] ... [0] |
 *   user ESP        ->  | argc                 |
 *                       |   ... grows down ... |
 *   top - 64 KiB    ->  +----------------------+  the stack area at exec
 *                       | room to grow         |  the area grows down into it on faults
 *   top - limit     ->  +----------------------+  stack= (8 MiB by default)
 *                       | 1 MiB gap (no area)  |  a fault here is a stack overflow
 *                       +----------------------+  nothing (heap, segments) above this
 */
#include <string.h>

#include "kernel/console.h"
#include "kernel/elf.h"
#include "kernel/errno.h"
#include "kernel/multiboot.h"
#include "kernel/params.h"
#include "kernel/process.h"
#include "mem/highmem.h"
#include "mem/layout.h"
#include "mem/pmm.h"
#include "mem/vmm.h"

static uint32_t page_down(uint32_t a)
{
    return a & ~(PAGE_SIZE - 1);
}

/* Adds the area of segment s. No frame is taken: each page is filled on
 * its first touch from the file (m is the module's physical address), as
 * fault_decide() says, or at once with lazy=off. */
static int load_segment(struct mm *mm, uint32_t m, const struct elf_segment *s)
{
    struct vma v = {
        .start = page_down(s->vaddr),
        .end = (s->vaddr + s->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1),
        .prot = VMA_READ | (s->writable ? VMA_WRITE : 0) | (s->executable ? VMA_EXEC : 0),
        .kind = s->executable ? VMA_CODE : VMA_DATA,
        .file = m,
        .file_bias = s->offset - s->vaddr,
        .file_start = s->vaddr,
        .file_end = s->vaddr + s->filesz,
    };
    int rc = mm_insert_area(mm, &v);
    if (rc < 0 || params_lazy())
        return rc;
    for (uint32_t va = v.start; va < v.end && rc == 0; va += PAGE_SIZE)
        rc = mm_handle_fault(mm, va, s->writable);
    return rc;
}

/* Puts argc, argv and the strings at the top of the stack; the new ESP. */
static int build_stack(struct mm *mm, int argc, char argv[][USER_ARG_LEN], uint32_t *esp)
{
    int rc = mm_add_area(mm, USER_STACK_TOP - USER_STACK_INITIAL, USER_STACK_TOP,
                         VMA_READ | VMA_WRITE, VMA_STACK);
    if (rc < 0)
        return rc;
    uint32_t top_page = USER_STACK_TOP - PAGE_SIZE, pa;
    rc = mm_handle_fault(mm, top_page, true);
    if (rc < 0 || vmm_translate(mm->pd, top_page, &pa, NULL) < 0)
        return rc < 0 ? rc : -ENOMEM;
    uint8_t *page = kmap(pa);
    uint32_t sp = USER_STACK_TOP, ptrs[USER_ARGS_MAX];
    for (int i = argc - 1; i >= 0; i--) {
        size_t n = strlen(argv[i]) + 1;
        sp -= n;
        memcpy(page + (sp - top_page), argv[i], n);
        ptrs[i] = sp;
    }
    sp &= ~3u;
    uint32_t words[2 + USER_ARGS_MAX];
    int nw = 0;
    words[nw++] = (uint32_t)argc;
    for (int i = 0; i < argc; i++)
        words[nw++] = ptrs[i];
    words[nw++] = 0;
    sp -= (uint32_t)nw * 4;
    memcpy(page + (sp - top_page), words, (size_t)nw * 4);
    kunmap(page);
    *esp = sp;
    return 0;
}

int loader_load(const char *name, int argc, char argv[][USER_ARG_LEN], struct mm **mm_out,
                uint32_t *entry, uint32_t *user_esp)
{
    const struct multiboot_module *m = multiboot_find_module(name);
    if (!m)
        return -ENOENT;
    if (m->mod_end > DIRECT_MAP_SIZE || m->mod_end < m->mod_start) {
        kprintf("exec %s: the module lies outside the kernel's direct map\n", name);
        return -ENOEXEC;
    }
    const uint8_t *file = PHYS_TO_VIRT(m->mod_start);
    struct elf_image img;
    struct elf_error err;
    /* Segments must end below the gap under the stack's limit. */
    uint32_t limit = USER_STACK_TOP - params_stack_limit() - USER_STACK_GAP;
    if (elf_parse(file, m->mod_end - m->mod_start, PAGE_SIZE, limit, &img, &err) < 0) {
        char why[160];
        elf_describe_error(&err, why, sizeof why);
        kprintf("exec %s: not a program Pagoda can run: %s%s\n", name, why,
                err.reason != ELF_ERR_PAST_LIMIT ? ""
                : err.value > USER_STACK_TOP     ? " (it reaches into the kernel half)"
                                                 : " (it reaches into the gap below the stack, "
                                                   "or the stack's room to grow)");
        return -ENOEXEC;
    }
    if (img.shared_pages) {
        kprintf("exec %s: two segments share a page; link with page-aligned segments "
                "(src/user/user.ld)\n",
                name);
        return -ENOEXEC;
    }
    struct mm *mm = mm_create();
    if (!mm)
        return -ENOMEM;
    int rc = 0;
    for (int i = 0; i < img.nsegments && rc == 0; i++)
        rc = load_segment(mm, m->mod_start, &img.seg[i]);
    if (rc == 0)
        rc = build_stack(mm, argc, argv, user_esp);
    if (rc < 0) {
        mm_destroy(mm);
        return rc;
    }
    mm->heap_start = mm->brk = img.highest;
    *entry = img.entry;
    *mm_out = mm;
    return 0;
}
