/* Disks at boot: probe the ATA drives, read each one's MBR (src/disk/mbr.c),
 * and choose the swap area: a partition whose first page carries a Linux
 * swap header as mkswap writes it (src/disk/swap_header.c). Everything a
 * student may have got wrong (no disk, no partition table, a partition that
 * is not formatted, a header that does not fit the partition) is said plainly,
 * and the kernel boots without swap. */
#include "disk/disk.h"

#include <string.h>

#include "disk/mbr.h"
#include "kernel/console.h"
#include "kernel/errno.h"

static struct mbr_table tables[ATA_MAX_DRIVES];
static bool has_table[ATA_MAX_DRIVES];
static struct swap_area swap;
static uint8_t page_buf[4096] __attribute__((aligned(4)));

struct swap_area *disk_swap(void)
{
    return &swap;
}

uint32_t disk_swap_slot_lba(uint32_t slot)
{
    return swap.lba_start + slot * ATA_SECTORS_PER_PAGE;
}

static void read_partitions(int i, struct ata_drive *d)
{
    char line[160];
    if (ata_read_sector(d, 0, page_buf) < 0) {
        kprintf("disk: %s: cannot read the partition table\n", d->name);
        return;
    }
    /* An MBR addresses at most 2^32 sectors; larger disks are clamped. */
    uint32_t size = d->sectors > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)d->sectors;
    if (mbr_parse(page_buf, MBR_SECTOR_SIZE, size, &tables[i]) < 0) {
        mbr_describe_table(&tables[i], line, sizeof line);
        kprintf("disk: %s: %s\n", d->name, line);
        return;
    }
    has_table[i] = true;
    for (int p = 0; p < MBR_NUM_PRIMARY; p++) {
        const struct mbr_partition *part = &tables[i].part[p];
        if (part->reason == MBR_ENTRY_EMPTY)
            continue;
        mbr_describe_entry(&tables[i], part, line, sizeof line);
        kprintf("disk: %s%u: %s%s\n", d->name, part->number, line,
                part->reason == MBR_OK ? "" : " -- skipped");
    }
}

/* Reads the swap header of partition part of drive d; true if usable. */
static bool try_swap(struct ata_drive *d, const struct mbr_partition *part, bool say_why)
{
    char line[200];
    uint32_t pages = part->sectors / ATA_SECTORS_PER_PAGE;
    if (ata_read_page(d, part->lba_start, page_buf) < 0) {
        kprintf("swap: %s%u: cannot read its first page\n", d->name, part->number);
        return false;
    }
    struct swap_header hdr;
    if (swap_header_parse(page_buf, sizeof page_buf, pages, &hdr) < 0) {
        if (say_why) {
            swap_header_describe(&hdr, line, sizeof line);
            kprintf("swap: %s%u is not a usable swap area: %s\n", d->name, part->number, line);
        }
        return false;
    }
    swap = (struct swap_area){true, d, part->number, part->lba_start, pages, hdr, 0};
    return true;
}

/* swap=hdX,N: that partition or nothing. */
static void swap_named(const char *opt)
{
    char name[4] = {0};
    if (strlen(opt) < 5 || opt[3] != ',' || opt[4] < '1' || opt[4] > '4' || opt[5]) {
        kprintf("swap: swap=%s is not of the form hdX,N (e.g. swap=hda,1): swap is off\n", opt);
        return;
    }
    memcpy(name, opt, 3);
    struct ata_drive *d = ata_find(name);
    int i = d ? (int)(d - ata_drive(0)) : -1;
    const struct mbr_partition *part =
        i >= 0 && has_table[i] ? &tables[i].part[opt[4] - '1'] : NULL;
    if (!part || part->reason != MBR_OK) {
        kprintf("swap: swap=%s names no usable partition: swap is off\n", opt);
        return;
    }
    try_swap(d, part, true);
}

void disk_init(const char *swap_option)
{
    memset(&swap, 0, sizeof swap);
    ata_init();
    for (int i = 0; i < ATA_MAX_DRIVES; i++)
        if (ata_drive(i)->kind == ATA_DISK)
            read_partitions(i, ata_drive(i));

    if (swap_option && strcmp(swap_option, "off") == 0) {
        kprintf("swap: off (swap=off)\n");
        return;
    }
    if (swap_option && swap_option[0]) {
        swap_named(swap_option);
    } else {
        for (int i = 0; i < ATA_MAX_DRIVES && !swap.on; i++) {
            if (!has_table[i])
                continue;
            for (int p = 0; p < MBR_NUM_PRIMARY && !swap.on; p++) {
                const struct mbr_partition *part = &tables[i].part[p];
                if (part->reason == MBR_OK && part->type == MBR_TYPE_LINUX_SWAP)
                    try_swap(ata_drive(i), part, true);
            }
        }
    }
    if (swap.on)
        disk_print_swap();
    else if (!swap_option || !swap_option[0])
        kprintf("swap: no Linux swap partition with a valid header: swap is off\n");
}

void disk_print(void)
{
    char line[160];
    int n = 0;
    for (int i = 0; i < ATA_MAX_DRIVES; i++) {
        struct ata_drive *d = ata_drive(i);
        if (d->kind == ATA_NONE)
            continue;
        n++;
        if (d->kind == ATA_ATAPI) {
            kprintf("%s  ATAPI  \"%s\"\n", d->name, d->model);
            continue;
        }
        kprintf("%s  disk   \"%s\" %llu MiB (%llu sectors, %s, %u per interrupt); %u pages read, "
                "%u written in %u requests (%u by DMA), %u retries, %u failed\n",
                d->name, d->model, d->sectors >> 11, d->sectors, d->lba48 ? "LBA48" : "LBA28",
                d->multiple, d->reads, d->writes, d->requests, d->dma_requests, d->retries,
                d->errors);
        if (!has_table[i]) {
            mbr_describe_table(&tables[i], line, sizeof line);
            kprintf("      %s\n", line);
            continue;
        }
        for (int p = 0; p < MBR_NUM_PRIMARY; p++) {
            const struct mbr_partition *part = &tables[i].part[p];
            if (part->reason == MBR_ENTRY_EMPTY)
                continue;
            kprintf("  %s%u  start %8u  %8u sectors  %4u MiB  type 0x%02x %-12s%s\n", d->name,
                    part->number, part->lba_start, part->sectors, part->sectors >> 11, part->type,
                    mbr_type_name(part->type), part->reason == MBR_OK ? "" : " (skipped)");
        }
    }
    if (!n)
        kprintf("no disks\n");
}

void disk_print_swap(void)
{
    if (!swap.on) {
        kprintf("swap: off\n");
        return;
    }
    char uuid[37];
    swap_header_uuid_string(swap.hdr.uuid, uuid);
    kprintf("swap: %s%u, %u usable pages (%u KiB) of %u in the partition, %u bad, %u in use; "
            "label \"%s\", uuid %s\n",
            swap.drive->name, swap.partition, swap.hdr.usable_pages, swap.hdr.usable_pages * 4,
            swap.partition_pages, swap.hdr.nr_badpages, swap.used, swap.hdr.label,
            swap.hdr.has_uuid ? uuid : "none");
    /* The columns of Linux's /proc/swaps: sizes in KiB; -2 is the priority
     * Linux gives the first area swapon is not given one for. */
    kprintf("Filename   Type        Size      Used      Priority\n");
    kprintf("%s%-7u partition   %-9u %-9u -2\n", swap.drive->name, swap.partition,
            swap.hdr.usable_pages * 4, swap.used * 4);
}
