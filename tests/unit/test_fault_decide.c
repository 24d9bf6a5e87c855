/* Host tests of the user page-fault decision (src/mem/fault_decide.c):
 * every case, from the area, the page table entry and the access. */
#include "unit.h"

#include "mem/fault_decide.h"

#define RW (VMA_READ | VMA_WRITE)

static struct vma anon(uint32_t prot)
{
    return (struct vma){.start = 0x10000, .end = 0x20000, .prot = prot, .kind = VMA_ANON};
}

/* A data segment: file bytes from 0x10800 to 0x12400 of a module at
 * physical 0x200000, file offset 0x1800 at address 0x10800. */
static struct vma segment(uint32_t prot, uint32_t module)
{
    struct vma v = anon(prot);
    v.kind = VMA_DATA;
    v.file = module;
    v.file_bias = 0x1800 - 0x10800;
    v.file_start = 0x10800;
    v.file_end = 0x12400;
    return v;
}

START_TEST(outside_or_against_the_area_kills)
{
    struct vma ro = anon(VMA_READ), none = anon(0);
    ck_assert_int_eq(fault_decide(NULL, 0x5000, 0, false, 0), FAULT_KILL_UNMAPPED);
    ck_assert_int_eq(fault_decide(&ro, 0x10000, 0, true, 0), FAULT_KILL_PROTECTION);
    ck_assert_int_eq(fault_decide(&none, 0x10000, 0, false, 0), FAULT_KILL_PROTECTION);
    /* Read-only for real stays a kill even on a copy-on-write page. */
    pte_t cow = pte_make(0x300000, PTE_USER | PTE_COW);
    ck_assert_int_eq(fault_decide(&ro, 0x10000, cow, true, 2), FAULT_KILL_PROTECTION);
}
END_TEST

START_TEST(first_touch_by_backing)
{
    struct vma a = anon(RW);
    ck_assert_int_eq(fault_decide(&a, 0x10123, 0, true, 0), FAULT_ZERO_FILL);
    struct vma text = segment(VMA_READ | VMA_EXEC, 0x200000);
    /* 0x11000-0x12000 is all file bytes, at file offset 0x2000: page aligned. */
    ck_assert_int_eq(fault_decide(&text, 0x11000, 0, false, 0), FAULT_FILE_MAP);
    /* The first page starts with zeros, the third ends with them. */
    ck_assert_int_eq(fault_decide(&text, 0x10000, 0, false, 0), FAULT_FILE_COPY);
    ck_assert_int_eq(fault_decide(&text, 0x12000, 0, false, 0), FAULT_FILE_COPY);
    /* Past the file bytes: .bss. */
    ck_assert_int_eq(fault_decide(&text, 0x13000, 0, false, 0), FAULT_ZERO_FILL);
    /* A module that is not page aligned in memory: a copy, never a map. */
    struct vma odd = segment(VMA_READ, 0x200200);
    ck_assert_int_eq(fault_decide(&odd, 0x11000, 0, false, 0), FAULT_FILE_COPY);
    /* Writable data gets a private copy even when it could be mapped. */
    struct vma data = segment(RW, 0x200000);
    ck_assert_int_eq(fault_decide(&data, 0x11000, 0, false, 0), FAULT_FILE_COPY);
    struct vma shm = anon(RW);
    shm.kind = VMA_SHARED;
    ck_assert_int_eq(fault_decide(&shm, 0x10000, 0, true, 0), FAULT_SHARED_MAP);
}
END_TEST

START_TEST(writes_to_present_pages)
{
    struct vma a = anon(RW);
    pte_t cow = pte_make(0x300000, PTE_USER | PTE_COW);
    ck_assert_int_eq(fault_decide(&a, 0x10000, cow, true, 2), FAULT_COW_COPY);
    ck_assert_int_eq(fault_decide(&a, 0x10000, cow, true, 1), FAULT_COW_REUSE);
    ck_assert_int_eq(fault_decide(&a, 0x10000, cow, false, 2), FAULT_NOTHING);
    pte_t file = pte_make(0x201000, PTE_USER | PTE_FILE);
    ck_assert_int_eq(fault_decide(&a, 0x10000, file, true, 0), FAULT_COW_COPY);
    pte_t ro = pte_make(0x300000, PTE_USER);
    ck_assert_int_eq(fault_decide(&a, 0x10000, ro, true, 1), FAULT_MAKE_WRITABLE);
    pte_t rw = pte_make(0x300000, PTE_USER | PTE_WRITE);
    ck_assert_int_eq(fault_decide(&a, 0x10000, rw, true, 1), FAULT_NOTHING);
}
END_TEST

START_TEST(swapped_pages_come_back)
{
    struct vma a = anon(RW), ro = anon(VMA_READ);
    pte_t swapped = pte_make_swap(42);
    ck_assert_int_eq(fault_decide(&a, 0x10000, swapped, false, 0), FAULT_SWAP_IN);
    ck_assert_int_eq(fault_decide(&a, 0x10000, swapped, true, 0), FAULT_SWAP_IN);
    /* Whatever the area once held (file bytes, a segment), the entry says
     * where the page is now. */
    struct vma data = segment(RW, 0x200000);
    ck_assert_int_eq(fault_decide(&data, 0x11000, swapped, false, 0), FAULT_SWAP_IN);
    /* The area's permissions still come first. */
    ck_assert_int_eq(fault_decide(&ro, 0x10000, swapped, true, 0), FAULT_KILL_PROTECTION);
    ck_assert_int_eq(fault_decide(NULL, 0x10000, swapped, false, 0), FAULT_KILL_UNMAPPED);
}
END_TEST

START_TEST(names)
{
    for (int a = 0; a < FAULT_NACTIONS; a++)
        ck_assert_str_ne(fault_action_name(a), "?");
    ck_assert_str_eq(fault_action_name(FAULT_COW_COPY), "cow-copy");
    ck_assert_str_eq(fault_action_name(FAULT_NACTIONS), "?");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fault_decide");
    TCase *tc = tcase_create("decide");
    tcase_add_test(tc, outside_or_against_the_area_kills);
    tcase_add_test(tc, first_touch_by_backing);
    tcase_add_test(tc, writes_to_present_pages);
    tcase_add_test(tc, swapped_pages_come_back);
    tcase_add_test(tc, names);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
