/* Host tests of the page table entry layout (src/mem/pte.h). */
#include "unit.h"

#include "mem/pte.h"

START_TEST(test_indices_of_the_chapter_example)
{
    /* 0x000023E8: directory entry 0, table entry 2, offset 0x3E8. */
    ck_assert_uint_eq(pde_index(0x000023E8), 0);
    ck_assert_uint_eq(pte_index(0x000023E8), 2);
    ck_assert_uint_eq(0x000023E8 & 0xFFF, 0x3E8);
    /* The kernel's first page: entry 768 of the directory, entry 256 of its table. */
    ck_assert_uint_eq(pde_index(0xC0100000), 768);
    ck_assert_uint_eq(pte_index(0xC0100000), 256);
    ck_assert_uint_eq(0xC0100000 & 0xFFF, 0);
    /* docs/05-paging.md, exercise 1: a user stack's top word. */
    ck_assert_uint_eq(pde_index(0xBFFFFFFC), 767);
    ck_assert_uint_eq(pte_index(0xBFFFFFFC), 1023);
    ck_assert_uint_eq(0xBFFFFFFC & 0xFFF, 0xFFC);
    ck_assert_uint_eq(pde_index(0xFFFFFFFF), 1023);
    ck_assert_uint_eq(pte_index(0xFFFFFFFF), 1023);
}
END_TEST

START_TEST(test_present_entries)
{
    pte_t e = pte_make(0x00123456, PTE_WRITE | PTE_USER);
    ck_assert_uint_eq(e, 0x00123007); /* the offset bits of pa are dropped */
    ck_assert(pte_present(e));
    ck_assert_uint_eq(pte_addr(e), 0x00123000);
    ck_assert_uint_eq(pte_flags(e), PTE_PRESENT | PTE_WRITE | PTE_USER);
    ck_assert(!pte_is_swap(e)); /* W shares bit 1 with the swap marker */
    ck_assert(!pte_none(e));
    /* Flags outside the low 12 bits cannot leak into the address. */
    ck_assert_uint_eq(pte_make(0xFFFFF000, 0xFFFFFFFF), 0xFFFFFFFF);
    ck_assert_uint_eq(pte_make(0x1000, PTE_GLOBAL), 0x1101);
}
END_TEST

START_TEST(test_swap_entries)
{
    for (uint32_t slot = 1; slot <= PTE_SWAP_SLOT_MAX; slot += 4093) {
        pte_t e = pte_make_swap(slot);
        ck_assert(!pte_present(e));
        ck_assert(pte_is_swap(e));
        ck_assert(!pte_none(e));
        ck_assert_uint_eq(pte_swap_slot(e), slot);
    }
    pte_t last = pte_make_swap(PTE_SWAP_SLOT_MAX);
    ck_assert_uint_eq(last, 0xFFFFF002);
    ck_assert_uint_eq(pte_swap_slot(last), PTE_SWAP_SLOT_MAX);
    ck_assert(pte_none(0));
    ck_assert(!pte_is_swap(0));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pte");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, test_indices_of_the_chapter_example);
    tcase_add_test(tc, test_present_entries);
    tcase_add_test(tc, test_swap_entries);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
