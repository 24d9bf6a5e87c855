/* Stopping the kernel when one of its own invariants is broken. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdint.h>

#include "interrupts/irq.h"

/* Prints "PANIC: <message>", the registers and a backtrace, then stops. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* The pieces of a panic report, for reports that print more (exceptions). */
void panic_begin(void);
void panic_dump_regs(const struct regs *r);
void panic_backtrace(uint32_t ebp, uint32_t eip);
void panic_end(void) __attribute__((noreturn));

#endif
