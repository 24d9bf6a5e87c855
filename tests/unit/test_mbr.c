/* Host tests of the MBR parser (src/disk/mbr.c).
 *
 * Tables built here byte by byte, tables written by the real sfdisk through
 * scripts/mkdisk.sh, and broken ones, each with the reason it must give.
 * The binary runs from the repository root (it calls scripts/mkdisk.sh).
 * If PAGODA_DISK_IMAGE names an image, it is checked as well: it must have a
 * usable swap partition with a valid swap header. */
#include "unit.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/mbr.h"
#include "disk/swap_header.h"
#include "kernel/errno.h"

/* ---- building tables by hand ---- */

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* An empty but valid MBR: zeros and the 0x55 0xAA signature. */
static void new_mbr(uint8_t sector[512])
{
    memset(sector, 0, 512);
    sector[510] = 0x55;
    sector[511] = 0xAA;
}

/* Fill entry `number` (1..4). CHS fields get junk: the parser must ignore them. */
static void set_entry(uint8_t sector[512], unsigned number, uint8_t status, uint8_t type,
                      uint32_t start, uint32_t size)
{
    uint8_t *e = sector + 446 + 16 * (number - 1);

    e[0] = status;
    e[1] = 0xFE;
    e[2] = 0xFF;
    e[3] = 0xFF;
    e[4] = type;
    e[5] = 0xFE;
    e[6] = 0xFF;
    e[7] = 0xFF;
    put_le32(e + 8, start);
    put_le32(e + 12, size);
}

static const char *entry_text(const struct mbr_table *t, unsigned number)
{
    static char buf[200];

    mbr_describe_entry(t, &t->part[number - 1], buf, sizeof(buf));
    return buf;
}

static const char *table_text(const struct mbr_table *t)
{
    static char buf[200];

    mbr_describe_table(t, buf, sizeof(buf));
    return buf;
}

/* ---- hand-built tables ---- */

START_TEST(valid_two_partitions)
{
    uint8_t s[512];
    struct mbr_table t;

    new_mbr(s);
    put_le32(s + 440, 0xDEADBEEF);
    set_entry(s, 1, 0x00, 0x82, 2048, 32768);
    set_entry(s, 2, 0x80, 0x83, 34816, 16384);
    ck_assert_int_eq(mbr_parse(s, sizeof(s), 65536, &t), 0);
    ck_assert_int_eq(t.reason, MBR_OK);
    ck_assert_uint_eq(t.usable, 2);
    ck_assert_uint_eq(t.disk_id, 0xDEADBEEF);
    ck_assert_uint_eq(t.disk_sectors, 65536);

    ck_assert_uint_eq(t.part[0].number, 1);
    ck_assert_int_eq(t.part[0].reason, MBR_OK);
    ck_assert_uint_eq(t.part[0].type, 0x82);
    ck_assert_uint_eq(t.part[0].status, 0x00);
    ck_assert_uint_eq(t.part[0].lba_start, 2048);
    ck_assert_uint_eq(t.part[0].sectors, 32768);

    ck_assert_uint_eq(t.part[1].number, 2);
    ck_assert_int_eq(t.part[1].reason, MBR_OK);
    ck_assert_uint_eq(t.part[1].type, 0x83);
    ck_assert_uint_eq(t.part[1].status, 0x80);
    ck_assert_uint_eq(t.part[1].lba_start, 34816);
    ck_assert_uint_eq(t.part[1].sectors, 16384);

    ck_assert_int_eq(t.part[2].reason, MBR_ENTRY_EMPTY);
    ck_assert_int_eq(t.part[3].reason, MBR_ENTRY_EMPTY);
    ck_assert_uint_eq(t.part[3].number, 4);

    ck_assert_ptr_eq(mbr_find_type(&t, MBR_TYPE_LINUX_SWAP), &t.part[0]);
    ck_assert_ptr_eq(mbr_find_type(&t, MBR_TYPE_LINUX), &t.part[1]);
    ck_assert_ptr_null(mbr_find_type(&t, 0x07));

    ck_assert_str_eq(entry_text(&t, 1),
                     "partition 1: type 0x82 (Linux swap), start 2048, 32768 sectors");
    ck_assert_str_eq(entry_text(&t, 2),
                     "partition 2: type 0x83 (Linux), start 34816, 16384 sectors, bootable");
    ck_assert_str_eq(entry_text(&t, 3), "partition 3 is empty");
    ck_assert_str_eq(table_text(&t),
                     "partition table with 2 usable partitions on a disk of 65536 sectors");
}
END_TEST

START_TEST(empty_table_has_nothing_to_find)
{
    uint8_t s[512];
    struct mbr_table t;

    new_mbr(s);
    ck_assert_int_eq(mbr_parse(s, sizeof(s), 65536, &t), 0);
    ck_assert_uint_eq(t.usable, 0);
    for (unsigned i = 0; i < 4; i++)
        ck_assert_int_eq(t.part[i].reason, MBR_ENTRY_EMPTY);
    ck_assert_ptr_null(mbr_find_type(&t, MBR_TYPE_LINUX_SWAP));
}
END_TEST

START_TEST(bad_signature_fails_whole_table)
{
    uint8_t s[512];
    struct mbr_table t;

    new_mbr(s);
    set_entry(s, 1, 0x00, 0x82, 2048, 32768);
    s[510] = 0x00;
    s[511] = 0x00;
    ck_assert_int_eq(mbr_parse(s, sizeof(s), 65536, &t), -EINVAL);
    ck_assert_int_eq(t.reason, MBR_TABLE_BAD_SIGNATURE);
    ck_assert_uint_eq(t.signature[0], 0x00);
    ck_assert_uint_eq(t.signature[1], 0x00);
    ck_assert_uint_eq(t.usable, 0);
    ck_assert_ptr_null(mbr_find_type(&t, MBR_TYPE_LINUX_SWAP));
    ck_assert_str_eq(table_text(&t),
                     "no MBR signature (bytes 510-511 are 0x00 0x00, expected 0x55 0xaa)");

    /* The signature read as a little-endian 16-bit word is 0xAA55; writing
     * the word the wrong way round is a classic mistake. */
    s[510] = 0xAA;
    s[511] = 0x55;
    ck_assert_int_eq(mbr_parse(s, sizeof(s), 65536, &t), -EINVAL);
    ck_assert_int_eq(t.reason, MBR_TABLE_BAD_SIGNATURE);
    ck_assert_str_eq(table_text(&t),
                     "no MBR signature (bytes 510-511 are 0xaa 0x55, expected 0x55 0xaa)");
    ck_assert_str_eq(mbr_reason_text(t.reason), "no MBR signature");
}
END_TEST

START_TEST(short_buffer_is_refused)
{
    uint8_t s[512];
    struct mbr_table t;

    new_mbr(s);
    ck_assert_int_eq(mbr_parse(s, 511, 65536, &t), -EINVAL);
    ck_assert_int_eq(t.reason, MBR_TABLE_TOO_SHORT);
    ck_assert_int_eq(mbr_parse(s, 0, 65536, &t), -EINVAL);
    ck_assert_int_eq(t.reason, MBR_TABLE_TOO_SHORT);
}
END_TEST

START_TEST(unaligned_buffer)
{
    /* Offset by one byte: a struct cast would read misaligned (UBSan). */
    uint8_t raw[513 + 8];
    uint8_t *s = raw + 1;
    struct mbr_table t;

    new_mbr(s);
    set_entry(s, 3, 0x00, 0x82, 4096, 1000);
    ck_assert_int_eq(mbr_parse(s, 512, 8192, &t), 0);
    ck_assert_int_eq(t.part[2].reason, MBR_OK);
    ck_assert_uint_eq(t.part[2].lba_start, 4096);
    ck_assert_uint_eq(t.part[2].sectors, 1000);
    ck_assert_ptr_eq(mbr_find_type(&t, 0x82), &t.part[2]);
}
END_TEST

START_TEST(overlap_with_earlier_entry)
{
    uint8_t s[512];
    struct mbr_table t;

    new_mbr(s);
    set_entry(s, 1, 0x00, 0x83, 2048, 10000); /* 2048 .. 12047 */
    set_entry(s, 2, 0x00, 0x82, 12000, 5000); /* starts inside 1 */
    set_entry(s, 3, 0x00, 0x82, 12048, 5000); /* right after 1: fine */
    set_entry(s, 4, 0x00, 0x83, 1000, 20000); /* covers 1 and 3 */
    ck_assert_int_eq(mbr_parse(s, sizeof(s), 65536, &t), 0);
    ck_assert_int_eq(t.part[0].reason, MBR_OK);
    ck_assert_int_eq(t.part[1].reason, MBR_ENTRY_OVERLAP);
    ck_assert_uint_eq(t.part[1].overlaps, 1);
    ck_assert_int_eq(t.part[2].reason, MBR_OK);
    ck_assert_int_eq(t.part[3].reason, MBR_ENTRY_OVERLAP);
    ck_assert_uint_eq(t.part[3].overlaps, 1);
    ck_assert_uint_eq(t.usable, 2);
    /* The overlapping swap entry 2 is skipped; entry 3 is the swap. */
    ck_assert_ptr_eq(mbr_find_type(&t, 0x82), &t.part[2]);
    ck_assert_str_eq(entry_text(&t, 2), "partition 2 overlaps an earlier partition "
                                        "(sectors 12000 + 5000 meet partition 1's 2048 + 10000)");
}
END_TEST

START_TEST(overlap_only_counts_usable_entries)
{
    uint8_t s[512];
    struct mbr_table t;

    new_mbr(s);
    set_entry(s, 1, 0x00, 0x83, 60000, 10000); /* past the end: skipped */
    set_entry(s, 2, 0x00, 0x82, 61000, 1000);  /* inside 1, but 1 does not count */
    set_entry(s, 3, 0x00, 0x82, 61500, 10);    /* inside 2, which does count */
    ck_assert_int_eq(mbr_parse(s, sizeof(s), 65536, &t), 0);
    ck_assert_int_eq(t.part[0].reason, MBR_ENTRY_PAST_END);
    ck_assert_int_eq(t.part[1].reason, MBR_OK);
    ck_assert_int_eq(t.part[2].reason, MBR_ENTRY_OVERLAP);
    ck_assert_uint_eq(t.part[2].overlaps, 2);
    ck_assert_ptr_eq(mbr_find_type(&t, 0x82), &t.part[1]);
}
END_TEST

START_TEST(past_end_of_disk)
{
    uint8_t s[512];
    struct mbr_table t;

    new_mbr(s);
    set_entry(s, 1, 0x00, 0x83, 2048, 63488); /* ends exactly at 65536: fine */
    set_entry(s, 2, 0x00, 0x82, 2048, 99999);
    ck_assert_int_eq(mbr_parse(s, sizeof(s), 65536, &t), 0);
    ck_assert_int_eq(t.part[0].reason, MBR_OK);
    ck_assert_int_eq(t.part[1].reason, MBR_ENTRY_PAST_END);
    ck_assert_str_eq(entry_text(&t, 2), "partition 2 runs past the end of the disk "
                                        "(start 2048 + size 99999 > 65536 sectors)");

    /* One sector too many. */
    new_mbr(s);
    set_entry(s, 1, 0x00, 0x82, 2048, 63489);
    ck_assert_int_eq(mbr_parse(s, sizeof(s), 65536, &t), 0);
    ck_assert_int_eq(t.part[0].reason, MBR_ENTRY_PAST_END);
    ck_assert_ptr_null(mbr_find_type(&t, 0x82));
}
END_TEST

START_TEST(past_end_does_not_wrap_in_32_bits)
{
    uint8_t s[512];
    struct mbr_table t;

    /* 0xFFFFFF00 + 0x200 wraps to 0x100 in 32 bits, which looks tiny. */
    new_mbr(s);
    set_entry(s, 1, 0x00, 0x82, 0xFFFFFF00u, 0x200);
    ck_assert_int_eq(mbr_parse(s, sizeof(s), UINT32_MAX, &t), 0);
    ck_assert_int_eq(t.part[0].reason, MBR_ENTRY_PAST_END);
    ck_assert_str_eq(entry_text(&t, 1), "partition 1 runs past the end of the disk "
                                        "(start 4294967040 + size 512 > 4294967295 sectors)");

    /* And the largest partition an MBR can describe, on the largest disk. */
    new_mbr(s);
    set_entry(s, 1, 0x00, 0x82, 1, 0xFFFFFFFEu);
    ck_assert_int_eq(mbr_parse(s, sizeof(s), UINT32_MAX, &t), 0);
    ck_assert_int_eq(t.part[0].reason, MBR_OK);
}
END_TEST

START_TEST(zero_size_and_sector_0)
{
    uint8_t s[512];
    struct mbr_table t;

    new_mbr(s);
    set_entry(s, 1, 0x00, 0x82, 2048, 0);
    set_entry(s, 2, 0x00, 0x82, 0, 2048);
    set_entry(s, 3, 0x00, 0x82, 4096, 4096);
    ck_assert_int_eq(mbr_parse(s, sizeof(s), 65536, &t), 0);
    ck_assert_int_eq(t.part[0].reason, MBR_ENTRY_ZERO_SIZE);
    ck_assert_int_eq(t.part[1].reason, MBR_ENTRY_AT_SECTOR_0);
    ck_assert_int_eq(t.part[2].reason, MBR_OK);
    ck_assert_uint_eq(t.usable, 1);
    ck_assert_ptr_eq(mbr_find_type(&t, 0x82), &t.part[2]);
    ck_assert_str_eq(entry_text(&t, 1), "partition 1 has zero size (start 2048, size 0)");
    ck_assert_str_eq(entry_text(&t, 2),
                     "partition 2 starts at sector 0, on top of the MBR (start 0, size 2048)");
}
END_TEST

START_TEST(extended_gpt_and_bad_status)
{
    uint8_t s[512];
    struct mbr_table t;

    new_mbr(s);
    set_entry(s, 1, 0x00, 0x05, 2048, 1000);
    set_entry(s, 2, 0x00, 0x0F, 4096, 1000);
    set_entry(s, 3, 0x00, 0xEE, 1, 0xFFFFFFFFu);
    set_entry(s, 4, 0x42, 0x82, 8192, 1000);
    ck_assert_int_eq(mbr_parse(s, sizeof(s), 65536, &t), 0);
    ck_assert_int_eq(t.part[0].reason, MBR_ENTRY_EXTENDED);
    ck_assert_int_eq(t.part[1].reason, MBR_ENTRY_EXTENDED);
    ck_assert_int_eq(t.part[2].reason, MBR_ENTRY_GPT);
    ck_assert_int_eq(t.part[3].reason, MBR_ENTRY_BAD_STATUS);
    ck_assert_uint_eq(t.usable, 0);
    ck_assert_ptr_null(mbr_find_type(&t, 0x05));
    ck_assert_ptr_null(mbr_find_type(&t, 0x82));
    ck_assert_str_eq(entry_text(&t, 1), "partition 1 is extended, not followed (type 0x05)");
    ck_assert_str_eq(entry_text(&t, 2), "partition 2 is extended, not followed (type 0x0f)");
    ck_assert_str_eq(entry_text(&t, 3),
                     "partition 3 is a GPT protective entry, GPT is not supported (type 0xee)");
    ck_assert_str_eq(entry_text(&t, 4), "partition 4 has a status byte that is neither "
                                        "0x00 nor 0x80 (status 0x42)");

    new_mbr(s);
    set_entry(s, 2, 0x00, 0x85, 2048, 1000);
    ck_assert_int_eq(mbr_parse(s, sizeof(s), 65536, &t), 0);
    ck_assert_int_eq(t.part[1].reason, MBR_ENTRY_EXTENDED);
}
END_TEST

START_TEST(find_type_skips_bad_entries)
{
    uint8_t s[512];
    struct mbr_table t;

    new_mbr(s);
    set_entry(s, 1, 0x00, 0x82, 2048, 999999); /* past the end */
    set_entry(s, 2, 0x00, 0x83, 2048, 1000);
    set_entry(s, 3, 0x00, 0x82, 4096, 1000);
    set_entry(s, 4, 0x00, 0x82, 8192, 1000);
    ck_assert_int_eq(mbr_parse(s, sizeof(s), 65536, &t), 0);
    ck_assert_ptr_eq(mbr_find_type(&t, 0x82), &t.part[2]);
    ck_assert_uint_eq(mbr_find_type(&t, 0x82)->number, 3);
}
END_TEST

START_TEST(describe_respects_buffer_size)
{
    uint8_t s[512];
    struct mbr_table t;
    char buf[12];

    new_mbr(s);
    set_entry(s, 1, 0x00, 0x82, 2048, 999999);
    ck_assert_int_eq(mbr_parse(s, sizeof(s), 65536, &t), 0);
    memset(buf, 'X', sizeof(buf));
    ck_assert_uint_eq(mbr_describe_entry(&t, &t.part[0], buf, 11), 10);
    ck_assert_str_eq(buf, "partition ");
    ck_assert_int_eq(buf[11], 'X'); /* nothing written past len */
    buf[0] = 'X';
    ck_assert_uint_eq(mbr_describe_entry(&t, &t.part[0], buf, 0), 0);
    ck_assert_int_eq(buf[0], 'X');
    ck_assert_uint_eq(mbr_describe_entry(&t, &t.part[0], buf, 1), 0);
    ck_assert_int_eq(buf[0], '\0');
}
END_TEST

START_TEST(reason_and_type_texts)
{
    ck_assert_str_eq(mbr_reason_text(MBR_ENTRY_PAST_END), "runs past the end of the disk");
    ck_assert_str_eq(mbr_reason_text(MBR_ENTRY_EXTENDED), "is extended, not followed");
    ck_assert_str_eq(mbr_reason_text((enum mbr_reason)999), "unknown reason");
    ck_assert_str_eq(mbr_type_name(0x82), "Linux swap");
    ck_assert_str_eq(mbr_type_name(0x83), "Linux");
    ck_assert_str_eq(mbr_type_name(0x0F), "extended");
    ck_assert_str_eq(mbr_type_name(0x42), "unknown");
}
END_TEST

/* ---- images made by scripts/mkdisk.sh (real sfdisk and mkswap) ---- */

static char image_dir[256];

/* Run scripts/mkdisk.sh to make image_dir/name; exit (failing the run) if it
 * fails, showing its output. */
static void mkdisk(const char *name, const char *args)
{
    char cmd[4096];
    int n, rc;

    n = snprintf(cmd, sizeof(cmd),
                 "scripts/mkdisk.sh '%s/%s' %s > '%s/log' 2>&1 || { cat '%s/log'; exit 1; }",
                 image_dir, name, args, image_dir, image_dir);
    if (n < 0 || (size_t)n >= sizeof(cmd)) {
        fprintf(stderr, "test_mbr: command too long\n");
        exit(1);
    }
    rc = system(cmd);
    if (rc != 0) {
        fprintf(stderr, "test_mbr: scripts/mkdisk.sh failed (status %d): %s\n", rc, cmd);
        exit(1);
    }
}

static void make_images(void)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(image_dir, sizeof(image_dir), "%s/pagoda-test-mbr-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(image_dir)) {
        perror("test_mbr: mkdtemp");
        exit(1);
    }
    if (access("scripts/mkdisk.sh", X_OK) != 0) {
        fprintf(stderr, "test_mbr: run from the repository root (scripts/mkdisk.sh)\n");
        exit(1);
    }
    mkdisk("std.img", "--size 32 --swap 16 --second 8 --label pagoda-swap"
                      " --uuid 01234567-89ab-cdef-0123-456789abcdef");
    mkdisk("notable.img", "--no-table");
    mkdisk("nomkswap.img", "--size 8 --swap 4 --no-mkswap");
}

static void remove_images(void)
{
    char cmd[512];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", image_dir); /* image_dir is 256 */
    if (system(cmd) != 0)
        fprintf(stderr, "test_mbr: could not remove %s\n", image_dir);
}

/* Read len bytes at offset from a file; fails the test if it cannot. */
static void read_at(const char *path, uint64_t offset, uint8_t *buf, size_t len)
{
    FILE *f = fopen(path, "rb");

    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseeko(f, (off_t)offset, SEEK_SET), 0);
    ck_assert_uint_eq(fread(buf, 1, len, f), len);
    fclose(f);
}

static uint32_t image_sectors(const char *path)
{
    struct stat st;

    ck_assert_msg(stat(path, &st) == 0, "cannot stat %s", path);
    return (uint32_t)(st.st_size / 512);
}

static const char *image(const char *name)
{
    static char path[512]; /* image_dir is at most 255 characters */

    snprintf(path, sizeof(path), "%s/%s", image_dir, name);
    return path;
}

START_TEST(sfdisk_image)
{
    const char *path = image("std.img");
    uint8_t s[512];
    static uint8_t page[4096];
    static struct swap_header h;
    struct mbr_table t;
    const struct mbr_partition *swap;
    char uuid[37];

    ck_assert_uint_eq(image_sectors(path), 65536);
    read_at(path, 0, s, sizeof(s));
    ck_assert_int_eq(mbr_parse(s, sizeof(s), image_sectors(path), &t), 0);
    ck_assert_uint_eq(t.disk_id, 0x50474441); /* mkdisk.sh's sfdisk label-id */
    ck_assert_uint_eq(t.usable, 2);
    ck_assert_int_eq(t.part[0].reason, MBR_OK);
    ck_assert_uint_eq(t.part[0].type, 0x82);
    ck_assert_uint_eq(t.part[0].lba_start, 2048);
    ck_assert_uint_eq(t.part[0].sectors, 16 * 2048);
    ck_assert_int_eq(t.part[1].reason, MBR_OK);
    ck_assert_uint_eq(t.part[1].type, 0x83);
    ck_assert_uint_eq(t.part[1].lba_start, 2048 + 16 * 2048);
    ck_assert_uint_eq(t.part[1].sectors, 8 * 2048);
    ck_assert_int_eq(t.part[2].reason, MBR_ENTRY_EMPTY);
    ck_assert_int_eq(t.part[3].reason, MBR_ENTRY_EMPTY);

    /* The whole path the kernel takes: table -> swap partition -> header. */
    swap = mbr_find_type(&t, MBR_TYPE_LINUX_SWAP);
    ck_assert_ptr_eq(swap, &t.part[0]);
    read_at(path, (uint64_t)swap->lba_start * 512, page, sizeof(page));
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), swap->sectors / 8, &h), 0);
    ck_assert_uint_eq(h.last_page, 16 * 256 - 1);
    ck_assert_uint_eq(h.usable_pages, 16 * 256 - 1);
    ck_assert_str_eq(h.label, "pagoda-swap");
    swap_header_uuid_string(h.uuid, uuid);
    ck_assert_str_eq(uuid, "01234567-89ab-cdef-0123-456789abcdef");
}
END_TEST

START_TEST(image_without_table)
{
    const char *path = image("notable.img");
    uint8_t s[512];
    struct mbr_table t;

    read_at(path, 0, s, sizeof(s));
    ck_assert_int_eq(mbr_parse(s, sizeof(s), image_sectors(path), &t), -EINVAL);
    ck_assert_int_eq(t.reason, MBR_TABLE_BAD_SIGNATURE);
    ck_assert_str_eq(table_text(&t),
                     "no MBR signature (bytes 510-511 are 0x00 0x00, expected 0x55 0xaa)");
}
END_TEST

START_TEST(image_without_swap_header)
{
    const char *path = image("nomkswap.img");
    uint8_t s[512];
    static uint8_t page[4096];
    static struct swap_header h;
    struct mbr_table t;
    const struct mbr_partition *swap;

    ck_assert_uint_eq(image_sectors(path), 8 * 2048);
    read_at(path, 0, s, sizeof(s));
    ck_assert_int_eq(mbr_parse(s, sizeof(s), image_sectors(path), &t), 0);
    swap = mbr_find_type(&t, MBR_TYPE_LINUX_SWAP);
    ck_assert_ptr_nonnull(swap);
    ck_assert_uint_eq(swap->sectors, 4 * 2048);
    read_at(path, (uint64_t)swap->lba_start * 512, page, sizeof(page));
    ck_assert_int_eq(swap_header_parse(page, sizeof(page), swap->sectors / 8, &h), -EINVAL);
    ck_assert_int_eq(h.reason, SWAP_HEADER_NO_SIGNATURE);
}
END_TEST

/* PAGODA_DISK_IMAGE: any image the kernel is meant to use. */
START_TEST(image_from_environment)
{
    const char *path = getenv("PAGODA_DISK_IMAGE");
    uint8_t s[512];
    static uint8_t page[4096];
    static struct swap_header h;
    struct mbr_table t;
    const struct mbr_partition *swap;
    char text[200];

    read_at(path, 0, s, sizeof(s));
    if (mbr_parse(s, sizeof(s), image_sectors(path), &t) != 0) {
        mbr_describe_table(&t, text, sizeof(text));
        ck_abort_msg("%s: %s", path, text);
    }
    swap = mbr_find_type(&t, MBR_TYPE_LINUX_SWAP);
    ck_assert_msg(swap != NULL, "%s: no usable partition of type 0x82", path);
    read_at(path, (uint64_t)swap->lba_start * 512, page, sizeof(page));
    if (swap_header_parse(page, sizeof(page), swap->sectors / 8, &h) != 0) {
        swap_header_describe(&h, text, sizeof(text));
        ck_abort_msg("%s: swap: %s", path, text);
    }
    ck_assert_uint_lt(h.last_page, swap->sectors / 8);
}
END_TEST

static Suite *mbr_suite(void)
{
    Suite *s = suite_create("mbr");
    TCase *tc = tcase_create("tables");
    TCase *img = tcase_create("images");

    tcase_add_test(tc, valid_two_partitions);
    tcase_add_test(tc, empty_table_has_nothing_to_find);
    tcase_add_test(tc, bad_signature_fails_whole_table);
    tcase_add_test(tc, short_buffer_is_refused);
    tcase_add_test(tc, unaligned_buffer);
    tcase_add_test(tc, overlap_with_earlier_entry);
    tcase_add_test(tc, overlap_only_counts_usable_entries);
    tcase_add_test(tc, past_end_of_disk);
    tcase_add_test(tc, past_end_does_not_wrap_in_32_bits);
    tcase_add_test(tc, zero_size_and_sector_0);
    tcase_add_test(tc, extended_gpt_and_bad_status);
    tcase_add_test(tc, find_type_skips_bad_entries);
    tcase_add_test(tc, describe_respects_buffer_size);
    tcase_add_test(tc, reason_and_type_texts);
    suite_add_tcase(s, tc);

    /* Unchecked fixture: runs once, in the parent, around the whole case. */
    tcase_add_unchecked_fixture(img, make_images, remove_images);
    tcase_set_timeout(img, 60);
    tcase_add_test(img, sfdisk_image);
    tcase_add_test(img, image_without_table);
    tcase_add_test(img, image_without_swap_header);
    if (getenv("PAGODA_DISK_IMAGE") && *getenv("PAGODA_DISK_IMAGE"))
        tcase_add_test(img, image_from_environment);
    suite_add_tcase(s, img);
    return s;
}

int main(void)
{
    return unit_run(mbr_suite());
}
