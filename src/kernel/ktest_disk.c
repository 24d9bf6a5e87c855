/* Scenarios for the disk driver: every swap slot written and read back
 * through the IRQ path, LBA48 addressing past the 28-bit limit, and an I/O
 * error that must come back as -EIO without harming the kernel. */
#include <stdint.h>
#include <string.h>

#include "disk/disk.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"

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
}
