/* exec's other half: turning a program (an ELF file handed over as a boot
 * module) into an address space. The ELF parser (src/kernel/elf.c) has
 * already refused anything malformed or hostile; this file allocates frames,
 * copies the file's bytes in, zeroes the rest (.bss), and builds the stack:
 *
 *   USER_STACK_TOP  ->  +----------------------+
 *                       | argument strings     |
 *                       | NULL                 |
 *                       | argv[argc-1] ... [0] |
 *   user ESP        ->  | argc                 |
 *                       |   ... grows down ... |
 *   top - 64 KiB    ->  +----------------------+  end of the stack area
 *                       | 1 MiB gap (no area)  |  a fault here is a stack overflow
 *                       +----------------------+  nothing (heap, segments) above this
 */
#include <string.h>

#include "kernel/console.h"
#include "kernel/elf.h"
#include "kernel/errno.h"
#include "kernel/multiboot.h"
#include "kernel/process.h"
#include "mem/highmem.h"
#include "mem/layout.h"
#include "mem/pmm.h"
#include "mem/vmm.h"

#define STACK_BOTTOM (USER_STACK_TOP - USER_STACK_MAX)

static uint32_t page_down(uint32_t a)
{
    return a & ~(PAGE_SIZE - 1);
}

/* Copies the part of segment s's file bytes that falls in the page at va. */
static void copy_file_bytes(const uint8_t *file, const struct elf_segment *s, uint32_t va,
                            uint32_t pa)
{
    uint32_t from = s->vaddr > va ? s->vaddr : va;
    uint32_t to = s->vaddr + s->filesz < va + PAGE_SIZE ? s->vaddr + s->filesz : va + PAGE_SIZE;
    if (from >= to)
        return;
    uint8_t *page = kmap(pa);
    memcpy(page + (from - va), file + s->offset + (from - s->vaddr), to - from);
    kunmap(page);
}

static int load_segment(struct mm *mm, const uint8_t *file, const struct elf_segment *s)
{
    uint32_t start = page_down(s->vaddr),
             end = (s->vaddr + s->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    uint32_t prot = VMA_READ | (s->writable ? VMA_WRITE : 0) | (s->executable ? VMA_EXEC : 0);
    int rc = mm_add_area(mm, start, end, prot, s->executable ? VMA_CODE : VMA_DATA);
    if (rc < 0)
        return rc;
    for (uint32_t va = start; va < end; va += PAGE_SIZE) {
        uint32_t pa = pmm_alloc(0, PMM_ANY);
        if (!pa)
            return -ENOMEM;
        frame_zero(pa);
        copy_file_bytes(file, s, va, pa);
        rc = vmm_map(mm->pd, va, pa, PTE_USER | (s->writable ? PTE_WRITE : 0));
        if (rc < 0) {
            pmm_free(pa, 0);
            return rc;
        }
    }
    return 0;
}

/* Puts argc, argv and the strings at the top of the stack; the new ESP. */
static int build_stack(struct mm *mm, int argc, char argv[][USER_ARG_LEN], uint32_t *esp)
{
    int rc = mm_add_area(mm, STACK_BOTTOM, USER_STACK_TOP, VMA_READ | VMA_WRITE, VMA_STACK);
    if (rc < 0)
        return rc;
    uint32_t top_page = USER_STACK_TOP - PAGE_SIZE, pa;
    rc = mm_fault_in(mm, top_page, true);
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
    /* Segments must end below the gap under the stack. */
    if (elf_parse(file, m->mod_end - m->mod_start, PAGE_SIZE, STACK_BOTTOM - USER_STACK_GAP, &img,
                  &err) < 0) {
        char why[160];
        elf_describe_error(&err, why, sizeof why);
        kprintf("exec %s: not a program Pagoda can run: %s%s\n", name, why,
                err.reason != ELF_ERR_PAST_LIMIT ? ""
                : err.value > USER_STACK_TOP     ? " (it reaches into the kernel half)"
                                                 : " (it reaches into the gap below the stack, "
                                                   "or the stack)");
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
        rc = load_segment(mm, file, &img.seg[i]);
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
