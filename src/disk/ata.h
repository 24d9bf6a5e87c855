/* The ATA (IDE) disk driver: PIO transfers, LBA28 and LBA48, IRQ 14/15
 * completion (docs/09-disks.md). */
#ifndef DISK_ATA_H
#define DISK_ATA_H

#include <stdbool.h>
#include <stdint.h>

#define ATA_SECTOR_SIZE      512
#define ATA_SECTORS_PER_PAGE 8
#define ATA_MAX_DRIVES       4
#define ATA_RETRIES          3 /* attempts per request before -EIO */
/* The most pages one request moves: 256 sectors, the most an LBA28 command
 * can name (its count register's 0), and one PRD entry each for DMA. */
#define ATA_MAX_PAGES 32

enum ata_kind { ATA_NONE, ATA_DISK, ATA_ATAPI };

struct ata_drive {
    char name[4]; /* hda (primary master), hdb, hdc, hdd (secondary slave) */
    enum ata_kind kind;
    uint8_t channel; /* 0 primary, 1 secondary */
    uint8_t slave;   /* 0 master, 1 slave */
    bool lba48;
    uint64_t sectors; /* capacity in 512-byte sectors */
    uint8_t multiple;      /* sectors per interrupt (READ/WRITE MULTIPLE), 1 without */
    uint16_t max_multiple; /* IDENTIFY word 47: the most the drive allows */
    char model[41], serial[21];
    uint32_t reads, writes;    /* pages moved */
    uint32_t requests;         /* commands that moved data (a page, or a run of them) */
    uint32_t dma_requests;     /* of those, by DMA */
    uint32_t errors, retries;  /* requests given up, and attempts tried again */
};

/* Probes both channels, master and slave, with IDENTIFY; prints what it finds. */
void ata_init(void);
/* Drive i (0..3), whatever its kind. */
struct ata_drive *ata_drive(int i);
/* The drive called name ("hda".."hdd"), if it is an ATA disk; else NULL. */
struct ata_drive *ata_find(const char *name);
/* Moves one 4 KiB page (8 sectors from lba) between the disk and buf: 0, or
 * -EIO after ATA_RETRIES attempts, or -EINVAL past the end of the disk. */
int ata_read_page(struct ata_drive *d, uint64_t lba, void *buf);
int ata_write_page(struct ata_drive *d, uint64_t lba, const void *buf);
/* Moves n pages (1..ATA_MAX_PAGES) in one request, between the
 * n * 8 sectors from lba and n frames given by physical address, in any
 * order and anywhere in memory: frames[i] holds page i. By DMA when there
 * is a controller and ata=dma; else by PIO. 0, -EIO after ATA_RETRIES
 * attempts, or -EINVAL (past the end of the disk, or n out of range). */
int ata_read_frames(struct ata_drive *d, uint64_t lba, const uint32_t *frames, unsigned n);
int ata_write_frames(struct ata_drive *d, uint64_t lba, const uint32_t *frames, unsigned n);
/* The same write, polling the drive instead of sleeping until its
 * interrupt, so no other process runs meanwhile, and without the cache
 * flush (the swap path's eviction, src/mem/swap.c: its pages need not
 * survive a reboot). */
int ata_write_frames_polled(struct ata_drive *d, uint64_t lba, const uint32_t *frames,
                            unsigned n);
/* Returns once no request is under way on d's channel, sleeping until
 * then: a caller about to use the polled calls, which never sleep, takes
 * its turn here first. True if it slept (other processes ran meanwhile). */
bool ata_wait_idle(struct ata_drive *d);
/* Reads one sector (the MBR). */
int ata_read_sector(struct ata_drive *d, uint64_t lba, void *buf);
/* True when runs of frames move by DMA (a controller was found, ata=dma,
 * and no DMA transfer has failed in a way that made the driver give up on
 * it). */
bool ata_dma_on(void);
/* Switches from polling to IRQ completion: call once processes exist. */
void ata_enable_irqs(void);
/* Interrupts received from the drives (tests check the IRQ path is used). */
uint32_t ata_irq_count(void);

#endif
