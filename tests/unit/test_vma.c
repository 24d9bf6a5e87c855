/* Host tests of the VM-area core (src/mem/vma.c): hand-made cases for each
 * operation. tests/unit/test_vma_model.c checks random sequences against a
 * page-by-page model. */
#include "unit.h"

#include "kernel/errno.h"
#include "mem/vma.h"

#define P 0x1000u

static struct vma_list l;

static struct vma area(uint32_t start, uint32_t end, uint32_t prot, enum vma_kind kind)
{
    return (struct vma){.start = start, .end = end, .prot = prot, .kind = kind};
}

static void setup(void)
{
    vma_list_init(&l);
}

/* The list holds exactly these ranges, in order. */
static void expect_ranges(int n, const uint32_t *r)
{
    ck_assert_int_eq(l.n, n);
    for (int i = 0; i < n; i++) {
        ck_assert_uint_eq(l.area[i].start, r[2 * i]);
        ck_assert_uint_eq(l.area[i].end, r[2 * i + 1]);
    }
}

START_TEST(insert_sorted_and_refuse_overlaps)
{
    struct vma a = area(5 * P, 8 * P, VMA_READ, VMA_DATA), b = area(P, 2 * P, VMA_READ, VMA_CODE);
    ck_assert_int_eq(vma_insert(&l, &a), 0);
    ck_assert_int_eq(vma_insert(&l, &b), 0);
    expect_ranges(2, (uint32_t[]){P, 2 * P, 5 * P, 8 * P});
    struct vma c = area(7 * P, 9 * P, VMA_READ, VMA_DATA);
    ck_assert_int_eq(vma_insert(&l, &c), -EINVAL);
    c = area(4 * P, 6 * P, VMA_READ, VMA_DATA);
    ck_assert_int_eq(vma_insert(&l, &c), -EINVAL);
    c = area(3 * P, 3 * P, VMA_READ, VMA_DATA); /* empty */
    ck_assert_int_eq(vma_insert(&l, &c), -EINVAL);
    c = area(3 * P + 1, 4 * P, VMA_READ, VMA_DATA); /* unaligned */
    ck_assert_int_eq(vma_insert(&l, &c), -EINVAL);
    ck_assert_ptr_eq(vma_find(&l, 5 * P), &l.area[1]);
    ck_assert_ptr_eq(vma_find(&l, 8 * P - 1), &l.area[1]);
    ck_assert_ptr_null(vma_find(&l, 8 * P));
    ck_assert_ptr_null(vma_find(&l, 0));
}
END_TEST

START_TEST(insert_merges_equal_neighbours)
{
    struct vma a = area(P, 2 * P, VMA_READ | VMA_WRITE, VMA_HEAP);
    struct vma b = area(2 * P, 4 * P, VMA_READ | VMA_WRITE, VMA_HEAP);
    struct vma c = area(4 * P, 5 * P, VMA_READ, VMA_HEAP); /* other protection */
    ck_assert_int_eq(vma_insert(&l, &a), 0);
    ck_assert_int_eq(vma_insert(&l, &c), 0);
    ck_assert_int_eq(vma_insert(&l, &b), 0);
    expect_ranges(2, (uint32_t[]){P, 4 * P, 4 * P, 5 * P});
}
END_TEST

START_TEST(unmap_splits_and_removes)
{
    struct vma a = area(P, 10 * P, VMA_READ | VMA_WRITE, VMA_ANON);
    ck_assert_int_eq(vma_insert(&l, &a), 0);
    ck_assert_int_eq(vma_unmap(&l, 4 * P, 6 * P), 0); /* the middle */
    expect_ranges(2, (uint32_t[]){P, 4 * P, 6 * P, 10 * P});
    ck_assert_int_eq(vma_unmap(&l, 0, 2 * P), 0);      /* a head, and nothing before it */
    ck_assert_int_eq(vma_unmap(&l, 9 * P, 20 * P), 0); /* a tail */
    expect_ranges(2, (uint32_t[]){2 * P, 4 * P, 6 * P, 9 * P});
    ck_assert_int_eq(vma_unmap(&l, 2 * P, 9 * P), 0); /* everything */
    ck_assert_int_eq(l.n, 0);
    ck_assert_int_eq(vma_unmap(&l, 5 * P, 5 * P), -EINVAL);
}
END_TEST

START_TEST(unmap_needs_a_slot_to_split)
{
    for (uint32_t i = 0; i < VMA_MAX; i++) {
        struct vma a = area((2 * i + 1) * 4 * P, (2 * i + 2) * 4 * P, VMA_READ, VMA_ANON);
        ck_assert_int_eq(vma_insert(&l, &a), 0);
    }
    struct vma more = area(0x10000000, 0x10001000, VMA_READ, VMA_ANON);
    ck_assert_int_eq(vma_insert(&l, &more), -ENOMEM);
    /* Cutting a page out of the middle of one area needs a slot: refused,
     * and the list is left as it was. */
    ck_assert_int_eq(vma_unmap(&l, 5 * P, 6 * P), -ENOMEM);
    ck_assert_int_eq(l.n, VMA_MAX);
    ck_assert_uint_eq(l.area[0].end, 8 * P);
    /* A tail needs none. */
    ck_assert_int_eq(vma_unmap(&l, 7 * P, 8 * P), 0);
    ck_assert_uint_eq(l.area[0].end, 7 * P);
}
END_TEST

/* An insert that only grows a neighbour needs no slot, so a full list takes
 * it: a process with VMA_MAX areas can still grow its heap by sbrk. */
START_TEST(insert_into_a_full_list_joins_neighbours)
{
    for (uint32_t i = 0; i < VMA_MAX; i++) {
        struct vma a = area((2 * i + 1) * 4 * P, (2 * i + 2) * 4 * P, VMA_READ, VMA_ANON);
        ck_assert_int_eq(vma_insert(&l, &a), 0);
    }
    struct vma grow = area(8 * P, 9 * P, VMA_READ, VMA_ANON); /* after area 0 */
    ck_assert_int_eq(vma_insert(&l, &grow), 0);
    ck_assert_int_eq(l.n, VMA_MAX);
    ck_assert_uint_eq(l.area[0].end, 9 * P);
    grow = area(3 * P, 4 * P, VMA_READ, VMA_ANON); /* before area 0 */
    ck_assert_int_eq(vma_insert(&l, &grow), 0);
    ck_assert_uint_eq(l.area[0].start, 3 * P);
    struct vma bridge = area(9 * P, 12 * P, VMA_READ, VMA_ANON); /* areas 0 and 1 become one */
    ck_assert_int_eq(vma_insert(&l, &bridge), 0);
    ck_assert_int_eq(l.n, VMA_MAX - 1);
    ck_assert_uint_eq(l.area[0].start, 3 * P);
    ck_assert_uint_eq(l.area[0].end, 16 * P);
    ck_assert_uint_eq(l.area[1].start, 20 * P);
    /* Alike but touching nothing, or touching but not alike: a slot of
     * its own, and there is one. */
    struct vma own = area(26 * P, 27 * P, VMA_READ, VMA_ANON);
    ck_assert_int_eq(vma_insert(&l, &own), 0);
    ck_assert_int_eq(l.n, VMA_MAX);
    struct vma other = area(24 * P, 25 * P, VMA_READ | VMA_WRITE, VMA_ANON);
    ck_assert_int_eq(vma_insert(&l, &other), -ENOMEM);
    ck_assert_int_eq(l.n, VMA_MAX);
    ck_assert_uint_eq(l.area[1].end, 24 * P);
}
END_TEST

START_TEST(protect_splits_and_merges_back)
{
    struct vma a = area(P, 10 * P, VMA_READ | VMA_WRITE, VMA_ANON);
    ck_assert_int_eq(vma_insert(&l, &a), 0);
    ck_assert_int_eq(vma_protect(&l, 3 * P, 5 * P, VMA_READ), 0);
    expect_ranges(3, (uint32_t[]){P, 3 * P, 3 * P, 5 * P, 5 * P, 10 * P});
    ck_assert_uint_eq(l.area[1].prot, VMA_READ);
    ck_assert_uint_eq(l.area[2].prot, VMA_READ | VMA_WRITE);
    ck_assert_int_eq(vma_protect(&l, 3 * P, 5 * P, VMA_READ | VMA_WRITE), 0);
    expect_ranges(1, (uint32_t[]){P, 10 * P});
    /* A hole in the range: -ENOMEM, nothing changed. */
    ck_assert_int_eq(vma_unmap(&l, 6 * P, 7 * P), 0);
    ck_assert_int_eq(vma_protect(&l, 2 * P, 8 * P, VMA_READ), -ENOMEM);
    expect_ranges(2, (uint32_t[]){P, 6 * P, 7 * P, 10 * P});
    ck_assert_uint_eq(l.area[0].prot, VMA_READ | VMA_WRITE);
}
END_TEST

START_TEST(split_keeps_file_backing)
{
    struct vma a = area(0x08048000, 0x08050000, VMA_READ | VMA_WRITE, VMA_DATA);
    a.file = 0x00200000;
    a.file_bias = 0x1000 - 0x08048000;
    a.file_start = 0x08048000;
    a.file_end = 0x0804a800;
    ck_assert_int_eq(vma_insert(&l, &a), 0);
    ck_assert_int_eq(vma_protect(&l, 0x08049000, 0x0804a000, VMA_READ), 0);
    ck_assert_int_eq(l.n, 3);
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(l.area[i].file, a.file);
        ck_assert_uint_eq(l.area[i].file_bias, a.file_bias);
        ck_assert_uint_eq(l.area[i].file_end, a.file_end);
    }
}
END_TEST

/* [0x10000, 0x20000), a gap of two pages, [0x22000, 0x30000). */
static void two_areas_and_a_gap(void)
{
    struct vma a = area(0x10000, 0x20000, VMA_READ, VMA_ANON);
    struct vma b = area(0x22000, 0x30000, VMA_READ, VMA_ANON);
    ck_assert_int_eq(vma_insert(&l, &a), 0);
    ck_assert_int_eq(vma_insert(&l, &b), 0);
}

START_TEST(find_free_first_fit_and_hint)
{
    two_areas_and_a_gap();
    ck_assert_uint_eq(vma_find_free(&l, 0x1000, 0x10000, 0x40000, 0), 0x20000);
    ck_assert_uint_eq(vma_find_free(&l, 0x2000, 0x10000, 0x40000, 0), 0x20000);
    ck_assert_uint_eq(vma_find_free(&l, 0x3000, 0x10000, 0x40000, 0), 0x30000);
    ck_assert_uint_eq(vma_find_free(&l, 0x1000, 0x10000, 0x40000, 0x35000), 0x35000);
    ck_assert_uint_eq(vma_find_free(&l, 0x1000, 0x10000, 0x40000, 0x15000), 0x20000);
    ck_assert_uint_eq(vma_find_free(&l, 0x11000, 0x10000, 0x40000, 0), 0);
    ck_assert_uint_eq(vma_find_free(&l, 0x10000, 0x10000, 0x40000, 0), 0x30000);
}
END_TEST

/* The search from the hint never answers below it: an unaligned hint is
 * rounded up, not down into the page that holds it. */
START_TEST(find_free_rounds_the_hint_up)
{
    two_areas_and_a_gap();
    ck_assert_uint_eq(vma_find_free(&l, 0x1000, 0x10000, 0x40000, 0x35800), 0x36000);
    ck_assert_uint_eq(vma_find_free(&l, 0x1000, 0x10000, 0x40000, 0x20800), 0x21000);
    /* Nothing fits from the hint up: wrap to lo. */
    ck_assert_uint_eq(vma_find_free(&l, 0x1000, 0x10000, 0x40000, 0x3F800), 0x20000);
    /* A hint in the last page of the address space cannot round up. */
    ck_assert_uint_eq(vma_find_free(&l, 0x1000, 0x10000, 0xFFFFFFFF, 0xFFFFF800), 0x20000);
}
END_TEST

/* 0 means "no place", so lo must be above 0; lo must also be aligned, or
 * the answers would not be. */
START_TEST(find_free_refuses_a_bad_lo)
{
    ck_assert_uint_eq(vma_find_free(&l, 0x1000, 0x10800, 0x40000, 0), 0);
    ck_assert_uint_eq(vma_find_free(&l, 0x1000, 0x10000, 0x40000, 0), 0x10000);
    struct vma a = area(0, P, VMA_READ, VMA_ANON);
    ck_assert_int_eq(vma_insert(&l, &a), 0);
    ck_assert_uint_eq(vma_find_free(&l, 0x1000, 0, 0x40000, 0), 0);
    ck_assert_uint_eq(vma_find_free(&l, 0x1000, P, 0x40000, 0), P);
}
END_TEST

/* The first page and the last page an area can have. The page at
 * 0xFFFFF000 can be in no area: its end would be 2^32. */
START_TEST(areas_at_both_ends_of_the_address_space)
{
    struct vma low = area(0, 2 * P, VMA_READ, VMA_ANON);
    struct vma high = area(0xFFFFD000, 0xFFFFF000, VMA_READ, VMA_ANON);
    struct vma last = area(0xFFFFF000, 0, VMA_READ, VMA_ANON);
    ck_assert_int_eq(vma_insert(&l, &low), 0);
    ck_assert_int_eq(vma_insert(&l, &high), 0);
    ck_assert_int_eq(vma_insert(&l, &last), -EINVAL);
    ck_assert_ptr_eq(vma_find(&l, 0), &l.area[0]);
    ck_assert_ptr_eq(vma_find(&l, 0xFFFFEFFF), &l.area[1]);
    ck_assert_ptr_null(vma_find(&l, 0xFFFFF000));
    ck_assert_ptr_null(vma_find(&l, 0xFFFFFFFF));
    ck_assert_int_eq(vma_protect(&l, 0, P, VMA_READ | VMA_WRITE), 0);
    ck_assert_int_eq(vma_protect(&l, 0xFFFFE000, 0xFFFFF000, VMA_READ | VMA_WRITE), 0);
    ck_assert_int_eq(l.n, 4);
    ck_assert_int_eq(vma_unmap(&l, 0, P), 0);
    ck_assert_int_eq(vma_unmap(&l, 0xFFFFE000, 0xFFFFF000), 0);
    expect_ranges(2, (uint32_t[]){P, 2 * P, 0xFFFFD000, 0xFFFFE000});
    ck_assert_uint_eq(vma_find_free(&l, P, P, 0xFFFFFFFF, 0xFFFFD000), 0xFFFFE000);
    ck_assert_uint_eq(vma_find_free(&l, 2 * P, P, 0xFFFFFFFF, 0xFFFFD000), 2 * P);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vma");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, insert_sorted_and_refuse_overlaps);
    tcase_add_test(tc, insert_merges_equal_neighbours);
    tcase_add_test(tc, unmap_splits_and_removes);
    tcase_add_test(tc, unmap_needs_a_slot_to_split);
    tcase_add_test(tc, insert_into_a_full_list_joins_neighbours);
    tcase_add_test(tc, protect_splits_and_merges_back);
    tcase_add_test(tc, split_keeps_file_backing);
    tcase_add_test(tc, find_free_first_fit_and_hint);
    tcase_add_test(tc, find_free_rounds_the_hint_up);
    tcase_add_test(tc, find_free_refuses_a_bad_lo);
    tcase_add_test(tc, areas_at_both_ends_of_the_address_space);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
