/* Address spaces: the glue between the VM areas (the pure core in
 * src/mem/vma.c) and the page tables and frames. An address outside every
 * area is not the process's to touch. Pages of an area are made present on
 * demand: the first touch of a page faults, mm_fault_in() gives it a
 * zero-filled frame, and the instruction runs again. ELF segments are copied
 * in at exec (src/kernel/loader.c), so only the heap and the stack start out
 * empty. */
#include "mem/mm.h"

#include <string.h>

#include "kernel/abi.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/io.h"
#include "kernel/panic.h"
#include "kernel/params.h"
#include "mem/fault_decide.h"
#include "mem/highmem.h"
#include "mem/kheap.h"
#include "mem/layout.h"
#include "mem/pmm.h"
#include "mem/shm.h"
#include "mem/swap.h"
#include "mem/vmm.h"

#define USER_MIN PAGE_SIZE /* page 0 is never mapped */

/* Every address space, so that a shared segment can tell whether any area
 * still names it. */
static struct mm *all_mms;

static uint32_t page_down(uint32_t a)
{
    return a & ~(PAGE_SIZE - 1);
}
static uint32_t page_up(uint32_t a)
{
    return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

struct mm *mm_create(void)
{
    struct mm *mm = kmalloc(sizeof *mm);
    if (!mm)
        return NULL;
    mm->pd = vmm_pd_create();
    if (!mm->pd) {
        kfree(mm);
        return NULL;
    }
    vma_list_init(&mm->vmas);
    mm->heap_start = mm->brk = 0;
    mm->stack_limit = params_stack_limit();
    mm->next = all_mms;
    all_mms = mm;
    return mm;
}

void mm_destroy(struct mm *mm)
{
    if (vmm_pd_destroy(mm->pd) < 0)
        panic("mm_destroy: the directory at phys 0x%08x is still loaded", vmm_pd_phys(mm->pd));
    struct mm **link = &all_mms;
    while (*link != mm)
        link = &(*link)->next;
    *link = mm->next;
    kfree(mm);
    shm_collect(); /* its shared segments may have lost their last area */
}

uint32_t mm_shm_attachments(int id)
{
    uint32_t n = 0;
    for (struct mm *mm = all_mms; mm; mm = mm->next) {
        const struct vma_list *l = &mm->vmas;
        for (int i = 0; i < l->n; i++) {
            if (l->area[i].kind != VMA_SHARED || l->area[i].shm != (uint32_t)id)
                continue;
            /* The pieces of one attachment share its shm_base: count the first. */
            bool seen = false;
            for (int j = 0; j < i && !seen; j++)
                seen = l->area[j].kind == VMA_SHARED && l->area[j].shm == (uint32_t)id &&
                       l->area[j].shm_base == l->area[i].shm_base;
            n += !seen;
        }
    }
    return n;
}

int mm_add_area(struct mm *mm, uint32_t start, uint32_t end, uint32_t prot, enum vma_kind kind)
{
    if (start < USER_MIN || end > KERNEL_VMA)
        return -EINVAL;
    struct vma v = {.start = start, .end = end, .prot = prot, .kind = kind};
    return vma_insert(&mm->vmas, &v);
}

int mm_insert_area(struct mm *mm, const struct vma *v)
{
    if (v->start < USER_MIN || v->end > KERNEL_VMA)
        return -EINVAL;
    return vma_insert(&mm->vmas, v);
}

struct vma *mm_find_area(struct mm *mm, uint32_t va)
{
    return vma_find(&mm->vmas, va);
}

static uint32_t pte_flags_for(const struct vma *v)
{
    return PTE_USER | (v->prot & VMA_WRITE ? PTE_WRITE : 0);
}

/* Page faults resolved, by what was done (enum fault_action). */
static uint32_t fault_counts[FAULT_NACTIONS];

const uint32_t *mm_fault_counts(void)
{
    return fault_counts;
}

/* Drops the reference a page table entry holds on its frame, or on its
 * swap slot. A program file's frame (PTE_FILE) is not counted: it is never
 * freed. */
static void put_frame(pte_t e)
{
    if (pte_present(e) && !(e & PTE_FILE))
        pmm_page_put(pte_addr(e));
    else if (pte_is_swap(e))
        swap_entry_drop(e);
}

/* Copies into the frame at pa the program file's bytes that belong in the
 * page at va of area v (the frame is already zeroed). */
static void copy_file_bytes(const struct vma *v, uint32_t va, uint32_t pa)
{
    uint32_t from = v->file_start > va ? v->file_start : va;
    uint32_t to = v->file_end < va + PAGE_SIZE ? v->file_end : va + PAGE_SIZE;
    if (from >= to)
        return;
    const uint8_t *file = PHYS_TO_VIRT(v->file + from + v->file_bias);
    uint8_t *page = kmap(pa);
    memcpy(page + (from - va), file, to - from);
    kunmap(page);
}

/* A new frame for the page at va of area v: zeroed, then filled from the
 * file or copied from the frame at copy_of (if not 0), and mapped. */
static int map_new_frame(struct mm *mm, const struct vma *v, uint32_t va, uint32_t copy_of)
{
    /* The frame copied from must not be swapped out while a frame is found
     * for the copy: a reference of the kernel's own keeps it. */
    if (copy_of)
        pmm_page_get(copy_of);
    uint32_t pa = swap_alloc_user_frame(va);
    if (copy_of && pa)
        frame_copy(pa, copy_of);
    if (copy_of)
        pmm_page_put(copy_of);
    if (!pa)
        return -ENOMEM;
    if (!copy_of) {
        frame_zero(pa);
        copy_file_bytes(v, va, pa);
    }
    int rc = vmm_set(mm->pd, va, pte_make(pa, pte_flags_for(v)));
    if (rc < 0)
        pmm_page_put(pa); /* it is on the LRU lists: the put takes it off */
    return rc;
}

uint32_t mm_rmap_walk(uint32_t pa, uint32_t va,
                      void (*fn)(struct mm *mm, pte_t *e, uint32_t va, void *ctx), void *ctx)
{
    uint32_t n = 0;
    for (struct mm *mm = all_mms; mm; mm = mm->next) {
        pte_t *e = vmm_pte(mm->pd, va, 0);
        if (!e || !pte_present(*e) || (*e & PTE_FILE) || pte_addr(*e) != pa)
            continue;
        n++;
        if (fn)
            fn(mm, e, va, ctx);
    }
    return n;
}

/* Maps at va the frame of the shared segment page that va is in area v. */
static int map_shared_frame(struct mm *mm, const struct vma *v, uint32_t va)
{
    uint32_t pa = shm_frame((int)v->shm, (va - v->shm_base) / PAGE_SIZE);
    if (!pa)
        return -ENOMEM;
    pmm_page_get(pa); /* this mapping's reference; the segment keeps its own */
    int rc = vmm_set(mm->pd, va, pte_make(pa, pte_flags_for(v)));
    if (rc < 0)
        pmm_page_put(pa);
    return rc;
}

/* break=cow: prints the page table entry of the copy-on-write page at va,
 * and the entries of the other address spaces that map the same frame
 * there (after a fork, the other side's), then stops in Bochs. Called once
 * before the fault is resolved and once after. */
static void cow_break(struct mm *mm, const char *when, uint32_t va)
{
    pte_t *slot = vmm_pte(mm->pd, va, 0);
    uint32_t frame = pte_addr(*slot);
    kprintf("cow: %s: page 0x%08x, its PTE at phys 0x%08x holds 0x%08x (frame 0x%08x, "
            "reference count %u)\n",
            when, va, (uint32_t)VIRT_TO_PHYS(slot), *slot, frame, pmm_page_refs(frame));
    for (struct mm *other = all_mms; other; other = other->next) {
        pte_t *e = other == mm ? NULL : vmm_pte(other->pd, va, 0);
        if (e && pte_present(*e) && pte_addr(*e) == frame)
            kprintf("cow: %s: also in directory 0x%08x: its PTE at phys 0x%08x holds 0x%08x\n",
                    when, vmm_pd_phys(other->pd), (uint32_t)VIRT_TO_PHYS(e), *e);
    }
    bochs_magic_break();
}

/* True if mm is still an address space in use. */
static bool mm_listed(const struct mm *mm)
{
    for (struct mm *m = all_mms; m; m = m->next)
        if (m == mm)
            return true;
    return false;
}

/* Brings back the page whose entry e says it is in swap. It comes back
 * read-only and copy-on-write: other processes may still have the same
 * slot and will share the frame, and a write must end the frame's place in
 * the swap cache (cow-reuse or cow-copy, then). */
static int map_from_swap(struct mm *mm, uint32_t va, pte_t e)
{
    int err = 0;
    uint32_t pa = swap_in(e, va, &err);
    if (!pa)
        return err;
    /* swap_in may have slept on the disk, and others ran. If this is
     * swapoff working for another process (mm_swap_in_all) and that
     * process exited meanwhile, mm is gone: nothing of it may be touched.
     * If the entry changed (swapoff brought the page in for us), the fault
     * is over too. */
    if (!mm_listed(mm)) {
        pmm_page_put(pa);
        return 0;
    }
    pte_t *slot = vmm_pte(mm->pd, va, 0);
    if (!slot || *slot != e) {
        pmm_page_put(pa);
        return 0;
    }
    /* PTE_COW even in a read-only area: mprotect may allow writing later,
     * and the frame may be shared through the swap cache by then. */
    int rc = vmm_set(mm->pd, va, pte_make(pa, PTE_USER | PTE_COW));
    if (rc < 0) {
        pmm_page_put(pa);
        return rc;
    }
    swap_entry_drop(e); /* the entry's reference on the slot */
    swap_cache_trim(pa);
    if (params_break_at("swapin")) {
        kprintf("swapin: page 0x%08x of directory 0x%08x: its PTE at phys 0x%08x held 0x%08x "
                "(slot %u), now 0x%08x\n",
                va, vmm_pd_phys(mm->pd), (uint32_t)VIRT_TO_PHYS(slot), e, pte_swap_slot(e), *slot);
        bochs_magic_break();
    }
    return 0;
}

int mm_handle_fault(struct mm *mm, uint32_t va, bool write)
{
    va = page_down(va);
    struct vma *v = vma_find(&mm->vmas, va);
    pte_t *slot = vmm_pte(mm->pd, va, 0);
    pte_t e = slot ? *slot : 0;
    bool cow = pte_present(e) && (e & PTE_COW);
    enum fault_action a = fault_decide(v, va, e, write, cow ? pmm_page_refs(pte_addr(e)) : 0);
    bool stop = (a == FAULT_COW_COPY || a == FAULT_COW_REUSE) && params_break_at("cow");
    if (stop)
        cow_break(mm, a == FAULT_COW_COPY ? "copy" : "reuse", va);
    int rc = 0;
    switch (a) {
    case FAULT_KILL_UNMAPPED:
    case FAULT_KILL_PROTECTION:
        return -EFAULT;
    case FAULT_NOTHING:
        return 0;
    case FAULT_ZERO_FILL:
    case FAULT_FILE_COPY:
        rc = map_new_frame(mm, v, va, 0);
        break;
    case FAULT_FILE_MAP:
        rc = vmm_set(mm->pd, va, pte_make(v->file + va + v->file_bias, PTE_USER | PTE_FILE));
        break;
    case FAULT_SHARED_MAP:
        rc = map_shared_frame(mm, v, va);
        break;
    case FAULT_COW_COPY:
        rc = map_new_frame(mm, v, va, pte_addr(e));
        if (rc == 0)
            put_frame(e);
        break;
    case FAULT_COW_REUSE:
    case FAULT_MAKE_WRITABLE:
        swap_page_dirtied(pte_addr(e)); /* its copy in swap, if any, goes stale */
        rc = vmm_set(mm->pd, va, (e | PTE_WRITE) & ~PTE_COW);
        break;
    case FAULT_SWAP_IN:
        rc = map_from_swap(mm, va, e);
        break;
    case FAULT_NACTIONS:
        break;
    }
    if (rc == 0)
        fault_counts[a]++;
    if (stop && rc == 0)
        cow_break(mm, "done", va);
    /* A page back from swap is read-only: a write then needs the
     * copy-on-write step too, as the CPU's retry would fault again. */
    if (a == FAULT_SWAP_IN && rc == 0 && write)
        return mm_handle_fault(mm, va, write);
    return rc;
}

/* Takes (pin) or drops a reference of the kernel's own on the frames of the
 * present pages in [start, end), so that they cannot be swapped out. */
static void pin_pages(struct mm *mm, uint32_t start, uint32_t end, bool pin)
{
    pte_t *e;
    for (uint32_t va = start; (e = vmm_next_present(mm->pd, &va, end)); va += PAGE_SIZE) {
        if (*e & PTE_FILE)
            continue;
        if (pin)
            pmm_page_get(pte_addr(*e));
        else
            pmm_page_put(pte_addr(*e));
    }
}

int mm_check_user(struct mm *mm, uint32_t va, uint32_t len, bool write)
{
    if (len == 0)
        return 0;
    /* The range must not wrap and must stay below the kernel half. */
    if (va < USER_MIN || va >= KERNEL_VMA || len > KERNEL_VMA - va)
        return -EFAULT;
    /* Each page brought in is pinned until the last one is in: bringing in
     * the next page may need a frame, and finding one could otherwise send
     * an earlier page of the buffer back to swap. Once this returns, the
     * kernel reads or writes the buffer before anything can evict. */
    uint32_t start = page_down(va), end = start;
    int rc = 0;
    for (; end < va + len && rc == 0; end += PAGE_SIZE) {
        rc = mm_handle_fault(mm, end, write);
        if (rc == 0)
            pin_pages(mm, end, end + PAGE_SIZE, true);
    }
    pin_pages(mm, start, rc == 0 ? end : end - PAGE_SIZE, false);
    if (rc < 0)
        return rc == -ENOMEM ? -ENOMEM : -EFAULT;
    return 0;
}

/* Gives the child the page at va that the parent maps with entry *pe.
 * Shared segments and file frames are mapped as they are. Any other page
 * becomes copy-on-write in both (W cleared, PTE_COW set, one reference
 * more), or, with cow=off, is copied at once. */
static int fork_page(struct mm *parent, struct mm *child, const struct vma *v, uint32_t va,
                     pte_t *pe)
{
    pte_t e = *pe;
    if (pte_is_swap(e)) {
        /* In swap: the child's entry names the same slot. */
        swap_entry_dup(e);
        int rc = vmm_set(child->pd, va, e);
        if (rc < 0)
            swap_entry_drop(e);
        return rc;
    }
    if (v->kind == VMA_SHARED || (e & PTE_FILE)) {
        if (!(e & PTE_FILE))
            pmm_page_get(pte_addr(e));
        int rc = vmm_set(child->pd, va, e);
        if (rc < 0)
            put_frame(e);
        return rc;
    }
    if (!params_cow())
        return map_new_frame(child, v, va, pte_addr(e));
    pte_t shared = (e & ~PTE_WRITE) | PTE_COW;
    pmm_page_get(pte_addr(e));
    int rc = vmm_set(child->pd, va, shared);
    if (rc < 0) {
        put_frame(e);
        return rc;
    }
    /* The parent's copy goes read-only too, and its TLB entry with it:
     * the parent is running, and a stale writable entry would let it write
     * to the frame the child now shares (vmm_set flushes it). */
    return vmm_set(parent->pd, va, shared);
}

struct mm *mm_fork(struct mm *parent)
{
    struct mm *child = mm_create();
    if (!child)
        return NULL;
    child->heap_start = parent->heap_start;
    child->brk = parent->brk;
    child->stack_limit = parent->stack_limit;
    child->vmas = parent->vmas;
    for (int i = 0; i < parent->vmas.n; i++) {
        const struct vma *v = &parent->vmas.area[i];
        /* Only pages that are present or in swap: one never touched stays
         * so in the child too, and it will fault it in the same way. */
        pte_t *e;
        for (uint32_t va = v->start; (e = vmm_next_used(parent->pd, &va, v->end));
             va += PAGE_SIZE) {
            if (fork_page(parent, child, v, va, e) < 0) {
                mm_destroy(child);
                return NULL;
            }
        }
    }
    return child;
}

uint32_t mm_stack_floor(const struct mm *mm)
{
    return USER_STACK_TOP - mm->stack_limit;
}

uint32_t mm_gap_floor(const struct mm *mm)
{
    return mm_stack_floor(mm) - USER_STACK_GAP;
}

bool mm_grow_stack(struct mm *mm, uint32_t va, uint32_t esp)
{
    struct vma *stack = vma_find(&mm->vmas, USER_STACK_TOP - 1);
    if (!stack || stack->kind != VMA_STACK || va >= stack->start || va < mm_stack_floor(mm) ||
        va + MM_STACK_SLACK < esp)
        return false;
    struct vma more = *stack;
    more.start = page_down(va);
    more.end = stack->start;
    return vma_insert(&mm->vmas, &more) == 0; /* it merges with the stack */
}

/* Unmaps the pages of [start, end) and drops their frames. */
static void drop_pages(struct mm *mm, uint32_t start, uint32_t end)
{
    for (uint32_t va = start; vmm_next_used(mm->pd, &va, end); va += PAGE_SIZE)
        put_frame(vmm_unmap(mm->pd, va));
}

/* Fills every page of [start, end) at once (lazy=off), as first touches
 * would: 0 or -ENOMEM. */
static int populate(struct mm *mm, uint32_t start, uint32_t end, bool write)
{
    int rc = 0;
    for (uint32_t va = start; va < end && rc == 0; va += PAGE_SIZE)
        rc = mm_handle_fault(mm, va, write);
    return rc;
}

/* Where mmap looks for room when it is not told where: from 1 GiB up to
 * the gap below the stack, leaving the lower addresses to the heap. */
#define MMAP_BASE 0x40000000u

/* Finds room for len bytes (from hint if it is free), or checks that a
 * MAP_FIXED range is usable and empties it: the address, or -errno. */
static long place_area(struct mm *mm, uint32_t hint, uint32_t len, bool fixed)
{
    uint32_t top = mm_gap_floor(mm);
    if (!fixed) {
        uint32_t addr = vma_find_free(&mm->vmas, len, MMAP_BASE, top, page_up(hint));
        return addr ? (long)addr : -ENOMEM;
    }
    if ((hint & (PAGE_SIZE - 1)) || hint < USER_MIN || len > top || hint > top - len)
        return -EINVAL;
    /* As on Linux, whatever was mapped there goes. */
    int rc = vma_unmap(&mm->vmas, hint, hint + len);
    if (rc < 0)
        return rc;
    drop_pages(mm, hint, hint + len);
    shm_collect();
    return (long)hint;
}

/* Adds area v and, with lazy=off, fills it at once: 0, or -errno with
 * nothing left behind. A shared segment's pages are always filled on first
 * touch: they are filled once for every process that attaches them. */
static int add_mapping(struct mm *mm, const struct vma *v)
{
    int rc = vma_insert(&mm->vmas, v);
    if (rc == 0 && v->kind != VMA_SHARED && !params_lazy() &&
        populate(mm, v->start, v->end, v->prot & VMA_WRITE) < 0) {
        vma_unmap(&mm->vmas, v->start, v->end); /* removes the whole area: needs no slot */
        drop_pages(mm, v->start, v->end);
        rc = -ENOMEM;
    }
    return rc;
}

long mm_mmap(struct mm *mm, uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags)
{
    if (len == 0 || len > mm_gap_floor(mm) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
        return -EINVAL;
    if (!(flags & MAP_ANONYMOUS) ||
        (flags & ~(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_SHARED)))
        return -EINVAL; /* only anonymous memory: Pagoda has no files to map */
    uint32_t type = flags & (MAP_SHARED | MAP_PRIVATE);
    if (type != MAP_PRIVATE && type != MAP_SHARED)
        return -EINVAL; /* exactly one of the two */
    len = page_up(len);
    long where = place_area(mm, addr, len, flags & MAP_FIXED);
    if (where < 0)
        return where;
    struct vma v = {
        .start = (uint32_t)where, .end = (uint32_t)where + len, .prot = prot, .kind = VMA_ANON};
    if (type == MAP_SHARED) {
        int id = shm_create(IPC_PRIVATE, len, true, 0);
        if (id < 0)
            return id == -ENOSPC ? -ENOMEM : id;
        v.kind = VMA_SHARED;
        v.shm = (uint32_t)id;
        v.shm_base = v.start;
    }
    int rc = add_mapping(mm, &v);
    if (rc < 0 && v.kind == VMA_SHARED)
        shm_destroy((int)v.shm);
    return rc < 0 ? rc : where;
}

long mm_shmat(struct mm *mm, int id, uint32_t addr, uint32_t flags)
{
    uint32_t size = shm_attachable_size(id);
    if (!size || (flags & ~SHM_RDONLY))
        return -EINVAL;
    long where = addr;
    if (addr) {
        /* An address given must be free: shmat never replaces a mapping. */
        if ((addr & (PAGE_SIZE - 1)) || addr < USER_MIN ||
            vma_find_free(&mm->vmas, size, addr, mm_gap_floor(mm), addr) != addr)
            return -EINVAL;
    } else if ((where = place_area(mm, 0, size, false)) < 0) {
        return where;
    }
    struct vma v = {.start = (uint32_t)where,
                    .end = (uint32_t)where + size,
                    .prot = VMA_READ | (flags & SHM_RDONLY ? 0 : VMA_WRITE),
                    .kind = VMA_SHARED,
                    .shm = (uint32_t)id,
                    .shm_base = (uint32_t)where};
    int rc = add_mapping(mm, &v);
    return rc < 0 ? rc : where;
}

int mm_shmdt(struct mm *mm, uint32_t addr)
{
    /* Every piece of the attachment made at addr goes (munmap may have
     * split it, or taken its first page). */
    struct vma_list *l = &mm->vmas;
    int id = 0;
    for (int i = 0; i < l->n && !id; i++)
        if (l->area[i].kind == VMA_SHARED && l->area[i].shm_base == addr)
            id = (int)l->area[i].shm;
    if (!id)
        return -EINVAL;
    for (int i = l->n - 1; i >= 0; i--) {
        struct vma a = l->area[i];
        if (a.kind == VMA_SHARED && a.shm == (uint32_t)id && a.shm_base == addr) {
            vma_unmap(l, a.start, a.end); /* a whole area: needs no slot */
            drop_pages(mm, a.start, a.end);
        }
    }
    shm_collect();
    return 0;
}

int mm_munmap(struct mm *mm, uint32_t addr, uint32_t len)
{
    if (len == 0 || (addr & (PAGE_SIZE - 1)) || addr < USER_MIN || addr >= KERNEL_VMA ||
        page_up(len) > KERNEL_VMA - addr)
        return -EINVAL;
    uint32_t end = addr + page_up(len);
    int rc = vma_unmap(&mm->vmas, addr, end);
    if (rc == 0) {
        drop_pages(mm, addr, end);
        shm_collect();
    }
    return rc;
}

int mm_mprotect(struct mm *mm, uint32_t addr, uint32_t len, uint32_t prot)
{
    if (len == 0 || (addr & (PAGE_SIZE - 1)) || addr < USER_MIN || addr >= KERNEL_VMA ||
        page_up(len) > KERNEL_VMA - addr || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
        return -EINVAL;
    uint32_t end = addr + page_up(len);
    int rc = vma_protect(&mm->vmas, addr, end, prot);
    if (rc < 0)
        return rc;
    /* The pages already there follow at once. Without write, W goes (a
     * copy-on-write page keeps PTE_COW); with no access at all, U goes, the
     * only way i386 has to refuse ring 3 a present page. A page that gains
     * write gets W back on its next write fault (make-writable, or a copy). */
    pte_t *e;
    for (uint32_t va = addr; (e = vmm_next_present(mm->pd, &va, end)); va += PAGE_SIZE) {
        pte_t n = *e & ~(PTE_USER | (prot & PROT_WRITE ? 0 : PTE_WRITE));
        if (prot)
            n |= PTE_USER;
        vmm_set(mm->pd, va, n);
    }
    return 0;
}

int mm_sbrk(struct mm *mm, int32_t delta, uint32_t *old_brk)
{
    uint32_t old = mm->brk, new = old + (uint32_t)delta;
    struct vma *heap = vma_find(&mm->vmas, mm->heap_start);
    /* The gap below the stack stays empty, so that no stack frame, however
     * large, can step over it into the heap. */
    uint32_t limit = mm_gap_floor(mm);
    if ((delta > 0 && (new < old || new > limit)) || (delta < 0 && new > old) ||
        new < mm->heap_start)
        return -ENOMEM;
    uint32_t old_end = page_up(old), new_end = page_up(new);
    if (new_end > old_end) {
        /* The new pages join the heap area (vma_insert merges them). */
        struct vma more = {.start = heap ? old_end : mm->heap_start,
                           .end = new_end,
                           .prot = VMA_READ | VMA_WRITE,
                           .kind = VMA_HEAP};
        if (vma_insert(&mm->vmas, &more) < 0)
            return -ENOMEM;
        if (!params_lazy() && populate(mm, more.start, more.end, true) < 0) {
            vma_unmap(&mm->vmas, more.start, more.end); /* a tail: needs no slot */
            drop_pages(mm, more.start, more.end);
            return -ENOMEM;
        }
    } else if (new_end < old_end) {
        if (vma_unmap(&mm->vmas, new_end, old_end) < 0)
            return -ENOMEM;
        drop_pages(mm, new_end, old_end);
    }
    mm->brk = new;
    *old_brk = old;
    return 0;
}

/* The pages of area v that are present, and how many of those are shared:
 * a program file's frame, a shared segment's, or one that copy-on-write
 * has not split yet (its frame has more than one reference). */
static void count_pages(struct mm *mm, const struct vma *v, uint32_t *resident, uint32_t *shared,
                        uint32_t *swapped)
{
    *resident = *shared = *swapped = 0;
    pte_t *e;
    for (uint32_t va = v->start; (e = vmm_next_used(mm->pd, &va, v->end)); va += PAGE_SIZE) {
        if (pte_is_swap(*e)) {
            (*swapped)++;
            continue;
        }
        (*resident)++;
        if ((*e & PTE_FILE) || pmm_page_refs(pte_addr(*e)) > 1)
            (*shared)++;
    }
}


int mm_swap_in_all(void)
{
    /* Each swap-in sleeps while the disk reads, and meanwhile processes
     * run: one may exit (its mm leaves the list) or fork (its child gets
     * copies of the swap entries). So the walk starts over when the mm it
     * is in goes away, and whole passes repeat until one finds nothing. */
    bool found;
    do {
        found = false;
    restart:
        for (struct mm *mm = all_mms; mm; mm = mm->next) {
            pte_t *e;
            for (uint32_t va = USER_MIN; (e = vmm_next_used(mm->pd, &va, KERNEL_VMA));
                 va += PAGE_SIZE) {
                if (!pte_is_swap(*e))
                    continue;
                found = true;
                int rc = mm_handle_fault(mm, va, false);
                if (rc < 0)
                    return rc;
                if (!mm_listed(mm))
                    goto restart;
            }
        }
    } while (found);
    return 0;
}

void mm_count_pages(struct mm *mm, uint32_t *resident, uint32_t *swapped)
{
    *resident = *swapped = 0;
    pte_t *e;
    for (uint32_t va = USER_MIN; (e = vmm_next_used(mm->pd, &va, KERNEL_VMA)); va += PAGE_SIZE) {
        if (pte_is_swap(*e))
            (*swapped)++;
        else if (!(*e & PTE_FILE))
            (*resident)++;
    }
}

void mm_print(struct mm *mm)
{
    for (int i = 0; i < mm->vmas.n; i++) {
        const struct vma *v = &mm->vmas.area[i];
        uint32_t resident, shared, swapped;
        count_pages(mm, v, &resident, &shared, &swapped);
        kprintf("  0x%08x-0x%08x %c%c%c %-6s %5u KiB, %u resident, %u shared", v->start,
                v->end - 1, v->prot & VMA_READ ? 'r' : '-', v->prot & VMA_WRITE ? 'w' : '-',
                v->prot & VMA_EXEC ? 'x' : '-', vma_kind_name(v->kind), (v->end - v->start) / 1024,
                resident, shared);
        if (swapped)
            kprintf(", %u swapped", swapped);
        if (v->kind == VMA_SHARED)
            kprintf(" (segment %u)", v->shm);
        kprintf("\n");
    }
    kprintf("  heap break at 0x%08x\n", mm->brk);
}
