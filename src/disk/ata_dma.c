/* Bus-master DMA, as in "Programming Interface for Bus Master IDE
 * Controller" (SFF-8038i, revision 1.0). The controller is a PCI function
 * of class 01h (mass storage), subclass 01h (IDE); its BAR4 holds the I/O
 * base of 16 bytes of registers, 8 per channel:
 *
 *   +0  command: bit 0 start, bit 3 direction (1: the controller writes
 *       memory, i.e. a disk read)
 *   +2  status: bit 0 active, bit 1 error, bit 2 interrupt (write 1 to
 *       clear bits 1 and 2)
 *   +4  the physical address of the PRD table
 *
 * A PRD (physical region descriptor) is two words: the physical address of
 * a region and its byte count, bit 31 of the second marking the last one.
 * A region must not cross a 64 KiB boundary, nor may the table itself: a
 * page never does, and the table of a channel is 256 bytes aligned on 256.
 *
 * A request: build the table, load its address and the direction, give the
 * drive READ DMA or WRITE DMA (ata.c), set start. The drive interrupts when
 * all the data has moved; then clear start.
 *
 * What the driver leaves to the firmware (QEMU's and Bochs's BIOS do it):
 * the controller in compatibility mode, at the legacy ports 0x1F0/0x170
 * and IRQs 14/15, and a DMA transfer mode chosen on each drive (SET
 * FEATURES). It does not check IDENTIFY's DMA words either; a drive that
 * cannot do DMA fails the command, and the driver retries and reports. */
#include "disk/ata_dma.h"

#include "kernel/console.h"
#include "kernel/io.h"
#include "kernel/pci.h"
#include "mem/layout.h"

#define BM_COMMAND 0
#define BM_STATUS  2
#define BM_PRDT    4

#define BM_START    0x01
#define BM_TOMEMORY 0x08

#define BM_DRIVES_CAPABLE 0x60 /* status bits 5 and 6: drive 0, 1 can do DMA */

#define PCI_COMMAND_IO     0x01 /* in the command register, offset 0x04 */
#define PCI_COMMAND_MASTER 0x04

#define PRD_LAST 0x80000000u

struct prd {
    uint32_t addr;
    uint32_t count; /* bytes in bits 0-15 (0 means 64 KiB); PRD_LAST */
};

static struct prd tables[2][ATA_MAX_PAGES] __attribute__((aligned(256)));
_Static_assert(sizeof tables[0] == 256, "a channel's table is 256 bytes: no 64 KiB crossing");

static uint16_t bm_base; /* 0: no controller */

bool ata_dma_init(void)
{
    struct pci_func f;
    if (!pci_find_class(0x01, 0x01, &f)) {
        kprintf("ata: no PCI IDE controller: PIO only\n");
        return false;
    }
    uint32_t bar4 = pci_read(&f, 0x20);
    if (!(bar4 & 1) || (bar4 & 0xFFFC) == 0) {
        kprintf("ata: PCI IDE controller %04x:%04x at %u:%u.%u has no bus-master registers "
                "(BAR4 0x%08x): PIO only\n",
                f.vendor, f.device, f.bus, f.dev, f.fn, bar4);
        return false;
    }
    pci_write(&f, 0x04, pci_read(&f, 0x04) | PCI_COMMAND_IO | PCI_COMMAND_MASTER);
    bm_base = (uint16_t)(bar4 & 0xFFFC);
    kprintf("ata: PCI IDE controller %04x:%04x at %u:%u.%u, bus-master registers at 0x%x\n",
            f.vendor, f.device, f.bus, f.dev, f.fn, bm_base);
    return true;
}

static uint16_t reg(int channel, int r)
{
    return (uint16_t)(bm_base + 8 * channel + r);
}

/* Clears the error and interrupt bits (by writing 1s to them), keeping
 * bits 5 and 6, which say the drives can do DMA: writing 0 there would
 * clear them. */
static void clear_status(int channel)
{
    uint8_t st = inb(reg(channel, BM_STATUS));
    outb(reg(channel, BM_STATUS), (st & BM_DRIVES_CAPABLE) | ATA_DMA_ERROR | ATA_DMA_IRQ);
}

void ata_dma_setup(int channel, const uint32_t *frames, unsigned n, bool to_memory)
{
    for (unsigned i = 0; i < n; i++)
        tables[channel][i] = (struct prd){frames[i], PAGE_SIZE};
    tables[channel][n - 1].count |= PRD_LAST;
    outb(reg(channel, BM_COMMAND), 0);
    outl(reg(channel, BM_PRDT), (uint32_t)VIRT_TO_PHYS(tables[channel]));
    outb(reg(channel, BM_COMMAND), to_memory ? BM_TOMEMORY : 0);
    clear_status(channel);
}

void ata_dma_start(int channel)
{
    outb(reg(channel, BM_COMMAND), inb(reg(channel, BM_COMMAND)) | BM_START);
}

uint8_t ata_dma_status(int channel)
{
    return inb(reg(channel, BM_STATUS));
}

static bool fake_error; /* ata_dma_fake_error() was called */

uint8_t ata_dma_stop(int channel)
{
    outb(reg(channel, BM_COMMAND), inb(reg(channel, BM_COMMAND)) & ~BM_START);
    uint8_t st = inb(reg(channel, BM_STATUS));
    clear_status(channel);
    if (fake_error) {
        fake_error = false;
        st |= ATA_DMA_ERROR;
    }
    return st;
}

void ata_dma_fake_error(void)
{
    fake_error = true;
}
