/* MBR partition table parser (pure core).
 *
 * The on-disk format
 * ------------------
 * A PC disk that is partitioned the classic DOS way keeps its partition
 * table in sector 0, the Master Boot Record. The 512 bytes hold:
 *
 *   0   .. 439   boot code that the BIOS runs; we ignore it
 *   440 .. 443   an optional 32-bit disk identifier (little-endian)
 *   444 .. 445   usually zero
 *   446 .. 509   four 16-byte partition entries ("primary partitions")
 *   510 .. 511   the bytes 0x55 then 0xAA: "this sector is a boot record"
 *
 * Each 16-byte entry is:
 *
 *   +0       status: 0x80 = the BIOS may boot this one, 0x00 = not
 *   +1 .. 3  where the partition starts, as cylinder/head/sector
 *   +4       type byte: 0x00 unused, 0x82 Linux swap, 0x83 Linux, ...
 *   +5 .. 7  where it ends, as cylinder/head/sector
 *   +8 .. 11 first sector as a linear block address (LBA), little-endian
 *   +12.. 15 number of sectors, little-endian
 *
 * The cylinder/head/sector fields date from BIOSes that addressed disks by
 * geometry; they cannot describe anything past about 8 GB and tools fill
 * them with placeholders, so we use only the two 32-bit LBA fields. With
 * 32-bit sector numbers an MBR reaches at most 2^32 sectors (2 TiB).
 *
 * Slots 1..4 become hda1..hda4. A type of 0x05, 0x0F or 0x85 marks an
 * "extended" partition that holds a chain of further tables (logical
 * partitions 5, 6, ...); this kernel does not follow that chain. A type of
 * 0xEE marks a "protective" entry on a GPT disk, whose real table lives in
 * sector 1 and which we do not read either.
 *
 * What we check
 * -------------
 * Nothing stops a broken tool or a student's hex editor from writing an
 * entry that points outside the disk or into another partition, and the
 * swap code would happily overwrite whatever it points at. So every entry is
 * checked in slot order and skipped, with the reason and values recorded,
 * when its status byte is not 0x00/0x80, it has no sectors, it starts at
 * sector 0 (on top of the MBR), it ends past the last sector of the disk, or
 * it shares a sector with an earlier entry that passed. A wrong signature
 * means sector 0 is not a partition table at all, and the whole parse fails.
 *
 * The buffer is read byte by byte with explicit little-endian assembly of
 * the 32-bit fields: the entries sit at offsets that are not multiples of 4,
 * so casting the buffer to a struct would read unaligned (and depend on the
 * host's byte order). Ends are computed in 64 bits (addition only) so that a
 * start and size near 2^32 cannot wrap around and look small.
 */
#include "disk/mbr.h"

#include <string.h>

#include "kernel/errno.h"
#include "kernel/fmt.h"

static uint32_t read_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static bool is_extended(uint8_t type)
{
    return type == MBR_TYPE_EXTENDED_CHS || type == MBR_TYPE_EXTENDED_LBA ||
           type == MBR_TYPE_LINUX_EXTENDED;
}

/* One past the last sector of a partition, without 32-bit wrap-around. */
static uint64_t part_end(const struct mbr_partition *p)
{
    return (uint64_t)p->lba_start + p->sectors;
}

static bool parts_overlap(const struct mbr_partition *a, const struct mbr_partition *b)
{
    return a->lba_start < part_end(b) && b->lba_start < part_end(a);
}

/* Decide whether entry i may be used, given the entries before it. */
static enum mbr_reason judge_entry(const struct mbr_table *t, unsigned i, uint8_t *overlaps)
{
    const struct mbr_partition *p = &t->part[i];

    if (p->type == MBR_TYPE_EMPTY)
        return MBR_ENTRY_EMPTY;
    if (is_extended(p->type))
        return MBR_ENTRY_EXTENDED;
    if (p->type == MBR_TYPE_GPT_PROTECTIVE)
        return MBR_ENTRY_GPT;
    if (p->status != 0x00 && p->status != 0x80)
        return MBR_ENTRY_BAD_STATUS;
    if (p->sectors == 0)
        return MBR_ENTRY_ZERO_SIZE;
    if (p->lba_start == 0)
        return MBR_ENTRY_AT_SECTOR_0;
    if (part_end(p) > t->disk_sectors)
        return MBR_ENTRY_PAST_END;
    for (unsigned j = 0; j < i; j++) {
        if (t->part[j].reason == MBR_OK && parts_overlap(p, &t->part[j])) {
            *overlaps = t->part[j].number;
            return MBR_ENTRY_OVERLAP;
        }
    }
    return MBR_OK;
}

int mbr_parse(const uint8_t *buf, size_t len, uint32_t disk_sectors, struct mbr_table *out)
{
    memset(out, 0, sizeof(*out));
    out->disk_sectors = disk_sectors;
    for (unsigned i = 0; i < MBR_NUM_PRIMARY; i++) {
        out->part[i].number = (uint8_t)(i + 1);
        out->part[i].reason = MBR_ENTRY_EMPTY;
    }

    if (len < MBR_SECTOR_SIZE) {
        out->reason = MBR_TABLE_TOO_SHORT;
        return -EINVAL;
    }
    out->signature[0] = buf[MBR_SIGNATURE_OFFSET];
    out->signature[1] = buf[MBR_SIGNATURE_OFFSET + 1];
    if (out->signature[0] != 0x55 || out->signature[1] != 0xAA) {
        out->reason = MBR_TABLE_BAD_SIGNATURE;
        return -EINVAL;
    }
    out->disk_id = read_le32(buf + 440);

    for (unsigned i = 0; i < MBR_NUM_PRIMARY; i++) {
        const uint8_t *e = buf + MBR_TABLE_OFFSET + i * MBR_ENTRY_SIZE;
        struct mbr_partition *p = &out->part[i];

        p->status = e[0];
        p->type = e[4];
        p->lba_start = read_le32(e + 8);
        p->sectors = read_le32(e + 12);
        p->reason = judge_entry(out, i, &p->overlaps);
        if (p->reason == MBR_OK)
            out->usable++;
    }
    out->reason = MBR_OK;
    return 0;
}

const struct mbr_partition *mbr_find_type(const struct mbr_table *table, uint8_t type)
{
    if (table->reason != MBR_OK)
        return NULL;
    for (unsigned i = 0; i < MBR_NUM_PRIMARY; i++) {
        if (table->part[i].reason == MBR_OK && table->part[i].type == type)
            return &table->part[i];
    }
    return NULL;
}

const char *mbr_reason_text(enum mbr_reason reason)
{
    switch (reason) {
    case MBR_OK:
        return "ok";
    case MBR_TABLE_TOO_SHORT:
        return "sector buffer is shorter than 512 bytes";
    case MBR_TABLE_BAD_SIGNATURE:
        return "no MBR signature";
    case MBR_ENTRY_EMPTY:
        return "is empty";
    case MBR_ENTRY_EXTENDED:
        return "is extended, not followed";
    case MBR_ENTRY_GPT:
        return "is a GPT protective entry, GPT is not supported";
    case MBR_ENTRY_BAD_STATUS:
        return "has a status byte that is neither 0x00 nor 0x80";
    case MBR_ENTRY_ZERO_SIZE:
        return "has zero size";
    case MBR_ENTRY_AT_SECTOR_0:
        return "starts at sector 0, on top of the MBR";
    case MBR_ENTRY_PAST_END:
        return "runs past the end of the disk";
    case MBR_ENTRY_OVERLAP:
        return "overlaps an earlier partition";
    }
    return "unknown reason";
}

const char *mbr_type_name(uint8_t type)
{
    switch (type) {
    case MBR_TYPE_EMPTY:
        return "empty";
    case 0x01:
    case 0x04:
    case 0x06:
    case 0x0E:
        return "FAT12/16";
    case 0x07:
        return "NTFS/exFAT";
    case 0x0B:
    case 0x0C:
        return "FAT32";
    case MBR_TYPE_EXTENDED_CHS:
    case MBR_TYPE_EXTENDED_LBA:
    case MBR_TYPE_LINUX_EXTENDED:
        return "extended";
    case MBR_TYPE_LINUX_SWAP:
        return "Linux swap";
    case MBR_TYPE_LINUX:
        return "Linux";
    case 0x8E:
        return "Linux LVM";
    case 0xEF:
        return "EFI system";
    case MBR_TYPE_GPT_PROTECTIVE:
        return "GPT protective";
    }
    return "unknown";
}

/* fmt_snprintf() returns the length the whole text would have had; the
 * describe functions return the length of what actually went into buf. */
static size_t written_length(int full, size_t len)
{
    if (len == 0)
        return 0;
    return (size_t)full < len ? (size_t)full : len - 1;
}

size_t mbr_describe_table(const struct mbr_table *table, char *buf, size_t len)
{
    int n;

    switch (table->reason) {
    case MBR_TABLE_BAD_SIGNATURE:
        n = fmt_snprintf(buf, len,
                         "no MBR signature (bytes 510-511 are 0x%02x 0x%02x, expected 0x55 0xaa)",
                         table->signature[0], table->signature[1]);
        break;
    case MBR_OK:
        n = fmt_snprintf(buf, len,
                         "partition table with %u usable partition%s on a disk of %u sectors",
                         table->usable, table->usable == 1 ? "" : "s", table->disk_sectors);
        break;
    default:
        n = fmt_snprintf(buf, len, "%s", mbr_reason_text(table->reason));
        break;
    }
    return written_length(n, len);
}

/* "partition N <reason> (start S + size N > D sectors)" and friends: the
 * verdict on a skipped entry with the numbers behind it. */
static int describe_skipped(const struct mbr_table *table, const struct mbr_partition *p, char *buf,
                            size_t len)
{
    const char *why = mbr_reason_text(p->reason);
    const struct mbr_partition *other;

    switch (p->reason) {
    case MBR_ENTRY_EXTENDED:
    case MBR_ENTRY_GPT:
        return fmt_snprintf(buf, len, "partition %u %s (type 0x%02x)", p->number, why, p->type);
    case MBR_ENTRY_BAD_STATUS:
        return fmt_snprintf(buf, len, "partition %u %s (status 0x%02x)", p->number, why, p->status);
    case MBR_ENTRY_ZERO_SIZE:
    case MBR_ENTRY_AT_SECTOR_0:
        return fmt_snprintf(buf, len, "partition %u %s (start %u, size %u)", p->number, why,
                            p->lba_start, p->sectors);
    case MBR_ENTRY_PAST_END:
        return fmt_snprintf(buf, len, "partition %u %s (start %u + size %u > %u sectors)",
                            p->number, why, p->lba_start, p->sectors, table->disk_sectors);
    case MBR_ENTRY_OVERLAP:
        other = &table->part[p->overlaps - 1];
        return fmt_snprintf(buf, len,
                            "partition %u %s (sectors %u + %u "
                            "meet partition %u's %u + %u)",
                            p->number, why, p->lba_start, p->sectors, p->overlaps, other->lba_start,
                            other->sectors);
    default:
        return fmt_snprintf(buf, len, "partition %u %s", p->number, why);
    }
}

size_t mbr_describe_entry(const struct mbr_table *table, const struct mbr_partition *part,
                          char *buf, size_t len)
{
    int n;

    if (part->reason == MBR_OK)
        n = fmt_snprintf(buf, len, "partition %u: type 0x%02x (%s), start %u, %u sectors%s",
                         part->number, part->type, mbr_type_name(part->type), part->lba_start,
                         part->sectors, part->status == 0x80 ? ", bootable" : "");
    else
        n = describe_skipped(table, part, buf, len);
    return written_length(n, len);
}
