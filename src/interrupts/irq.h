/* Interrupt dispatch: the register frame every handler receives, and the
 * registration calls for exceptions, hardware IRQs and software interrupts. */
#ifndef INTERRUPTS_IRQ_H
#define INTERRUPTS_IRQ_H

#include <stdint.h>

/* The stack frame built by src/interrupts/isr.asm, lowest address first. */
struct regs {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax; /* pusha */
    uint32_t vector, error_code; /* pushed by the stub (error code by the CPU for some) */
    uint32_t eip, cs, eflags;    /* pushed by the CPU */
    uint32_t user_esp, user_ss;  /* pushed by the CPU only on a ring 3 -> 0 change */
};

typedef void (*interrupt_handler_fn)(struct regs *r);

#define IRQ_BASE  0x20 /* the PIC's IRQ 0 arrives as vector 0x20 */
#define IRQ_COUNT 16

/* Loads the IDT with all 48 exception/IRQ stubs. */
void idt_init(void);
/* Adds a gate for a software interrupt (e.g. int 0x80) callable from ring dpl. */
void idt_set_software_gate(uint8_t vector, uint8_t dpl);
/* Installs the handler for CPU exception or software vector `vector`. */
void interrupt_register(uint8_t vector, interrupt_handler_fn fn);
/* Installs the handler for hardware IRQ line 0..15 and unmasks it. */
void irq_register(unsigned irq, interrupt_handler_fn fn);
/* Called by the assembly stubs for every interrupt. */
void interrupt_dispatch(struct regs *r);
/* Handles CPU exceptions raised in ring 3 that no handler claimed (the
 * process layer kills the program); without one they panic. */
void interrupt_set_user_exception_handler(interrupt_handler_fn fn);
/* Called when returning to ring 3 faults while reloading a segment
 * register the program had loaded (reg names it: "fs", "ds", ...); r is
 * the fault's frame. It kills the process; if it returns, the fault panics. */
typedef void (*bad_return_fn)(const char *reg, struct regs *r);
void interrupt_set_bad_return_handler(bad_return_fn fn);
/* How many spurious IRQ 7 / IRQ 15 the PIC has raised. */
uint32_t irq_spurious_count(void);

#endif
