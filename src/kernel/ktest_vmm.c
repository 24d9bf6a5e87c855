/* Scenarios for paging: the kernel's directory, map/translate/unmap round
 * trips, TLB flushes, directory create/destroy without leaks, and the faults
 * the kernel must report. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/io.h"
#include "kernel/ktest.h"
#include "mem/layout.h"
#include "mem/page_ops.h"
#include "mem/pmm.h"
#include "mem/vmm.h"

#define USER_VA 0x08048000u

static uint32_t free_frames(void)
{
    pmm_drain();
    uint32_t n = 0;
    for (int id = 0; id < PMM_NR_ZONES; id++)
        if (pmm_zone(id))
            n += buddy_nr_free(pmm_zone(id));
    return n;
}

static void check_kernel_directory(void)
{
    pte_t *kpd = vmm_kernel_pd();
    uint32_t pa;
    pte_t e;
    ktest_check((read_cr3() & PTE_ADDR_MASK) == vmm_pd_phys(kpd),
                "CR3 holds the kernel directory (phys 0x%08x)", vmm_pd_phys(kpd));
    ktest_check(read_cr4() & (1u << 7), "CR4.PGE on: global pages");
    ktest_check(vmm_translate(kpd, 0xC0100000, &pa, &e) == 0 && pa == 0x00100000,
                "0xc0100000 -> phys 0x%08x", pa);
    ktest_check(!(e & PTE_WRITE) && (e & PTE_GLOBAL) && !(e & PTE_USER),
                "kernel text: read-only, global, supervisor (entry 0x%08x)", e);
    uint32_t data = (uint32_t)&free_frames < (uint32_t)_data_start ? (uint32_t)_data_start : 0;
    ktest_check(vmm_translate(kpd, data, &pa, &e) == 0 && (e & PTE_WRITE) && (e & PTE_GLOBAL),
                "kernel data at 0x%08x: writable, global", data);
    ktest_check(vmm_translate(kpd, 0, &pa, &e) == -ENOENT, "address 0 is not mapped");
    ktest_check(vmm_translate(kpd, 0xB8000 + KERNEL_VMA, &pa, &e) == 0 && pa == 0xB8000,
                "VGA memory reachable at 0xc00b8000");
}

static void check_round_trips(void)
{
    uint32_t before = free_frames();
    pte_t *pd = vmm_pd_create();
    ktest_check(pd != NULL, "new directory at phys 0x%08x", vmm_pd_phys(pd));
    ktest_check(memcmp(pd + 768, vmm_kernel_pd() + 768, 256 * 4) == 0,
                "its kernel half (PDEs 768-1023) equals the kernel's");
    int empty = 1;
    for (int i = 0; i < 768; i++)
        empty &= pd[i] == 0;
    ktest_check(empty, "its user half is empty");

    uint32_t frame = pmm_alloc(0, PMM_ANY), pa = 0;
    pte_t e = 0;
    ktest_check(vmm_map(pd, USER_VA, frame, PTE_WRITE | PTE_USER) == 0, "map 0x%08x -> 0x%08x",
                USER_VA, frame);
    ktest_check(vmm_translate(pd, USER_VA + 0x123, &pa, &e) == 0 && pa == frame + 0x123 &&
                    (e & (PTE_USER | PTE_WRITE)) == (PTE_USER | PTE_WRITE),
                "translate 0x%08x -> 0x%08x, user, writable", USER_VA + 0x123, pa);
    ktest_check(vmm_map(pd, USER_VA, frame, PTE_USER) == -EEXIST, "mapping it again: -EEXIST");
    ktest_check(vmm_map(pd, USER_VA + 8, frame, PTE_USER) == -EINVAL, "unaligned address: -EINVAL");
    ktest_check(vmm_map(pd, KERNEL_VMA + DIRECT_MAP_SIZE - PAGE_SIZE, frame, 0) == -EINVAL ||
                    pmm_max_pfn() >= DIRECT_MAP_PFNS,
                "kernel address without a page table: -EINVAL");
    ktest_check(vmm_translate(vmm_kernel_pd(), USER_VA, &pa, &e) == -ENOENT,
                "the mapping is not in the kernel's directory");
    ktest_check(vmm_unmap(pd, USER_VA) == pte_make(frame, PTE_WRITE | PTE_USER),
                "unmap returns the old entry");
    ktest_check(vmm_translate(pd, USER_VA, &pa, &e) == -ENOENT, "translate after unmap: -ENOENT");
    pmm_free(frame, 0);

    /* Spread mappings over three page tables, then destroy the directory:
     * it must give back the tables and every mapped frame. */
    for (uint32_t i = 0; i < 100; i++) {
        uint32_t va = USER_VA + i * 0x13000; /* crosses 4 MiB boundaries */
        vmm_map(pd, va, pmm_alloc(0, PMM_ANY), PTE_USER);
    }
    ktest_check(vmm_pd_destroy(pd) == 0, "destroy the directory with 100 pages mapped");
    uint32_t after = free_frames();
    ktest_check(after == before, "no frame leaked: %u free before, %u after", before, after);
    ktest_check(vmm_pd_destroy(vmm_kernel_pd()) == -EBUSY, "the loaded directory is not destroyed");
}

static void check_switch_and_tlb(void)
{
    pte_t *pd = vmm_pd_create();
    uint32_t a = pmm_alloc(0, PMM_NORMAL), b = pmm_alloc(0, PMM_NORMAL);
    *(volatile uint32_t *)PHYS_TO_VIRT(a) = 0xAAAAAAAA;
    *(volatile uint32_t *)PHYS_TO_VIRT(b) = 0xBBBBBBBB;
    vmm_map(pd, USER_VA, a, PTE_USER | PTE_WRITE);

    ktest_check(vmm_switch(pd) == 1, "switching to the new directory loads CR3");
    ktest_check(vmm_switch(pd) == 0, "switching to it again does not");
    volatile uint32_t *p = (volatile uint32_t *)USER_VA;
    ktest_check(*p == 0xAAAAAAAA, "0x%08x reads frame A through the new directory", USER_VA);
    /* The read above put the translation in the TLB. Remap to frame B: only
     * invlpg in vmm_unmap/vmm_map makes the CPU see the change. */
    vmm_unmap(pd, USER_VA);
    vmm_map(pd, USER_VA, b, PTE_USER | PTE_WRITE);
    ktest_check(*p == 0xBBBBBBBB, "after remapping, the same address reads frame B (invlpg)");
    *p = 0x12345678;
    ktest_check(*(volatile uint32_t *)PHYS_TO_VIRT(b) == 0x12345678,
                "a write through it lands in frame B");
    vmm_switch(vmm_kernel_pd());

    /* The kernel-virtual area: a frame mapped there is an alias. */
    ktest_check(vmm_map(vmm_kernel_pd(), KVA_START, a, PTE_WRITE | PTE_GLOBAL) == 0,
                "map frame A at 0x%08x in the kernel-virtual area", KVA_START);
    *(volatile uint32_t *)KVA_START = 0xCAFEF00D;
    ktest_check(*(volatile uint32_t *)PHYS_TO_VIRT(a) == 0xCAFEF00D,
                "the alias writes the same frame");
    ktest_check(vmm_translate(pd, KVA_START, NULL, NULL) == 0,
                "and every directory sees it (shared kernel tables)");
    vmm_unmap(vmm_kernel_pd(), KVA_START);
    vmm_pd_destroy(pd); /* drops the reference on b */
    pmm_free(a, 0);
}

/* The test pattern of method m: byte i of the four frames. Never 0, and
 * different in each frame at the same offset, so that a byte left out by a
 * zeroing or a copy is seen. */
static uint8_t pattern(enum page_method m, uint32_t i)
{
    return (uint8_t)((i * 7 + i / PAGE_SIZE * 62 + m) % 255 + 1);
}

/* Bytes of the page at p that differ from the pattern from byte `first`
 * on, or, if zero is set, that are not 0. */
static uint32_t bytes_wrong(const uint8_t *p, enum page_method m, uint32_t first, bool zero)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        n += p[i] != (zero ? 0 : pattern(m, first + i));
    return n;
}

/* page_zero and page_copy (src/mem/page_ops.c) by each method, as this
 * compiler built them: four frames are filled with a pattern; frame 1 is
 * zeroed, and frames 0 and 2 must be as they were; then frame 3 is copied
 * onto frame 2, and frames 1 and 3 must be as they were. Then the time of
 * each method, in TSC ticks per page, taken in turns so that a busy host
 * slows them alike: printed for `make bench-swap`, never checked. */
static void check_page_ops(void)
{
    static const char *const names[] = {"words", "rep", "bytes"};
    uint32_t pa = pmm_alloc(2, PMM_NORMAL);
    if (!ktest_check(pa != 0, "four frames for the page operations"))
        return;
    uint8_t *f[4];
    for (int i = 0; i < 4; i++)
        f[i] = PHYS_TO_VIRT(pa + (uint32_t)i * PAGE_SIZE);
    for (enum page_method m = PAGE_WORDS; m <= PAGE_BYTES; m++) {
        for (uint32_t i = 0; i < 4 * PAGE_SIZE; i++)
            f[i / PAGE_SIZE][i % PAGE_SIZE] = pattern(m, i);
        page_zero(m, f[1]);
        uint32_t zero_wrong = bytes_wrong(f[1], m, 0, true);
        uint32_t around = bytes_wrong(f[0], m, 0, false) + bytes_wrong(f[2], m, 2 * PAGE_SIZE, false);
        page_copy(m, f[2], f[3]);
        uint32_t copy_wrong = bytes_wrong(f[2], m, 3 * PAGE_SIZE, false);
        around += bytes_wrong(f[1], m, 0, true) + bytes_wrong(f[3], m, 3 * PAGE_SIZE, false);
        ktest_check(zero_wrong + copy_wrong + around == 0,
                    "page_zero and page_copy by %s: %u bytes not zeroed, %u not copied, "
                    "%u changed around them", names[m], zero_wrong, copy_wrong, around);
    }
    uint64_t zero[3] = {0, 0, 0}, copy[3] = {0, 0, 0};
    for (int round = 0; round < 32; round++) {
        for (enum page_method m = PAGE_WORDS; m <= PAGE_BYTES; m++) {
            uint64_t t0 = read_tsc();
            for (int i = 0; i < 32; i++)
                page_zero(m, f[1]);
            uint64_t t1 = read_tsc();
            for (int i = 0; i < 32; i++)
                page_copy(m, f[2], f[3]);
            zero[m] += t1 - t0;
            copy[m] += read_tsc() - t1;
        }
    }
    kprintf("page ops, TSC ticks per page: zero words %u rep %u bytes %u, "
            "copy words %u rep %u bytes %u\n",
            (uint32_t)(zero[0] / 1024), (uint32_t)(zero[1] / 1024), (uint32_t)(zero[2] / 1024),
            (uint32_t)(copy[0] / 1024), (uint32_t)(copy[1] / 1024), (uint32_t)(copy[2] / 1024));
    pmm_free(pa, 2);
}

void ktest_vmm(void)
{
    uint32_t before = free_frames();
    check_kernel_directory();
    check_round_trips();
    check_switch_and_tlb();
    check_page_ops();
    ktest_check(free_frames() == before, "no frame leaked overall (%u free)", free_frames());
    vmm_dump(vmm_kernel_pd(), KERNEL_VMA, 0xFFFFFFFF);
}

void ktest_write_text(void)
{
    ktest_expect_panic("write to kernel text");
    *(volatile uint8_t *)(void *)&ktest_write_text = 0xC3;
}

void ktest_read_unmapped(void)
{
    uint32_t va = KERNEL_VMA + (pmm_max_pfn() << PAGE_SHIFT) + 0x1000000;
    ktest_expect_panic("read past the end of RAM in the direct map");
    (void)*(volatile uint32_t *)va;
}
