/* Scenarios for the disk driver: every swap slot written and read back
 * through the IRQ path, LBA48 addressing past the 28-bit limit, and an I/O
 * error that must come back as -EIO without harming the kernel. */
#include <stdint.h>
#include <string.h>

#include "disk/ata_dma.h"
#include "disk/disk.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "mem/highmem.h"
#include "mem/layout.h"
#include "mem/pmm.h"

static uint8_t out[4096] __attribute__((aligned(4)));
static uint8_t in[4096] __attribute__((aligned(4)));

static void fill(uint32_t seed)
{
    uint32_t *w = (uint32_t *)out;
    for (int i = 0; i < 1024; i++)
        w[i] = seed * 2654435761u ^ (uint32_t)i * 40503u;
}

void ktest_ata_rw(void)
{
    struct swap_area *sw = disk_swap();
    if (!ktest_check(sw->on, "a swap area to write over"))
        return;
    uint32_t slots = sw->hdr.last_page, irqs = ata_irq_count(), bad_io = 0, wrong = 0;
    for (uint32_t slot = 1; slot <= slots; slot++) {
        fill(slot);
        bad_io += ata_write_page(sw->drive, disk_swap_slot_lba(slot), out) != 0;
    }
    uint32_t read_irqs = ata_irq_count();
    for (uint32_t slot = 1; slot <= slots; slot++) {
        fill(slot);
        bad_io += ata_read_page(sw->drive, disk_swap_slot_lba(slot), in) != 0;
        wrong += memcmp(in, out, sizeof in) != 0;
    }
    read_irqs = ata_irq_count() - read_irqs;
    /* A page is 8 sectors; the drive interrupts once per block of
     * sw->drive->multiple sectors (READ MULTIPLE), or per sector. */
    uint32_t per_page = 8 / sw->drive->multiple;
    ktest_check(read_irqs == slots * per_page,
                "%u sectors per interrupt: %u IRQs for %u page reads (%u each)",
                sw->drive->multiple, read_irqs, slots, per_page);
    ktest_check(bad_io == 0, "%u slots written and read back with no I/O error", slots);
    ktest_check(wrong == 0, "every slot read back what was written (%u wrong)", wrong);
    ktest_check(ata_irq_count() - irqs >= 2 * slots,
                "completion came by interrupt: %u IRQs for %u page requests",
                ata_irq_count() - irqs, 2 * slots);
    /* The header page was never touched: the area is still a swap area. */
    ktest_check(ata_read_page(sw->drive, disk_swap_slot_lba(0), in) == 0 &&
                    memcmp(in + 4086, "SWAPSPACE2", 10) == 0,
                "the swap header in slot 0 is intact");
    ktest_check(ata_write_page(sw->drive, sw->drive->sectors - 4, out) == -EINVAL,
                "a request past the end of the disk: -EINVAL");
}

/* The page a slot gets in ktest_ata_frames, in the frame at pa. */
static void fill_frame(uint32_t pa, uint32_t slot)
{
    uint32_t *w = kmap(pa);
    for (uint32_t i = 0; i < PAGE_SIZE / 4; i++)
        w[i] = slot * 2654435761u ^ i * 40503u;
    kunmap(w);
}

static bool frame_holds(uint32_t pa, uint32_t slot)
{
    uint32_t *w = kmap(pa), wrong = 0;
    for (uint32_t i = 0; i < PAGE_SIZE / 4; i++)
        wrong += w[i] != (slot * 2654435761u ^ i * 40503u);
    kunmap(w);
    return wrong == 0;
}

/* Moves every slot of the swap area in runs, n pages per request with n
 * going round 1..ATA_MAX_PAGES (upwards to write, downwards to read). The
 * pages of a run are in frames[0..n). Counts the requests and the pages
 * that came back wrong. */
static void move_runs(struct swap_area *sw, const uint32_t *frames, bool write,
                      uint32_t *requests, uint32_t *bad_io, uint32_t *wrong)
{
    uint32_t slots = sw->hdr.last_page, slot = 1, len = write ? 1 : ATA_MAX_PAGES;
    while (slot <= slots) {
        uint32_t n = len < slots - slot + 1 ? len : slots - slot + 1;
        for (uint32_t k = 0; k < n; k++) {
            if (write)
                fill_frame(frames[k], slot + k);
            else
                frame_zero(frames[k]);
        }
        uint32_t lba = disk_swap_slot_lba(slot);
        int rc = write ? ata_write_frames(sw->drive, lba, frames, n)
                       : ata_read_frames(sw->drive, lba, frames, n);
        *bad_io += rc != 0;
        (*requests)++;
        for (uint32_t k = 0; !write && k < n; k++)
            *wrong += !frame_holds(frames[k], slot + k);
        slot += n;
        /* 1, 2, ..., 32, 1, ... to write; 32, 31, ..., 1, 32, ... to read */
        len = write ? len % ATA_MAX_PAGES + 1 : (len == 1 ? ATA_MAX_PAGES : len - 1);
    }
}

/* Runs of pages in one request each, by DMA (by PIO with ata=pio): every
 * slot of the swap area written in runs of 1 to 32 pages and read back in
 * runs of other lengths. The frames of a run are scattered: taken every
 * other one, in descending order, half of them from HighMem when the
 * machine has it, so no two are adjacent and each PRD entry (or kmap) takes
 * its frame as it is. By DMA, a read request costs one interrupt. */
void ktest_ata_frames(void)
{
    struct swap_area *sw = disk_swap();
    if (!ktest_check(sw->on, "a swap area to write over"))
        return;
    uint32_t taken[2 * ATA_MAX_PAGES], frames[ATA_MAX_PAGES], high = 0;
    for (uint32_t i = 0; i < 2 * ATA_MAX_PAGES; i++) {
        taken[i] = i % 4 < 2 ? pmm_alloc(0, PMM_HIGHMEM) : 0;
        if (!taken[i])
            taken[i] = pmm_alloc(0, PMM_NORMAL);
    }
    uint32_t adjacent = 0;
    for (uint32_t i = 0; i < ATA_MAX_PAGES; i++) {
        frames[i] = taken[2 * ATA_MAX_PAGES - 1 - 2 * i];
        high += frames[i] >= DIRECT_MAP_SIZE;
        adjacent += i > 0 && frames[i] == frames[i - 1] + PAGE_SIZE;
    }
    uint32_t missing = 0;
    for (uint32_t i = 0; i < 2 * ATA_MAX_PAGES; i++)
        missing += taken[i] == 0;
    if (!ktest_check(missing == 0 && adjacent == 0,
                     "frames 0x%08x, 0x%08x, ...: none follows the one before (%u in HighMem)",
                     frames[0], frames[1], high))
        return;
    bool dma = ata_dma_on();
    uint32_t dma_before = sw->drive->dma_requests, writes = 0, reads = 0, bad_io = 0, wrong = 0;
    move_runs(sw, frames, true, &writes, &bad_io, &wrong);
    uint32_t irqs = ata_irq_count();
    move_runs(sw, frames, false, &reads, &bad_io, &wrong);
    irqs = ata_irq_count() - irqs;
    ktest_check(bad_io == 0 && wrong == 0,
                "%u slots written in %u requests and read back in %u: %u I/O errors, %u pages "
                "wrong",
                sw->hdr.last_page, writes, reads, bad_io, wrong);
    uint32_t want = dma ? reads : sw->hdr.last_page * ATA_SECTORS_PER_PAGE / sw->drive->multiple;
    ktest_check(irqs == want, "%s: %u interrupts for the reads (want %u)", dma ? "DMA" : "PIO",
                irqs, want);
    ktest_check(sw->drive->dma_requests - dma_before == (dma ? writes + reads : 0),
                "%u requests by DMA", sw->drive->dma_requests - dma_before);
    for (uint32_t i = 0; i < 2 * ATA_MAX_PAGES; i++)
        pmm_free(taken[i], 0);
}

/* A disk larger than 128 GiB: sectors past 2^28 need the LBA48 commands. */
void ktest_ata_lba48(void)
{
    struct ata_drive *d = ata_find("hda");
    if (!ktest_check(d && d->lba48 && d->sectors > (1u << 28),
                     "hda is an LBA48 disk past the 28-bit limit (%llu sectors)",
                     d ? d->sectors : 0))
        return;
    uint64_t lbas[] = {0, (1u << 28) - 8, 1u << 28, d->sectors - 8};
    for (int i = 0; i < 4; i++) {
        fill((uint32_t)i + 7);
        int w = ata_write_page(d, lbas[i], out);
        memset(in, 0, sizeof in);
        int r = ata_read_page(d, lbas[i], in);
        ktest_check(w == 0 && r == 0 && memcmp(in, out, sizeof in) == 0,
                    "page at sector %llu written and read back", lbas[i]);
    }
    /* A run of two pages astride the limit, in frames: by DMA, READ and
     * WRITE DMA EXT. */
    uint32_t f[2] = {pmm_alloc(0, PMM_NORMAL), pmm_alloc(0, PMM_NORMAL)};
    uint64_t lba = (1u << 28) - 8;
    fill_frame(f[0], 1);
    fill_frame(f[1], 2);
    int w = ata_write_frames(d, lba, f, 2);
    frame_zero(f[0]);
    frame_zero(f[1]);
    int r = ata_read_frames(d, lba, f, 2);
    ktest_check(f[0] && f[1] && w == 0 && r == 0 && frame_holds(f[0], 1) && frame_holds(f[1], 2),
                "a run of two pages from sector %llu written and read back (%s)", lba,
                ata_dma_on() ? "DMA" : "PIO");
    pmm_free(f[0], 0);
    pmm_free(f[1], 0);
}

/* tests/kernel/blkdebug-read-error.conf makes every read of sector 2128
 * (swap slot 10 of the standard image) fail. */
void ktest_ata_eio(void)
{
    struct swap_area *sw = disk_swap();
    if (!ktest_check(sw->on, "a swap area"))
        return;
    uint32_t errors = sw->drive->errors;
    ktest_check(ata_read_page(sw->drive, disk_swap_slot_lba(10), in) == -EIO,
                "reading slot 10 (sector %u) fails with -EIO", disk_swap_slot_lba(10));
    ktest_check(sw->drive->errors == errors + 1 && sw->drive->retries >= ATA_RETRIES - 1,
                "after %d attempts (%u retries counted)", ATA_RETRIES, sw->drive->retries);
    ktest_check(ata_read_page(sw->drive, disk_swap_slot_lba(11), in) == 0,
                "the next slot still reads: the disk and the kernel carry on");
    fill(11);
    ktest_check(ata_write_page(sw->drive, disk_swap_slot_lba(11), out) == 0 &&
                    ata_read_page(sw->drive, disk_swap_slot_lba(11), in) == 0 &&
                    memcmp(in, out, sizeof in) == 0,
                "and writes still work");
    /* The resets reached both drives of the channel. hdb, if there is one,
     * must still move as many sectors per interrupt as the driver asks:
     * otherwise a run of two pages by PIO waits for an interrupt that the
     * drive never raises, times out and is retried. */
    struct ata_drive *other = ata_find("hdb");
    if (!other)
        return;
    uint32_t f[2] = {pmm_alloc(0, PMM_NORMAL), pmm_alloc(0, PMM_NORMAL)};
    uint32_t retries = other->retries;
    ktest_check(ata_read_frames(other, 0, f, 2) == 0 && other->retries == retries,
                "hdb reads a run of two pages at once after the resets (%u retries)",
                other->retries - retries);
    pmm_free(f[0], 0);
    pmm_free(f[1], 0);
}

/* The DMA controller reports an error at the end of a write of four pages
 * (faked: ata_dma_fake_error). The driver must say so, turn DMA off for
 * good, and try the request again by PIO; the pages then read back right,
 * by PIO. (QEMU has moved the data by the time the fake error is seen, so
 * the read-back shows that nothing was lost, not that the PIO attempt
 * wrote it: the counters show that the second attempt went by PIO.) */
void ktest_ata_dma_error(void)
{
    struct swap_area *sw = disk_swap();
    if (!ktest_check(sw->on && ata_dma_on(), "a swap area, and DMA on"))
        return;
    struct ata_drive *d = sw->drive;
    uint32_t frames[4], lba = disk_swap_slot_lba(1);
    for (uint32_t k = 0; k < 4; k++) {
        frames[k] = pmm_alloc(0, PMM_NORMAL);
        fill_frame(frames[k], 1 + k);
    }
    uint32_t retries = d->retries, dma_requests = d->dma_requests;
    ata_dma_fake_error();
    int rc = ata_write_frames(d, lba, frames, 4);
    ktest_check(rc == 0 && d->retries == retries + 1,
                "the write of 4 pages succeeds on its second attempt (rc %d, %u retries)", rc,
                d->retries - retries);
    ktest_check(!ata_dma_on() && d->dma_requests == dma_requests,
                "DMA is off now, and no request was counted as done by DMA");
    uint32_t wrong = 0;
    for (uint32_t k = 0; k < 4; k++)
        frame_zero(frames[k]);
    rc = ata_read_frames(d, lba, frames, 4);
    for (uint32_t k = 0; k < 4; k++)
        wrong += !frame_holds(frames[k], 1 + k);
    ktest_check(rc == 0 && wrong == 0 && d->dma_requests == dma_requests,
                "read back by PIO: %u pages wrong", wrong);
    for (uint32_t k = 0; k < 4; k++)
        pmm_free(frames[k], 0);
}
