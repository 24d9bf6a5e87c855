/* The ATA driver: PIO, and bus-master DMA for runs of pages (ata_dma.c).
 * Each channel is a block of I/O ports (ATA/ATAPI-6 section 7; OSDev's
 * "ATA PIO Mode" summarises it):
 *
 *   base+0  data (16-bit)        base+4  LBA bits 8-15
 *   base+1  error / features     base+5  LBA bits 16-23
 *   base+2  sector count         base+6  drive select, LBA bits 24-27
 *   base+3  LBA bits 0-7         base+7  status / command
 *   ctrl    alternate status / device control (nIEN, SRST)
 *
 * A request: select the drive, write the LBA and the sector count, write the
 * command. For each sector the drive raises DRQ (and, unless nIEN is set,
 * its IRQ) when it is ready to move 256 words through the data port. Until
 * the scheduler runs the driver polls the status register; after that the
 * caller sleeps (process_block) until IRQ 14 or 15 says the drive is ready.
 * By DMA the drive interrupts once, when the whole request has moved.
 *
 * One request at a time per channel: while a process sleeps in the middle
 * of one, the channel is busy and any other request on it waits its turn
 * (process_sleep_on). */
#include "disk/ata.h"

#include <string.h>

#include "disk/ata_dma.h"
#include "interrupts/irq.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/io.h"
#include "kernel/params.h"
#include "kernel/process.h"
#include "mem/highmem.h"

#define REG_DATA    0
#define REG_ERROR   1
#define REG_COUNT   2
#define REG_LBA0    3
#define REG_LBA1    4
#define REG_LBA2    5
#define REG_DRIVE   6
#define REG_STATUS  7
#define REG_COMMAND 7

#define ST_ERR 0x01
#define ST_DRQ 0x08
#define ST_DF  0x20 /* drive fault */
#define ST_BSY 0x80
/* Not a status register value: what an attempt returns when the DMA
 * controller, not the drive, failed (a timeout returns -1). */
#define ST_DMA_FAILED (-2)

#define CTRL_NIEN 0x02 /* no interrupts */
#define CTRL_SRST 0x04 /* software reset of both drives */

#define CMD_READ            0x20
#define CMD_READ_EXT        0x24
#define CMD_WRITE           0x30
#define CMD_WRITE_EXT       0x34
#define CMD_READ_MULT       0xC4
#define CMD_READ_MULT_EXT   0x29
#define CMD_WRITE_MULT      0xC5
#define CMD_WRITE_MULT_EXT  0x39
#define CMD_SET_MULT        0xC6
#define CMD_READ_DMA        0xC8
#define CMD_READ_DMA_EXT    0x25
#define CMD_WRITE_DMA       0xCA
#define CMD_WRITE_DMA_EXT   0x35
#define CMD_FLUSH           0xE7
#define CMD_FLUSH_EXT       0xEA
#define CMD_IDENTIFY        0xEC
#define CMD_IDENTIFY_PACKET 0xA1

#define TIMEOUT_MS 2000

struct channel {
    uint16_t base, ctrl;
    uint8_t irq;
    volatile bool irq_fired;
    struct process *waiter;
    bool busy; /* a request is under way; others wait on the channel */
    uint8_t selected; /* 0xA0/0xB0 last written to REG_DRIVE, 0 = unknown */
};

static struct channel channels[2] = {
    {0x1F0, 0x3F6, 14, false, NULL, false, 0},
    {0x170, 0x376, 15, false, NULL, false, 0},
};
static struct ata_drive drives[ATA_MAX_DRIVES];
static bool use_irqs;
static bool dma_on; /* ata=dma and a controller: runs of frames move by DMA */
static uint32_t irqs;

uint32_t ata_irq_count(void)
{
    return irqs;
}

bool ata_dma_on(void)
{
    return dma_on;
}

static const char *const error_bits[8] = {
    "address mark not found", "track 0 not found", "command aborted",    "media change request",
    "sector ID not found",    "media changed",     "uncorrectable data", "bad block",
};

struct ata_drive *ata_drive(int i)
{
    return i >= 0 && i < ATA_MAX_DRIVES ? &drives[i] : NULL;
}

struct ata_drive *ata_find(const char *name)
{
    for (int i = 0; i < ATA_MAX_DRIVES; i++)
        if (drives[i].kind == ATA_DISK && strcmp(drives[i].name, name) == 0)
            return &drives[i];
    return NULL;
}

/* Reading the alternate status register four times takes the 400 ns a
 * drive needs before its status is valid after a select or command. */
static void delay_400ns(struct channel *c)
{
    for (int i = 0; i < 4; i++)
        inb(c->ctrl);
}

static void select_drive(struct channel *c, uint8_t slave, uint8_t lba_high)
{
    uint8_t v = (uint8_t)(0xE0 | (slave << 4) | (lba_high & 0x0F)); /* LBA mode */
    outb(c->base + REG_DRIVE, v);
    if ((v & 0xF0) != c->selected) {
        delay_400ns(c);
        c->selected = v & 0xF0;
    }
}

/* Polls until BSY clears; the status, or -1 on a timeout (about ms ms). */
static int poll_not_busy(struct channel *c, uint32_t ms)
{
    /* Each inb of the alternate status takes about a microsecond on ISA
     * timing; this loop is only a bound, not a clock. */
    for (uint32_t i = 0; i < ms * 1000; i++) {
        uint8_t st = inb(c->ctrl);
        if (!(st & ST_BSY))
            return st;
    }
    return -1;
}

/* Moves one sector (256 words) through the data port. */
static void pio_in(uint16_t port, void *buf)
{
    void *p = buf;
    uint32_t n = 256;
    __asm__ volatile("rep insw" : "+D"(p), "+c"(n) : "d"(port) : "memory");
}

static void pio_out(uint16_t port, const void *buf)
{
    const void *p = buf;
    uint32_t n = 256;
    __asm__ volatile("rep outsw" : "+S"(p), "+c"(n) : "d"(port) : "memory");
}

static void ata_irq(struct regs *r)
{
    struct channel *c = &channels[r->vector - IRQ_BASE == 15 ? 1 : 0];
    inb(c->base + REG_STATUS); /* reading the status acknowledges the interrupt */
    irqs++;
    c->irq_fired = true;
    if (c->waiter) {
        process_wake(c->waiter);
        /* The woken process has the disk's next step to do: if this
         * interrupt stopped a user program, let it go first rather than at
         * the end of that program's time slice. */
        if (r->cs & 3)
            schedule();
    }
}

/* Waits for the drive to finish its current step: by IRQ once processes
 * exist, by polling before. The status, or -1 on a timeout. */
static int wait_drive(struct channel *c, bool polled)
{
    if (use_irqs && sched_started() && !polled) {
        uint32_t flags = irq_save();
        while (!c->irq_fired) {
            c->waiter = current();
            bool woken = process_block(TIMEOUT_MS);
            c->waiter = NULL;
            if (!woken && !c->irq_fired)
                break;
        }
        bool fired = c->irq_fired;
        c->irq_fired = false;
        irq_restore(flags);
        if (!fired)
            return -1;
    }
    return poll_not_busy(c, TIMEOUT_MS);
}

static void soft_reset(struct channel *c)
{
    outb(c->ctrl, CTRL_SRST | CTRL_NIEN);
    delay_400ns(c);
    outb(c->ctrl, use_irqs ? 0 : CTRL_NIEN);
    poll_not_busy(c, TIMEOUT_MS);
    c->selected = 0;
}

/* Asks the drive to move ATA_MULTIPLE sectors per interrupt in READ and
 * WRITE MULTIPLE (SET MULTIPLE MODE, ATA/ATAPI-6 8.39): a page of 8 sectors
 * then costs one interrupt instead of 8. IDENTIFY word 47 gives the most the
 * drive allows. d->multiple becomes ATA_MULTIPLE, or 1 if the drive cannot
 * or ata=single asks for one sector per interrupt. A reset may undo the
 * setting, so request() sets it again after one.
 *
 * The command is polled with nIEN set: its completion must not raise an
 * interrupt, which the PIC would hold until interrupts are on again and a
 * later wait_drive() would then take for the end of its own command. */
#define ATA_MULTIPLE 8

static void set_multiple(struct ata_drive *d, uint16_t max)
{
    struct channel *c = &channels[d->channel];
    d->multiple = 1;
    if (params_ata_mode() == ATA_MODE_SINGLE || (max & 0xFF) < ATA_MULTIPLE)
        return;
    outb(c->ctrl, CTRL_NIEN);
    select_drive(c, d->slave, 0);
    outb(c->base + REG_COUNT, ATA_MULTIPLE);
    outb(c->base + REG_COMMAND, CMD_SET_MULT);
    delay_400ns(c);
    int st = poll_not_busy(c, TIMEOUT_MS);
    if (st >= 0 && !(st & (ST_ERR | ST_DF)))
        d->multiple = ATA_MULTIPLE;
    outb(c->ctrl, use_irqs ? 0 : CTRL_NIEN);
}

/* A soft reset reaches both drives of the channel, and a drive may come
 * out of it with its power-on multiple count (QEMU's does): both drives
 * get SET MULTIPLE again, not only the one that failed. */
static void reset_channel(struct channel *c)
{
    soft_reset(c);
    for (int i = 0; i < ATA_MAX_DRIVES; i++)
        if (drives[i].kind == ATA_DISK && &channels[drives[i].channel] == c)
            set_multiple(&drives[i], drives[i].max_multiple);
}

static void fixup_string(char *dst, const uint16_t *words, int nwords)
{
    /* IDENTIFY strings hold two characters per word, high byte first. */
    for (int i = 0; i < nwords; i++) {
        dst[2 * i] = (char)(words[i] >> 8);
        dst[2 * i + 1] = (char)(words[i] & 0xFF);
    }
    int n = 2 * nwords;
    dst[n] = '\0';
    while (n > 0 && dst[n - 1] == ' ')
        dst[--n] = '\0';
}

static void identify(struct ata_drive *d)
{
    struct channel *c = &channels[d->channel];
    uint16_t id[256];
    select_drive(c, d->slave, 0);
    /* A channel with nothing on it reads as 0xFF (the bus floats high). */
    if (inb(c->base + REG_STATUS) == 0xFF)
        return;
    outb(c->base + REG_COUNT, 0);
    outb(c->base + REG_LBA0, 0);
    outb(c->base + REG_LBA1, 0);
    outb(c->base + REG_LBA2, 0);
    outb(c->base + REG_COMMAND, CMD_IDENTIFY);
    delay_400ns(c);
    if (inb(c->base + REG_STATUS) == 0)
        return; /* no drive */
    int st = poll_not_busy(c, 500);
    if (st < 0)
        return;
    /* An ATAPI device aborts IDENTIFY and leaves its signature 0x14 0xEB in
     * the LBA registers (ATA/ATAPI-6, 9.12). */
    uint8_t sig1 = inb(c->base + REG_LBA1), sig2 = inb(c->base + REG_LBA2);
    uint8_t cmd = CMD_IDENTIFY;
    if (sig1 == 0x14 && sig2 == 0xEB) {
        d->kind = ATA_ATAPI;
        cmd = CMD_IDENTIFY_PACKET;
        outb(c->base + REG_COMMAND, cmd);
        delay_400ns(c);
        st = poll_not_busy(c, 500);
    } else if (sig1 || sig2) {
        return; /* something we do not know (e.g. SATA signature) */
    } else {
        d->kind = ATA_DISK;
    }
    if (st < 0 || (st & ST_ERR) || !(st & ST_DRQ)) {
        d->kind = ATA_NONE;
        return;
    }
    pio_in(c->base + REG_DATA, id);
    fixup_string(d->serial, &id[10], 10);
    fixup_string(d->model, &id[27], 20);
    if (d->kind == ATA_DISK) {
        d->lba48 = id[83] & (1u << 10);
        d->sectors = d->lba48 ? (uint64_t)id[100] | (uint64_t)id[101] << 16 |
                                    (uint64_t)id[102] << 32 | (uint64_t)id[103] << 48
                              : (uint32_t)id[60] | (uint32_t)id[61] << 16;
        d->max_multiple = id[47];
        set_multiple(d, d->max_multiple);
    }
}

void ata_init(void)
{
    static const char *const names[ATA_MAX_DRIVES] = {"hda", "hdb", "hdc", "hdd"};
    int disks = 0;
    for (int i = 0; i < ATA_MAX_DRIVES; i++) {
        struct ata_drive *d = &drives[i];
        memset(d, 0, sizeof *d);
        memcpy(d->name, names[i], 4);
        d->channel = (uint8_t)(i / 2);
        d->slave = (uint8_t)(i % 2);
        /* Polling for now: no interrupts from the drives. */
        outb(channels[d->channel].ctrl, CTRL_NIEN);
        identify(d);
        if (d->kind == ATA_DISK) {
            disks++;
            kprintf("ata: %s: \"%s\" serial \"%s\", %llu sectors (%llu MiB), %s\n", d->name,
                    d->model, d->serial, d->sectors, d->sectors >> 11,
                    d->lba48 ? "LBA48" : "LBA28");
        } else if (d->kind == ATA_ATAPI) {
            kprintf("ata: %s: \"%s\", ATAPI (CD/DVD): not used\n", d->name, d->model);
        }
    }
    if (!disks) {
        kprintf("ata: no ATA disks found\n");
        return;
    }
    if (params_ata_mode() == ATA_MODE_DMA)
        dma_on = ata_dma_init();
    else
        kprintf("ata: ata=%s: PIO only\n", params_ata_mode() == ATA_MODE_PIO ? "pio" : "single");
}

void ata_enable_irqs(void)
{
    irq_register(14, ata_irq);
    irq_register(15, ata_irq);
    use_irqs = true;
    for (int i = 0; i < 2; i++) {
        outb(channels[i].ctrl, 0); /* nIEN clear: the drives may interrupt */
        channels[i].irq_fired = false;
    }
}

static void report_error(struct ata_drive *d, uint64_t lba, const char *what, int st)
{
    struct channel *c = &channels[d->channel];
    kprintf("ata: %s: %s of sector %llu failed: ", d->name, what, lba);
    if (st == ST_DMA_FAILED) {
        kprintf("the DMA controller's error\n");
        return;
    }
    if (st < 0) {
        kprintf("timed out after %d ms\n", TIMEOUT_MS);
        return;
    }
    if (st & ST_DF)
        kprintf("drive fault ");
    uint8_t err = inb(c->base + REG_ERROR);
    kprintf("status 0x%02x, error 0x%02x", st, err);
    for (int b = 0; b < 8; b++)
        if (err & (1u << b))
            kprintf(" (%s)", error_bits[b]);
    kprintf("\n");
}

/* Where the sectors of a request are in memory: a kernel buffer, or one
 * frame per page given by its physical address (the swap path). A frame
 * may be in HighMem: PIO maps it one sector at a time; DMA needs no
 * mapping at all, the controller takes the physical address. */
struct io_buf {
    uint8_t *buf;
    const uint32_t *frames;
};

static uint8_t *sector_map(const struct io_buf *io, unsigned s)
{
    if (io->buf)
        return io->buf + s * ATA_SECTOR_SIZE;
    uint8_t *page = kmap(io->frames[s / ATA_SECTORS_PER_PAGE]);
    return page + (s % ATA_SECTORS_PER_PAGE) * ATA_SECTOR_SIZE;
}

static void sector_unmap(const struct io_buf *io, uint8_t *sector)
{
    if (!io->buf)
        kunmap(sector);
}

/* The command that moves count sectors from lba: LBA48 (ext) only past the
 * 28-bit limit; by DMA, or by PIO in blocks of d->multiple sectors. */
static uint8_t command_for(const struct ata_drive *d, bool write, bool ext, bool dma)
{
    if (dma)
        return write ? (ext ? CMD_WRITE_DMA_EXT : CMD_WRITE_DMA)
                     : (ext ? CMD_READ_DMA_EXT : CMD_READ_DMA);
    if (d->multiple > 1)
        return write ? (ext ? CMD_WRITE_MULT_EXT : CMD_WRITE_MULT)
                     : (ext ? CMD_READ_MULT_EXT : CMD_READ_MULT);
    return write ? (ext ? CMD_WRITE_EXT : CMD_WRITE) : (ext ? CMD_READ_EXT : CMD_READ);
}

/* Selects the drive and gives it cmd for count sectors from lba. */
static void issue(struct ata_drive *d, uint64_t lba, unsigned count, bool ext, uint8_t cmd)
{
    struct channel *c = &channels[d->channel];
    select_drive(c, d->slave, ext ? 0 : (uint8_t)(lba >> 24));
    if (ext) {
        /* LBA48: each register takes its high byte first, then its low. */
        outb(c->base + REG_COUNT, (uint8_t)(count >> 8));
        outb(c->base + REG_LBA0, (uint8_t)(lba >> 24));
        outb(c->base + REG_LBA1, (uint8_t)(lba >> 32));
        outb(c->base + REG_LBA2, (uint8_t)(lba >> 40));
    }
    if (params_break_at("ata")) {
        kprintf("break: ata: %s: command 0x%02x to port 0x%x: count %u, LBA %llu "
                "(ports 0x%x-0x%x get 0x%02x 0x%02x 0x%02x 0x%02x)\n",
                d->name, cmd, c->base + REG_COMMAND, count, lba, c->base + REG_COUNT,
                c->base + REG_LBA2, (uint8_t)count, (uint8_t)lba, (uint8_t)(lba >> 8),
                (uint8_t)(lba >> 16));
        bochs_magic_break();
    }
    /* 256 sectors are written as 0, which LBA28 commands read as 256. */
    outb(c->base + REG_COUNT, (uint8_t)count);
    outb(c->base + REG_LBA0, (uint8_t)lba);
    outb(c->base + REG_LBA1, (uint8_t)(lba >> 8));
    outb(c->base + REG_LBA2, (uint8_t)(lba >> 16));
    outb(c->base + REG_COMMAND, cmd);
}

/* The end of a write: its interrupt says the data is written; then the
 * drive's cache is flushed so "written" means on the disk. Swap (the polled
 * path) skips the flush: its pages need not outlive a power cut, and a
 * flush can take the host longer than the poll's bound. st is the status
 * after the data moved; the result is 0 or the failing status (or -1). */
static int finish_write(struct channel *c, bool ext, bool polled, int st)
{
    if (st >= 0 && !(st & (ST_ERR | ST_DF)) && !polled) {
        outb(c->base + REG_COMMAND, ext ? CMD_FLUSH_EXT : CMD_FLUSH);
        st = wait_drive(c, polled);
    }
    return st >= 0 && !(st & (ST_ERR | ST_DF)) ? 0 : st;
}

/* One attempt by PIO: 0, or the failing status (or -1). The data moves in
 * blocks of d->multiple sectors (1 without MULTIPLE) through the data port:
 * the drive sets DRQ, and for a read interrupts, once per block. */
static int pio_transfer(struct ata_drive *d, uint64_t lba, unsigned count,
                        const struct io_buf *io, bool write, bool polled)
{
    struct channel *c = &channels[d->channel];
    bool ext = d->lba48 && (lba + count > 0x0FFFFFFF);
    issue(d, lba, count, ext, command_for(d, write, ext, false));
    int st = 0;
    for (unsigned s = 0; s < count; s += d->multiple) {
        if (write) {
            /* A write's data is asked for by DRQ without an interrupt. */
            delay_400ns(c);
            st = poll_not_busy(c, TIMEOUT_MS);
        } else {
            st = wait_drive(c, polled);
        }
        if (st < 0 || (st & (ST_ERR | ST_DF)) || !(st & ST_DRQ))
            break;
        for (unsigned i = 0; i < d->multiple && s + i < count; i++) {
            uint8_t *sector = sector_map(io, s + i);
            if (write)
                pio_out(c->base + REG_DATA, sector);
            else
                pio_in(c->base + REG_DATA, sector);
            sector_unmap(io, sector);
        }
        st = 0;
    }
    if (write && st == 0)
        st = finish_write(c, ext, polled, wait_drive(c, polled));
    return st;
}

/* Waits until the controller's interrupt bit says the DMA command ended.
 * An interrupt left over from an earlier command may wake the waiter, but
 * it does not set that bit: the wait goes on. The drive's status, or -1 on
 * a timeout. (Not wait_drive(): after a wake-up it polls BSY, which a real
 * drive may hold for the whole transfer.) */
static int dma_wait(struct channel *c, int channel, bool polled)
{
    if (!polled && use_irqs && sched_started()) {
        while (!(ata_dma_status(channel) & ATA_DMA_IRQ)) {
            c->irq_fired = false;
            c->waiter = current();
            bool woken = process_block(TIMEOUT_MS);
            c->waiter = NULL;
            if (!woken && !(ata_dma_status(channel) & ATA_DMA_IRQ))
                return -1;
        }
    } else {
        for (uint32_t i = 0; !(ata_dma_status(channel) & ATA_DMA_IRQ); i++)
            if (i == TIMEOUT_MS * 1000)
                return -1;
    }
    return poll_not_busy(c, TIMEOUT_MS);
}

/* One attempt by DMA: the controller moves the frames' pages while the CPU
 * waits for the drive's interrupt, one for the whole request. 0, or the
 * failing status (or -1). */
static int dma_transfer(struct ata_drive *d, uint64_t lba, unsigned count,
                        const uint32_t *frames, bool write, bool polled)
{
    struct channel *c = &channels[d->channel];
    bool ext = d->lba48 && (lba + count > 0x0FFFFFFF);
    ata_dma_setup(d->channel, frames, count / ATA_SECTORS_PER_PAGE, !write);
    issue(d, lba, count, ext, command_for(d, write, ext, true));
    ata_dma_start(d->channel);
    int st = dma_wait(c, d->channel, polled);
    uint8_t bm = ata_dma_stop(d->channel);
    inb(c->base + REG_STATUS); /* acknowledges the drive's interrupt */
    if (bm & ATA_DMA_ERROR) {
        /* The controller could not reach memory: not the disk's fault, and
         * not something a retry by DMA would fix. */
        kprintf("ata: %s: the DMA controller reported an error (status 0x%02x): PIO from "
                "now on\n",
                d->name, bm);
        dma_on = false;
        st = ST_DMA_FAILED;
    }
    if (write && st >= 0 && !(st & (ST_ERR | ST_DF)))
        st = finish_write(c, ext, polled, st);
    else if (st >= 0 && !(st & (ST_ERR | ST_DF)))
        st = 0;
    return st;
}

bool ata_wait_idle(struct ata_drive *d)
{
    struct channel *c = &channels[d->channel];
    bool slept = false;
    uint32_t flags = irq_save();
    while (c->busy) {
        process_sleep_on(c);
        slept = true;
    }
    irq_restore(flags);
    return slept;
}

/* One request at a time on a channel: the others sleep until it is free. */
static void channel_take(struct channel *c)
{
    uint32_t flags = irq_save();
    while (c->busy)
        process_sleep_on(c);
    c->busy = true;
    irq_restore(flags);
}

static void channel_give(struct channel *c)
{
    uint32_t flags = irq_save();
    c->busy = false;
    process_wake_all(c);
    irq_restore(flags);
}

/* A whole request, retried up to ATA_RETRIES times with a reset of the
 * channel between attempts: 0, -EIO, or -EINVAL past the end of the disk. */
static int request(struct ata_drive *d, uint64_t lba, unsigned count, const struct io_buf *io,
                   bool write, bool polled)
{
    if (!d || d->kind != ATA_DISK || lba + count > d->sectors)
        return -EINVAL;
    struct channel *c = &channels[d->channel];
    channel_take(c);
    const char *what = write ? "write" : "read";
    int rc = -EIO;
    for (int attempt = 1; attempt <= ATA_RETRIES; attempt++) {
        /* One attempt, by DMA when the pages are frames and DMA is on. The
         * kernel is not interrupted meanwhile except while it waits. */
        bool dma = io->frames && dma_on;
        uint32_t flags = irq_save();
        c->irq_fired = false;
        int st = poll_not_busy(c, TIMEOUT_MS);
        if (st >= 0)
            st = dma ? dma_transfer(d, lba, count, io->frames, write, polled)
                     : pio_transfer(d, lba, count, io, write, polled);
        irq_restore(flags);
        if (st == 0) {
            d->dma_requests += dma;
            rc = 0;
            break;
        }
        report_error(d, lba, what, st);
        d->retries += attempt < ATA_RETRIES;
        reset_channel(c);
    }
    channel_give(c);
    if (rc < 0) {
        d->errors++;
        kprintf("ata: %s: giving up on the %s of sector %llu after %d attempts: -EIO\n", d->name,
                what, lba, ATA_RETRIES);
        return -EIO;
    }
    d->requests++;
    if (count >= ATA_SECTORS_PER_PAGE) {
        if (write)
            d->writes += count / ATA_SECTORS_PER_PAGE;
        else
            d->reads += count / ATA_SECTORS_PER_PAGE;
    }
    return 0;
}

int ata_read_page(struct ata_drive *d, uint64_t lba, void *buf)
{
    struct io_buf io = {buf, NULL};
    return request(d, lba, ATA_SECTORS_PER_PAGE, &io, false, false);
}

int ata_write_page(struct ata_drive *d, uint64_t lba, const void *buf)
{
    struct io_buf io = {(uint8_t *)buf, NULL};
    return request(d, lba, ATA_SECTORS_PER_PAGE, &io, true, false);
}

int ata_read_sector(struct ata_drive *d, uint64_t lba, void *buf)
{
    struct io_buf io = {buf, NULL};
    return request(d, lba, 1, &io, false, false);
}

static int frames_io(struct ata_drive *d, uint64_t lba, const uint32_t *frames, unsigned n,
                     bool write, bool polled)
{
    if (n == 0 || n > ATA_MAX_PAGES)
        return -EINVAL;
    struct io_buf io = {NULL, frames};
    return request(d, lba, n * ATA_SECTORS_PER_PAGE, &io, write, polled);
}

int ata_read_frames(struct ata_drive *d, uint64_t lba, const uint32_t *frames, unsigned n)
{
    return frames_io(d, lba, frames, n, false, false);
}

int ata_write_frames(struct ata_drive *d, uint64_t lba, const uint32_t *frames, unsigned n)
{
    return frames_io(d, lba, frames, n, true, false);
}

int ata_write_frames_polled(struct ata_drive *d, uint64_t lba, const uint32_t *frames,
                            unsigned n)
{
    return frames_io(d, lba, frames, n, true, true);
}
