/* The interrupt descriptor table: 256 gate descriptors of 8 bytes (Intel SDM
 * vol. 3A, 6.11). Vectors 0-31 are the CPU's exceptions, 0x20-0x2F the PIC's
 * IRQs; everything else is absent and raises #GP if used. */
#include <stddef.h>
#include <stdint.h>

#include "interrupts/exceptions.h"
#include "interrupts/irq.h"
#include "interrupts/pic.h"
#include "kernel/gdt.h"

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attr; /* P, DPL, 0, type (0xE: 32-bit interrupt gate) */
    uint16_t offset_high;
} __attribute__((packed));

struct idt_pointer {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static struct idt_gate idt[256];
static interrupt_handler_fn handlers[256];
static uint32_t spurious;
static interrupt_handler_fn user_exception_handler;
static bad_return_fn bad_return_handler;

void interrupt_set_user_exception_handler(interrupt_handler_fn fn)
{
    user_exception_handler = fn;
}

void interrupt_set_bad_return_handler(bad_return_fn fn)
{
    bad_return_handler = fn;
}

/* The instructions of isr_return that load what was saved on entry
 * (src/interrupts/isr.asm). */
extern char isr_pop_gs[], isr_pop_fs[], isr_pop_es[], isr_pop_ds[], isr_iret[];

/* If r is a fault raised by one of them, the register it was loading; else
 * NULL. Only #TS, #NP, #SS and #GP can come from loading a selector. */
static const char *faulting_reload(const struct regs *r)
{
    if ((r->cs & 3) || r->vector < 10 || r->vector > 13)
        return NULL;
    const char *eip = (const char *)r->eip;
    return eip == isr_pop_gs   ? "gs"
           : eip == isr_pop_fs ? "fs"
           : eip == isr_pop_es ? "es"
           : eip == isr_pop_ds ? "ds"
           : eip == isr_iret   ? "cs or ss (iret)"
                               : NULL;
}

extern const uint32_t isr_stub_table[48];
extern const uint32_t isr_stub_128_addr;

/* Interrupt gates (not trap gates) clear IF on entry, so handlers run with
 * interrupts off until they return. */
static void set_gate(uint8_t vector, uint32_t handler, uint8_t dpl)
{
    idt[vector] = (struct idt_gate){
        .offset_low = handler & 0xFFFF,
        .selector = GDT_KERNEL_CODE,
        .type_attr = (uint8_t)(0x80 | (dpl << 5) | 0x0E),
        .offset_high = handler >> 16,
    };
}

void idt_init(void)
{
    for (int v = 0; v < 48; v++)
        set_gate((uint8_t)v, isr_stub_table[v], 0);
    struct idt_pointer p = {sizeof idt - 1, (uint32_t)idt};
    __asm__ volatile("lidt %0" : : "m"(p));
}

void idt_set_software_gate(uint8_t vector, uint8_t dpl)
{
    /* Only int 0x80 has a stub beyond the first 48 vectors. */
    if (vector == 0x80)
        set_gate(vector, isr_stub_128_addr, dpl);
}

void interrupt_register(uint8_t vector, interrupt_handler_fn fn)
{
    handlers[vector] = fn;
}

void irq_register(unsigned irq, interrupt_handler_fn fn)
{
    handlers[IRQ_BASE + irq] = fn;
    pic_unmask(irq);
}

uint32_t irq_spurious_count(void)
{
    return spurious;
}

void interrupt_dispatch(struct regs *r)
{
    uint32_t v = r->vector;
    if (v >= IRQ_BASE && v < IRQ_BASE + IRQ_COUNT) {
        unsigned irq = v - IRQ_BASE;
        if (pic_is_spurious(irq)) {
            spurious++;
            return;
        }
        /* EOI first: a handler that switches tasks may not come back here. */
        pic_eoi(irq);
        if (handlers[v])
            handlers[v](r);
        return;
    }
    if (handlers[v]) {
        handlers[v](r);
        return;
    }
    /* An exception nobody handles: the program's fault in ring 3, the
     * kernel's bug in ring 0. */
    if ((r->cs & 3) && user_exception_handler) {
        user_exception_handler(r);
        return;
    }
    /* A selector the program left in a segment register that fails to
     * load on its way back: its fault, as in Linux's fixup of iret. */
    const char *reg = faulting_reload(r);
    if (reg && bad_return_handler)
        bad_return_handler(reg, r); /* returns only if no process is to blame */
    exception_report_and_panic(r);
}
