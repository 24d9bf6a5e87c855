/* MBR partition table parser: a pure core (no hardware, no globals).
 *
 * The ATA glue reads sector 0 of a disk and hands the 512 bytes to
 * mbr_parse() together with the disk's size in sectors. The result lists the
 * four primary entries, each either usable (MBR_OK) or with the reason it was
 * skipped and the values that made it so. mbr_describe_entry() turns an entry
 * into one line of text the glue can print after its own "mbr: " prefix. */
#ifndef DISK_MBR_H
#define DISK_MBR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MBR_SECTOR_SIZE      512
#define MBR_TABLE_OFFSET     446 /* first of the four 16-byte entries */
#define MBR_ENTRY_SIZE       16
#define MBR_NUM_PRIMARY      4
#define MBR_SIGNATURE_OFFSET 510 /* bytes 0x55, 0xAA */

/* Partition type bytes this kernel names. */
#define MBR_TYPE_EMPTY          0x00
#define MBR_TYPE_EXTENDED_CHS   0x05
#define MBR_TYPE_EXTENDED_LBA   0x0F
#define MBR_TYPE_LINUX_SWAP     0x82
#define MBR_TYPE_LINUX          0x83
#define MBR_TYPE_LINUX_EXTENDED 0x85
#define MBR_TYPE_GPT_PROTECTIVE 0xEE

/* Why the table or one of its entries is not usable. */
enum mbr_reason {
    MBR_OK = 0,              /* usable partition (or, for the table: parsed) */
    MBR_TABLE_TOO_SHORT,     /* buffer shorter than 512 bytes */
    MBR_TABLE_BAD_SIGNATURE, /* bytes 510-511 are not 0x55 0xAA */
    MBR_ENTRY_EMPTY,         /* type 0: unused slot, not an error */
    MBR_ENTRY_EXTENDED,      /* 0x05/0x0F/0x85: logical partitions not followed */
    MBR_ENTRY_GPT,           /* 0xEE: the disk uses GPT, which we do not read */
    MBR_ENTRY_BAD_STATUS,    /* status byte neither 0x00 nor 0x80 */
    MBR_ENTRY_ZERO_SIZE,     /* sector count 0 */
    MBR_ENTRY_AT_SECTOR_0,   /* starts at LBA 0, on top of the MBR itself */
    MBR_ENTRY_PAST_END,      /* start + size > disk size */
    MBR_ENTRY_OVERLAP,       /* shares sectors with an earlier usable entry */
};

/* One primary entry as read from the table, plus the verdict on it. */
struct mbr_partition {
    uint8_t number;         /* 1..4, as in hda1..hda4 */
    uint8_t status;         /* 0x80 = bootable, 0x00 = not */
    uint8_t type;           /* partition type byte, MBR_TYPE_* */
    uint32_t lba_start;     /* first sector */
    uint32_t sectors;       /* number of sectors */
    enum mbr_reason reason; /* MBR_OK if this partition may be used */
    uint8_t overlaps;       /* MBR_ENTRY_OVERLAP: number of the earlier entry */
};

/* The parsed sector 0. */
struct mbr_table {
    enum mbr_reason reason; /* MBR_OK, MBR_TABLE_TOO_SHORT or _BAD_SIGNATURE */
    uint8_t signature[2];   /* bytes 510 and 511 as found */
    uint32_t disk_id;       /* optional 32-bit disk identifier at byte 440 */
    uint32_t disk_sectors;  /* the disk size the entries were checked against */
    unsigned usable;        /* how many entries have reason MBR_OK */
    /* The four primary entries: part[i].number == i + 1. */
    struct mbr_partition part[MBR_NUM_PRIMARY];
};

/* Parse the 512-byte sector 0 in buf (len bytes, any alignment) of a disk of
 * disk_sectors sectors (clamp larger disks to UINT32_MAX: an MBR cannot
 * address beyond that anyway). Returns 0, or -EINVAL when the buffer is short
 * or the signature is wrong (then out->reason says which). */
int mbr_parse(const uint8_t *buf, size_t len, uint32_t disk_sectors, struct mbr_table *out);

/* First usable partition of the given type (e.g. MBR_TYPE_LINUX_SWAP), or NULL. */
const struct mbr_partition *mbr_find_type(const struct mbr_table *table, uint8_t type);

/* Short text for a reason, e.g. "runs past the end of the disk". */
const char *mbr_reason_text(enum mbr_reason reason);

/* Short human name of a partition type byte, e.g. "Linux swap", "unknown". */
const char *mbr_type_name(uint8_t type);

/* One line, no newline, for the table's own verdict, e.g. "no MBR signature
 * (bytes 510-511 are 0x00 0x00, expected 0x55 0xaa)". Writes at most len
 * bytes including the NUL; returns the length of the (possibly cut) text. */
size_t mbr_describe_table(const struct mbr_table *table, char *buf, size_t len);

/* One line, no newline, for an entry, e.g. "partition 2 runs past the end of
 * the disk (start 2048 + size 99999 > 65536 sectors)" or "partition 1: type
 * 0x82 (Linux swap), start 2048, 32768 sectors". Same buffer rules. */
size_t mbr_describe_entry(const struct mbr_table *table, const struct mbr_partition *part,
                          char *buf, size_t len);

#endif
