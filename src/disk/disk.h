/* Disks, their partitions and the swap area (docs/09-disks.md). */
#ifndef DISK_DISK_H
#define DISK_DISK_H

#include <stdbool.h>
#include <stdint.h>

#include "disk/ata.h"
#include "disk/swap_header.h"

/* The swap area the kernel chose at boot. */
struct swap_area {
    bool on;
    struct ata_drive *drive;
    int partition;      /* 1..4 */
    uint32_t lba_start; /* first sector of the partition */
    uint32_t partition_pages;
    struct swap_header hdr; /* usable_pages, the bad-page list, label, uuid */
    uint32_t used;          /* slots in use (the swap chapter fills them) */
};

/* Probes the disks, reads their partition tables, and picks the swap area
 * from the swap= option: "off", "hdX,N", or empty for the first Linux-swap
 * partition (type 0x82) with a valid header. Prints what it found. */
void disk_init(const char *swap_option);
/* The swap area (check ->on). */
struct swap_area *disk_swap(void);
/* The first sector of swap slot slot (1..last_page); slot 0 is the header. */
uint32_t disk_swap_slot_lba(uint32_t slot);
/* The shell's disks and swapon. */
void disk_print(void);
void disk_print_swap(void);

#endif
