/* The PIT counts down from a divisor at 1,193,182 Hz and raises IRQ 0 each
 * time it reaches zero. 1193182 / 100 rounds to 11932, so the timer runs at
 * 99.998 Hz: 100 Hz for every purpose here. */
#include "interrupts/pit.h"

#include "interrupts/irq.h"
#include "kernel/io.h"

#define PIT_INPUT_HZ 1193182u
#define PIT_CH0      0x40
#define PIT_CMD      0x43

static volatile uint64_t ticks;
static void (*tick_hook)(struct regs *r);

static void pit_irq(struct regs *r)
{
    ticks++;
    if (tick_hook)
        tick_hook(r);
}

void pit_set_tick_hook(void (*fn)(struct regs *r))
{
    tick_hook = fn;
}

void pit_init(void)
{
    uint32_t divisor = (PIT_INPUT_HZ + PIT_HZ / 2) / PIT_HZ;
    outb(PIT_CMD, 0x36); /* channel 0, lobyte/hibyte, mode 3 (square wave) */
    outb(PIT_CH0, divisor & 0xFF);
    outb(PIT_CH0, divisor >> 8);
    irq_register(0, pit_irq);
}

uint64_t pit_ticks(void)
{
    /* A 64-bit read is two 32-bit loads; keep the IRQ out from between them. */
    uint32_t flags = irq_save();
    uint64_t t = ticks;
    irq_restore(flags);
    return t;
}

void pit_sleep_ticks(uint32_t n)
{
    uint64_t end = pit_ticks() + n;
    while (pit_ticks() < end)
        cpu_hlt();
}
