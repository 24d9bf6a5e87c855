/* The 16550 UART at COM1 (I/O base 0x3F8). Output is polled: the kernel waits
 * for the transmit holding register to empty, which never blocks for long and
 * works even in a panic with interrupts off. Input arrives by IRQ 4 into a
 * small ring buffer, so a shell can sleep (hlt) until a key comes. */
#include "kernel/serial.h"

#include "interrupts/irq.h"
#include "kernel/io.h"
#include "kernel/process.h"

#define COM1           0x3F8
#define REG_DATA       0 /* RBR on read, THR on write (DLAB=0) */
#define REG_IER        1 /* interrupt enable */
#define REG_FCR        2 /* FIFO control */
#define REG_LCR        3 /* line control; bit 7 = DLAB */
#define REG_MCR        4 /* modem control; OUT2 gates the IRQ line */
#define REG_LSR        5 /* line status */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20

static char rx_buf[256];
static volatile unsigned rx_head, rx_tail; /* written by IRQ, read by getc */

static void rx_drain(void);

void serial_init(void)
{
    outb(COM1 + REG_IER, 0x00);
    /* Keep a byte that arrived before we got here. */
    rx_drain();
    outb(COM1 + REG_LCR, 0x80); /* DLAB on: the next two are the divisor */
    outb(COM1 + REG_DATA, 1);   /* 115200 / 1 */
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, 0x03); /* 8 data bits, no parity, 1 stop */
    /* FIFOs stay off. Turning them on resets the receive side, and under
     * QEMU a byte that arrived just before (input piped in while GRUB ran)
     * would be lost. Without them QEMU holds further input back until the
     * kernel has read each byte. */
    outb(COM1 + REG_FCR, 0x00);
    outb(COM1 + REG_MCR, 0x0B); /* DTR, RTS, OUT2 */
}

/* Moves received bytes into rx_buf while it has room. Runs with interrupts
 * off. When the ring is full the byte stays in the UART: with the FIFOs
 * off the emulator then holds everything after it (flow control), so
 * nothing typed or piped is lost. Whoever frees room calls this again to
 * fetch it, since the UART raises no new interrupt for a byte it already
 * announced. */
static void rx_drain(void)
{
    while (inb(COM1 + REG_LSR) & LSR_DATA_READY) {
        unsigned next = (rx_head + 1) % sizeof rx_buf;
        if (next == rx_tail)
            return; /* full: leave the byte where it is */
        rx_buf[rx_head] = (char)inb(COM1 + REG_DATA);
        rx_head = next;
    }
}

/* Takes the oldest byte out of the ring (which must not be empty), then
 * lets the UART refill the room. Interrupts off. */
static char rx_take(void)
{
    char c = rx_buf[rx_tail];
    rx_tail = (rx_tail + 1) % sizeof rx_buf;
    rx_drain();
    return c;
}

static void serial_irq(struct regs *r)
{
    (void)r;
    rx_drain();
}

void serial_enable_input(void)
{
    irq_register(4, serial_irq);
    uint32_t flags = irq_save();
    outb(COM1 + REG_IER, 0x01); /* interrupt when data is available */
    rx_drain();                 /* what came while the interrupt was off */
    irq_restore(flags);
}

void serial_putc(char c)
{
    while (!(inb(COM1 + REG_LSR) & LSR_THR_EMPTY))
        ;
    outb(COM1 + REG_DATA, (uint8_t)c);
}

int serial_trygetc(void)
{
    uint32_t flags = irq_save();
    int c = -1;
    if (rx_tail != rx_head)
        c = (unsigned char)rx_take();
    irq_restore(flags);
    return c;
}

bool serial_take(char c)
{
    uint32_t flags = irq_save();
    bool found = false;
    /* Anywhere in the ring, not only at its head: a Ctrl-C typed after
     * other keys must still reach the program. The bytes after it move up
     * one place, so the rest of the input keeps its order. */
    for (unsigned i = rx_tail; i != rx_head; i = (i + 1) % sizeof rx_buf) {
        if (found) {
            rx_buf[(i + sizeof rx_buf - 1) % sizeof rx_buf] = rx_buf[i];
        } else if (rx_buf[i] == c) {
            found = true;
        }
    }
    if (found) {
        rx_head = (rx_head + sizeof rx_buf - 1) % sizeof rx_buf;
        rx_drain();
    }
    irq_restore(flags);
    return found;
}

char serial_getc(void)
{
    for (;;) {
        /* Disable, test, then "sti; hlt": sti takes effect after the next
         * instruction, so an IRQ cannot slip in between the test and hlt. */
        cpu_cli();
        if (rx_tail != rx_head) {
            char c = rx_take();
            cpu_sti();
            return c;
        }
        /* While the shell waits for a key, the processes run, and pid 0
         * collects the ones that ended. */
        process_reap(true);
        sched_idle();
    }
}
