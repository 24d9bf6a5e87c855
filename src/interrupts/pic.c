/* The 8259A PICs power up delivering IRQ 0-7 on vectors 8-15, which collide
 * with CPU exceptions (double fault is 8). We reinitialise both so that
 * IRQ 0-7 come in at 0x20-0x27 and IRQ 8-15 at 0x28-0x2F (8259A datasheet,
 * ICW1-ICW4). */
#include "interrupts/pic.h"

#include "interrupts/irq.h"
#include "kernel/io.h"

#define MASTER_CMD   0x20
#define MASTER_DATA  0x21
#define SLAVE_CMD    0xA0
#define SLAVE_DATA   0xA1
#define CMD_EOI      0x20
#define CMD_READ_ISR 0x0B /* OCW3: next read of the command port is the ISR */

void pic_init(void)
{
    outb(MASTER_CMD, 0x11); /* ICW1: edge triggered, cascade, ICW4 follows */
    io_wait();
    outb(SLAVE_CMD, 0x11);
    io_wait();
    outb(MASTER_DATA, IRQ_BASE); /* ICW2: vector offset */
    io_wait();
    outb(SLAVE_DATA, IRQ_BASE + 8);
    io_wait();
    outb(MASTER_DATA, 1 << 2); /* ICW3: slave on the master's IRQ 2 */
    io_wait();
    outb(SLAVE_DATA, 2); /* ICW3: slave's cascade identity */
    io_wait();
    outb(MASTER_DATA, 0x01); /* ICW4: 8086 mode */
    io_wait();
    outb(SLAVE_DATA, 0x01);
    io_wait();
    /* Everything masked except the cascade line; handlers unmask their own. */
    outb(MASTER_DATA, 0xFF & ~(1 << 2));
    outb(SLAVE_DATA, 0xFF);
}

void pic_unmask(unsigned irq)
{
    uint16_t port = irq < 8 ? MASTER_DATA : SLAVE_DATA;
    outb(port, inb(port) & ~(1 << (irq & 7)));
}

void pic_mask(unsigned irq)
{
    uint16_t port = irq < 8 ? MASTER_DATA : SLAVE_DATA;
    outb(port, inb(port) | (1 << (irq & 7)));
}

void pic_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(SLAVE_CMD, CMD_EOI);
    outb(MASTER_CMD, CMD_EOI);
}

/* When a request goes away before the CPU acknowledges it, the PIC still
 * delivers its lowest-priority vector (IRQ 7, or 15 on the slave) with the
 * in-service bit clear. Such an interrupt must not get an EOI, except that a
 * spurious IRQ 15 did take the master's cascade line, which does. */
bool pic_is_spurious(unsigned irq)
{
    if (irq != 7 && irq != 15)
        return false;
    uint16_t cmd = irq == 7 ? MASTER_CMD : SLAVE_CMD;
    outb(cmd, CMD_READ_ISR);
    if (inb(cmd) & (1 << 7))
        return false;
    if (irq == 15)
        outb(MASTER_CMD, CMD_EOI);
    return true;
}
