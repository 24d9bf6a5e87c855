#include "interrupts/exceptions.h"

#include "kernel/console.h"
#include "kernel/io.h"
#include "kernel/panic.h"

static const char *const names[32][2] = {
    {"#DE", "Divide Error"},
    {"#DB", "Debug"},
    {"NMI", "Non-Maskable Interrupt"},
    {"#BP", "Breakpoint"},
    {"#OF", "Overflow"},
    {"#BR", "BOUND Range Exceeded"},
    {"#UD", "Invalid Opcode"},
    {"#NM", "Device Not Available"},
    {"#DF", "Double Fault"},
    {"---", "Coprocessor Segment Overrun"},
    {"#TS", "Invalid TSS"},
    {"#NP", "Segment Not Present"},
    {"#SS", "Stack-Segment Fault"},
    {"#GP", "General Protection"},
    {"#PF", "Page Fault"},
    {"---", "Reserved (15)"},
    {"#MF", "x87 Floating-Point Error"},
    {"#AC", "Alignment Check"},
    {"#MC", "Machine Check"},
    {"#XM", "SIMD Floating-Point Exception"},
    {"#VE", "Virtualization Exception"},
    {"#CP", "Control Protection Exception"},
    {"---", "Reserved (22)"},
    {"---", "Reserved (23)"},
    {"---", "Reserved (24)"},
    {"---", "Reserved (25)"},
    {"---", "Reserved (26)"},
    {"---", "Reserved (27)"},
    {"#HV", "Hypervisor Injection Exception"},
    {"#VC", "VMM Communication Exception"},
    {"#SX", "Security Exception"},
    {"---", "Reserved (31)"},
};

const char *exception_name(uint32_t vector)
{
    return vector < 32 ? names[vector][1] : "Unknown";
}

bool exception_has_error_code(uint32_t vector)
{
    /* The same list as the stubs in src/interrupts/isr.asm. */
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 ||
           vector == 29 || vector == 30;
}

const char *exception_mnemonic(uint32_t vector)
{
    return vector < 32 ? names[vector][0] : "???";
}

void exception_report_and_panic(struct regs *r)
{
    panic_begin();
    kprintf("\nPANIC: CPU exception %u %s (%s), error code 0x%x\n", r->vector,
            exception_mnemonic(r->vector), exception_name(r->vector), r->error_code);
    if (r->vector == 14) {
        uint32_t e = r->error_code;
        kprintf("  page fault at address 0x%08x: %s, %s, %s mode%s\n", read_cr2(),
                e & PF_PRESENT ? "protection violation" : "page not present",
                e & PF_FETCH   ? "instruction fetch"
                : e & PF_WRITE ? "write"
                               : "read",
                e & PF_USER ? "user" : "supervisor", e & PF_RSVD ? ", reserved bit set" : "");
    }
    panic_dump_regs(r);
    panic_backtrace(r->ebp, r->eip);
    panic_end();
}
