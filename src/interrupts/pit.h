/* The 8253/8254 programmable interval timer, channel 0 on IRQ 0. */
#ifndef INTERRUPTS_PIT_H
#define INTERRUPTS_PIT_H

#include <stdint.h>

#include "interrupts/irq.h"

#define PIT_HZ 100 /* ticks per second: one every 10 ms */

/* Programs channel 0 to fire PIT_HZ times a second and counts the ticks. */
void pit_init(void);
/* Calls fn(regs) on every tick, after counting it (the scheduler's hook). */
void pit_set_tick_hook(void (*fn)(struct regs *r));
/* Ticks since pit_init(). */
uint64_t pit_ticks(void);
/* Waits (halting between interrupts) for n ticks; interrupts must be on. */
void pit_sleep_ticks(uint32_t n);

#endif
