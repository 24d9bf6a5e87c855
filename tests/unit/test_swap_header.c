/* Host tests of the swap header parser (src/disk/swap_header.c).
 *
 * Headers written by the real util-linux mkswap (on temporary files, with a
 * known label and UUID), headers whose bad-page list the test writes, and
 * headers broken in every way the parser must catch. Needs mkswap (util-linux)
 * on the PATH or in /usr/sbin or /sbin; no root. */
#include "unit.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disk/swap_header.h"
#include "kernel/errno.h"

#define TEST_UUID "01234567-89ab-cdef-0123-456789abcdef"
static const uint8_t test_uuid_bytes[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                            0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};

/* Big enough for the bad-page list; static, as the kernel glue will keep it. */
static struct swap_header hdr;

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void swap_le32_in_place(uint8_t *p)
{
    uint8_t a = p[0], b = p[1];

    p[0] = p[3];
    p[1] = p[2];
    p[2] = b;
    p[3] = a;
}

static const char *describe(void)
{
    static char buf[300];

    swap_header_describe(&hdr, buf, sizeof(buf));
    return buf;
}

/* ---- running the real mkswap ---- */

static char work_dir[256];

static void make_work_dir(void)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(work_dir, sizeof(work_dir), "%s/pagoda-test-swap-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(work_dir)) {
        perror("test_swap_header: mkdtemp");
        exit(1);
    }
}

static void remove_work_dir(void)
{
    char cmd[512];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work_dir); /* work_dir is 256 */
    if (system(cmd) != 0)
        fprintf(stderr, "test_swap_header: could not remove %s\n", work_dir);
}

/* Run mkswap on a fresh file of `pages` 4 KiB pages with the given options
 * (label and uuid may be NULL) and read its first page into page[4096]. */
static void real_mkswap(uint32_t pages, const char *label, const char *uuid, uint8_t page[4096])
{
    static unsigned counter;
    char path[512], cmd[2048];
    FILE *f;
    int n;

    snprintf(path, sizeof(path), "%s/swap%u", work_dir, counter++);
    n = snprintf(cmd, sizeof(cmd),
                 "PATH=\"$PATH:/usr/sbin:/sbin\"; truncate -s %lu '%s' && chmod 600 '%s' && "
                 "mkswap -q --pagesize 4096 %s%s%s %s%s '%s'",
                 (unsigned long)pages * 4096, path, path, label ? "-L '" : "", label ? label : "",
                 label ? "'" : "", uuid ? "-U " : "", uuid ? uuid : "", path);
    ck_assert_int_lt(n, (int)sizeof(cmd));
    ck_assert_msg(system(cmd) == 0, "mkswap failed (apt-get install util-linux): %s", cmd);
    f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(page, 1, 4096, f), 4096);
    fclose(f);
    remove(path);
}

/* ---- what mkswap writes ---- */

START_TEST(mkswap_offsets_match_the_format)
{
    static uint8_t page[4096];

    /* Check the layout itself against the tool, independently of the parser. */
    real_mkswap(4096, "pagoda-swap", TEST_UUID, page);
    ck_assert_uint_eq(get_le32(page + 1024), 1);    /* version */
    ck_assert_uint_eq(get_le32(page + 1028), 4095); /* last_page = pages - 1 */
    ck_assert_uint_eq(get_le32(page + 1032), 0);    /* nr_badpages */
    ck_assert_mem_eq(page + 1036, test_uuid_bytes, 16);
    ck_assert_mem_eq(page + 1052, "pagoda-swap\0\0\0\0\0", 16);
    ck_assert_mem_eq(page + 4086, "SWAPSPACE2", 10);
    ck_assert_uint_eq(SWAP_HEADER_VERSION_OFFSET, 1024);
    ck_assert_uint_eq(SWAP_HEADER_UUID_OFFSET, 1036);
    ck_assert_uint_eq(SWAP_HEADER_LABEL_OFFSET, 1052);
    ck_assert_uint_eq(SWAP_HEADER_BADPAGES_OFFSET, 1024 + 3 * 4 + 16 + 16 + 117 * 4);
    ck_assert_uint_eq(SWAP_HEADER_MAGIC_OFFSET, 4096 - 10);
    ck_assert_uint_eq(SWAP_HEADER_MAX_BADPAGES, 637);
}
END_TEST

START_TEST(mkswap_with_label_and_uuid)
{
    static uint8_t page[4096];
    char uuid[37];

    real_mkswap(4096, "pagoda-swap", TEST_UUID, page);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 4096, &hdr), 0);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_OK);
    ck_assert_uint_eq(hdr.version, 1);
    ck_assert_uint_eq(hdr.last_page, 4095);
    ck_assert_uint_eq(hdr.nr_badpages, 0);
    ck_assert_uint_eq(hdr.usable_pages, 4095);
    ck_assert_str_eq(hdr.label, "pagoda-swap");
    ck_assert(hdr.has_uuid);
    ck_assert_mem_eq(hdr.uuid, test_uuid_bytes, 16);
    swap_header_uuid_string(hdr.uuid, uuid);
    ck_assert_str_eq(uuid, TEST_UUID);
    ck_assert(!swap_header_page_is_bad(&hdr, 1));
    ck_assert_str_eq(describe(), "version 1, 4095 usable pages (last_page 4095, 0 bad), "
                                 "label \"pagoda-swap\", uuid " TEST_UUID);
}
END_TEST

START_TEST(mkswap_smallest_area_without_label)
{
    static uint8_t page[4096];

    /* 40 KiB, 10 pages, is the smallest area mkswap agrees to make. */
    real_mkswap(10, NULL, "clear", page);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 10, &hdr), 0);
    ck_assert_uint_eq(hdr.last_page, 9);
    ck_assert_uint_eq(hdr.usable_pages, 9);
    ck_assert_str_eq(hdr.label, "");
    ck_assert(!hdr.has_uuid);
    ck_assert_str_eq(describe(),
                     "version 1, 9 usable pages (last_page 9, 0 bad), no label, no uuid");
}
END_TEST

START_TEST(mkswap_random_uuid_odd_size)
{
    static uint8_t page[4096];

    /* 1000 KiB = 250 pages; no -U, so mkswap makes up a (non-zero) UUID. */
    real_mkswap(250, "x", NULL, page);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 250, &hdr), 0);
    ck_assert_uint_eq(hdr.last_page, 249);
    ck_assert_str_eq(hdr.label, "x");
    ck_assert(hdr.has_uuid);
    /* A bigger partition than the area is fine: only the area is used. */
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 100000, &hdr), 0);
    ck_assert_uint_eq(hdr.last_page, 249);
}
END_TEST

START_TEST(mkswap_long_label_is_cut)
{
    static uint8_t page[4096];

    /* util-linux 2.38 keeps at most 15 characters, so a NUL always ends it. */
    real_mkswap(64, "abcdefghijklmnopqrst", TEST_UUID, page);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 64, &hdr), 0);
    ck_assert_uint_eq(strlen(hdr.label), 15);
    ck_assert_str_eq(hdr.label, "abcdefghijklmno");

    /* Another writer may fill all 16 bytes: no NUL in the header. */
    memcpy(page + 1052, "ABCDEFGHIJKLMNOP", 16);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 64, &hdr), 0);
    ck_assert_str_eq(hdr.label, "ABCDEFGHIJKLMNOP");
}
END_TEST

START_TEST(partition_smaller_than_area)
{
    static uint8_t page[4096];

    real_mkswap(4096, NULL, TEST_UUID, page);
    /* last_page 4095 needs pages 0..4095: a 4096-page partition is enough... */
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 4096, &hdr), 0);
    /* ...a 4095-page one is not. */
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 4095, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_PAST_PARTITION);
    ck_assert_uint_eq(hdr.value, 4095);
    ck_assert_uint_eq(hdr.limit, 4095);
    ck_assert_str_eq(describe(), "last_page 4095 is past the partition (4095 pages)");
}
END_TEST

/* ---- bad-page lists written by the test ---- */

static void set_badpages(uint8_t *page, uint32_t n, const uint32_t *list)
{
    put_le32(page + 1032, n);
    for (uint32_t i = 0; i < n; i++)
        put_le32(page + 1536 + 4 * i, list[i]);
}

START_TEST(badpage_list_is_read)
{
    static uint8_t page[4096];
    const uint32_t bad[] = {100, 5, 4095}; /* any order, last_page included */

    real_mkswap(4096, "bad", TEST_UUID, page);
    set_badpages(page, 3, bad);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 4096, &hdr), 0);
    ck_assert_uint_eq(hdr.nr_badpages, 3);
    ck_assert_uint_eq(hdr.badpages[0], 100);
    ck_assert_uint_eq(hdr.badpages[1], 5);
    ck_assert_uint_eq(hdr.badpages[2], 4095);
    ck_assert_uint_eq(hdr.usable_pages, 4092);
    ck_assert(swap_header_page_is_bad(&hdr, 5));
    ck_assert(swap_header_page_is_bad(&hdr, 100));
    ck_assert(swap_header_page_is_bad(&hdr, 4095));
    ck_assert(!swap_header_page_is_bad(&hdr, 6));
    ck_assert(!swap_header_page_is_bad(&hdr, 4094));
    ck_assert_str_eq(describe(), "version 1, 4092 usable pages (last_page 4095, 3 bad), "
                                 "label \"bad\", uuid " TEST_UUID);
}
END_TEST

START_TEST(badpage_list_can_fill_the_page)
{
    static uint8_t page[4096];
    uint32_t bad[637];

    for (uint32_t i = 0; i < 637; i++)
        bad[i] = 2 * i + 1;
    real_mkswap(4096, NULL, TEST_UUID, page);
    set_badpages(page, 637, bad);
    /* The list ends at 1536 + 637 * 4 = 4084, just before the magic. */
    ck_assert_mem_eq(page + 4086, "SWAPSPACE2", 10);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 4096, &hdr), 0);
    ck_assert_uint_eq(hdr.nr_badpages, 637);
    ck_assert_uint_eq(hdr.badpages[636], 1273);
    ck_assert_uint_eq(hdr.usable_pages, 4095 - 637);
    ck_assert(swap_header_page_is_bad(&hdr, 1273));
    ck_assert(!swap_header_page_is_bad(&hdr, 1274));
}
END_TEST

/* ---- broken headers ---- */

START_TEST(wiped_signature)
{
    static uint8_t page[4096];

    real_mkswap(64, NULL, TEST_UUID, page);
    memset(page + 4086, 0, 10);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 64, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_NO_SIGNATURE);
    ck_assert_str_eq(hdr.found_magic, "..........");
    ck_assert_str_eq(describe(), "no swap signature (found \"..........\" at byte 4086, "
                                 "expected \"SWAPSPACE2\"): run mkswap");

    memcpy(page + 4086, "SWAPSPACE3", 10);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 64, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_NO_SIGNATURE);
    ck_assert_str_eq(hdr.found_magic, "SWAPSPACE3");
}
END_TEST

START_TEST(old_format_signature)
{
    static uint8_t page[4096];

    real_mkswap(64, NULL, TEST_UUID, page);
    memcpy(page + 4086, "SWAP-SPACE", 10);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 64, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_OLD_FORMAT);
    ck_assert_str_eq(describe(), "old version 0 swap area (\"SWAP-SPACE\"), not supported: "
                                 "run mkswap again");
}
END_TEST

START_TEST(wrong_version)
{
    static uint8_t page[4096];

    real_mkswap(64, NULL, TEST_UUID, page);
    put_le32(page + 1024, 2);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 64, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_BAD_VERSION);
    ck_assert_uint_eq(hdr.value, 2);
    ck_assert_str_eq(describe(), "version 2 is not supported (expected 1)");

    put_le32(page + 1024, 0);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 64, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_BAD_VERSION);
    ck_assert_uint_eq(hdr.value, 0);
}
END_TEST

START_TEST(last_page_past_partition)
{
    static uint8_t page[4096];

    real_mkswap(64, NULL, TEST_UUID, page);
    put_le32(page + 1028, 70000);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 16383, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_PAST_PARTITION);
    ck_assert_uint_eq(hdr.value, 70000);
    ck_assert_uint_eq(hdr.limit, 16383);
    ck_assert_str_eq(describe(), "last_page 70000 is past the partition (16383 pages)");

    put_le32(page + 1028, 0);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 64, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_EMPTY);
    ck_assert_str_eq(describe(), "last_page 0: the swap area has no usable page");
}
END_TEST

START_TEST(absurd_badpage_count)
{
    static uint8_t page[4096];

    real_mkswap(4096, NULL, TEST_UUID, page);
    put_le32(page + 1032, 638);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 4096, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_TOO_MANY_BADPAGES);
    ck_assert_uint_eq(hdr.value, 638);
    ck_assert_uint_eq(hdr.limit, 637);
    ck_assert_str_eq(describe(), "nr_badpages 638 is more than fit in the header page (637)");

    put_le32(page + 1032, 0xFFFFFFFFu);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 4096, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_TOO_MANY_BADPAGES);
    ck_assert_uint_eq(hdr.value, 0xFFFFFFFFu);

    /* Fits in the page, but a 10-page area has only 9 usable pages. */
    real_mkswap(10, NULL, TEST_UUID, page);
    put_le32(page + 1032, 10);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 10, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_BADPAGES_EXCEED);
    ck_assert_uint_eq(hdr.value, 10);
    ck_assert_uint_eq(hdr.limit, 9);
    ck_assert_str_eq(describe(), "nr_badpages 10 is more than the 9 usable pages (last_page 9)");
}
END_TEST

START_TEST(badpage_entry_out_of_range)
{
    static uint8_t page[4096];
    const uint32_t zero[] = {7, 0};
    const uint32_t high[] = {7, 8, 9, 4096};

    real_mkswap(4096, NULL, TEST_UUID, page);
    set_badpages(page, 2, zero);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 4096, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_BADPAGE_OUT_OF_RANGE);
    ck_assert_uint_eq(hdr.index, 1);
    ck_assert_uint_eq(hdr.value, 0);
    ck_assert_str_eq(describe(), "bad-page entry 1 is page 0, outside 1..4095");

    set_badpages(page, 4, high);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 4096, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_BADPAGE_OUT_OF_RANGE);
    ck_assert_uint_eq(hdr.index, 3);
    ck_assert_uint_eq(hdr.value, 4096);
    ck_assert_uint_eq(hdr.limit, 4095);
    ck_assert_str_eq(describe(), "bad-page entry 3 is page 4096, outside 1..4095");
}
END_TEST

START_TEST(badpage_duplicate_and_all_bad)
{
    static uint8_t page[4096];
    const uint32_t dup[] = {3, 4, 3};
    const uint32_t all[] = {9, 8, 7, 6, 5, 4, 3, 2, 1};

    real_mkswap(10, NULL, TEST_UUID, page);
    set_badpages(page, 3, dup);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 10, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_BADPAGE_DUPLICATE);
    ck_assert_uint_eq(hdr.index, 2);
    ck_assert_uint_eq(hdr.value, 3);
    ck_assert_str_eq(describe(), "bad-page entry 2 repeats page 3 (entry 0)");

    set_badpages(page, 9, all);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 10, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_NO_GOOD_PAGES);
    ck_assert_str_eq(describe(), "all 9 usable pages are listed as bad");

    /* One fewer bad page leaves exactly one usable page. */
    set_badpages(page, 8, all);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 10, &hdr), 0);
    ck_assert_uint_eq(hdr.usable_pages, 1);
    ck_assert(!swap_header_page_is_bad(&hdr, 1));
    ck_assert(swap_header_page_is_bad(&hdr, 2));
}
END_TEST

START_TEST(byte_swapped_header)
{
    static uint8_t page[4096];
    const uint32_t bad[] = {5};

    /* What mkswap on a big-endian machine writes: same magic, swapped numbers. */
    real_mkswap(4096, "be", TEST_UUID, page);
    set_badpages(page, 1, bad);
    swap_le32_in_place(page + 1024);
    swap_le32_in_place(page + 1028);
    swap_le32_in_place(page + 1032);
    swap_le32_in_place(page + 1536);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 4096, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_BIG_ENDIAN);
    ck_assert_uint_eq(hdr.value, 0x01000000u);
    ck_assert_str_eq(describe(), "header written by a big-endian machine (version reads as "
                                 "0x01000000), not supported: run mkswap on this machine");
    ck_assert_str_eq(swap_header_reason_text(hdr.reason), "written by a big-endian machine");
}
END_TEST

START_TEST(short_buffer)
{
    static uint8_t page[4096];

    memset(page, 0, sizeof(page));
    memcpy(page + 4086, "SWAPSPACE2", 10);
    ck_assert_int_eq(swap_header_parse(page, 4095, 64, &hdr), -EINVAL);
    ck_assert_int_eq(hdr.reason, SWAP_HEADER_TOO_SHORT);
    ck_assert_uint_eq(hdr.value, 4095);
    ck_assert_str_eq(describe(), "buffer of 4095 bytes is shorter than the 4096-byte header page");
}
END_TEST

START_TEST(bootbits_and_unaligned_buffer)
{
    static uint8_t raw[4096 + 8];
    uint8_t *page = raw + 3; /* a struct cast would now read misaligned */
    const uint32_t bad[] = {17};

    real_mkswap(128, "odd", TEST_UUID, page);
    set_badpages(page, 1, bad);
    memset(page, 0xFF, 1024); /* boot bits are not ours to judge */
    ck_assert_int_eq(swap_header_parse(page, 4096, 128, &hdr), 0);
    ck_assert_uint_eq(hdr.last_page, 127);
    ck_assert_uint_eq(hdr.badpages[0], 17);
    ck_assert_str_eq(hdr.label, "odd");
}
END_TEST

START_TEST(describe_respects_buffer_size)
{
    static uint8_t page[4096];
    char buf[16];

    real_mkswap(64, NULL, TEST_UUID, page);
    put_le32(page + 1028, 70000);
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), 64, &hdr), -EINVAL);
    memset(buf, 'X', sizeof(buf));
    ck_assert_uint_eq(swap_header_describe(&hdr, buf, 10), 9);
    ck_assert_str_eq(buf, "last_page");
    ck_assert_int_eq(buf[10], 'X');
    buf[0] = 'X';
    ck_assert_uint_eq(swap_header_describe(&hdr, buf, 0), 0);
    ck_assert_int_eq(buf[0], 'X');
}
END_TEST

static Suite *swap_header_suite(void)
{
    Suite *s = suite_create("swap_header");
    TCase *real = tcase_create("mkswap");
    TCase *bad = tcase_create("broken");

    tcase_set_timeout(real, 30);
    tcase_add_test(real, mkswap_offsets_match_the_format);
    tcase_add_test(real, mkswap_with_label_and_uuid);
    tcase_add_test(real, mkswap_smallest_area_without_label);
    tcase_add_test(real, mkswap_random_uuid_odd_size);
    tcase_add_test(real, mkswap_long_label_is_cut);
    tcase_add_test(real, partition_smaller_than_area);
    tcase_add_test(real, badpage_list_is_read);
    tcase_add_test(real, badpage_list_can_fill_the_page);
    suite_add_tcase(s, real);

    tcase_set_timeout(bad, 30);
    tcase_add_test(bad, wiped_signature);
    tcase_add_test(bad, old_format_signature);
    tcase_add_test(bad, wrong_version);
    tcase_add_test(bad, last_page_past_partition);
    tcase_add_test(bad, absurd_badpage_count);
    tcase_add_test(bad, badpage_entry_out_of_range);
    tcase_add_test(bad, badpage_duplicate_and_all_bad);
    tcase_add_test(bad, byte_swapped_header);
    tcase_add_test(bad, short_buffer);
    tcase_add_test(bad, bootbits_and_unaligned_buffer);
    tcase_add_test(bad, describe_respects_buffer_size);
    suite_add_tcase(s, bad);
    return s;
}

int main(void)
{
    /* One scratch directory for every mkswap run, made before the tests
     * fork so each child sees its name. */
    make_work_dir();
    int status = unit_run(swap_header_suite());
    remove_work_dir();
    return status;
}
