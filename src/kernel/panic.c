/* A panic report has everything needed to find the bug without a debugger:
 * the message, every register, the control registers, and the chain of
 * return addresses (feed them to `addr2line -e build/clang/kernel.elf`).
 * Under QEMU the kernel then leaves through the isa-debug-exit device with
 * status POWEROFF_PANIC so tests can see it; elsewhere it halts, and with
 * break=panic Bochs stops in its debugger. */
#include "kernel/panic.h"

#include <stdarg.h>

#include "kernel/console.h"
#include "kernel/fmt.h"
#include "kernel/io.h"
#include "kernel/params.h"
#include "kernel/power.h"

extern char boot_stack_bottom[], boot_stack_top[];

static int panicking;

void panic_begin(void)
{
    cpu_cli();
    /* A panic while printing a panic report would recurse forever. */
    if (panicking++) {
        kprintf("\nPANIC inside a panic: stopping\n");
        panic_end();
    }
}

void panic_dump_regs(const struct regs *r)
{
    kprintf("  eax=%08x ebx=%08x ecx=%08x edx=%08x\n", r->eax, r->ebx, r->ecx, r->edx);
    kprintf("  esi=%08x edi=%08x ebp=%08x esp=%08x\n", r->esi, r->edi, r->ebp,
            /* ESP before the interrupt: skip vector, error code, eip, cs, eflags */
            r->esp_at_pusha + 20);
    /* A pushed segment register fills a 32-bit slot, but only its low 16
     * bits are defined (SDM vol. 1, 6.2.4.1): Bochs leaves other bits there. */
    kprintf("  eip=%08x eflags=%08x cs=%04x ds=%04x es=%04x fs=%04x gs=%04x\n", r->eip, r->eflags,
            r->cs & 0xFFFF, r->ds & 0xFFFF, r->es & 0xFFFF, r->fs & 0xFFFF, r->gs & 0xFFFF);
    if (r->cs & 3)
        kprintf("  user esp=%08x ss=%04x\n", r->user_esp, r->user_ss & 0xFFFF);
    kprintf("  cr0=%08x cr2=%08x cr3=%08x cr4=%08x\n", read_cr0(), read_cr2(), read_cr3(),
            read_cr4());
}

/* Every C function compiled with frame pointers starts with push ebp;
 * mov ebp, esp, so [ebp] is the caller's ebp and [ebp+4] the return address.
 * boot.asm sets ebp to 0 before kmain, which ends the chain. */
void panic_backtrace(uint32_t ebp, uint32_t eip)
{
    kprintf("  backtrace:\n    0x%08x\n", eip);
    for (int depth = 0; depth < 20 && ebp; depth++) {
        /* Only follow frames that lie on a kernel stack. */
        if (ebp & 3 || ebp < (uint32_t)boot_stack_bottom || ebp + 8 > (uint32_t)boot_stack_top)
            break;
        uint32_t *frame = (uint32_t *)ebp;
        if (frame[1] == 0)
            break;
        kprintf("    0x%08x\n", frame[1]);
        ebp = frame[0];
    }
}

void panic_end(void)
{
    kprintf("System halted.\n");
    /* Ends a QEMU test run; elsewhere (Bochs, real hardware) the machine
     * stays halted so its state can be inspected. break=panic stops Bochs
     * in its debugger first. */
    power_debug_exit(POWEROFF_PANIC);
    debug_break("panic");
    for (;;)
        __asm__ volatile("cli; hlt");
}

void panic(const char *fmt, ...)
{
    panic_begin();
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    kprintf("\nPANIC: %s\n", msg);
    /* Start at panic()'s caller: its return address and its frame. */
    const uint32_t *frame = __builtin_frame_address(0);
    panic_backtrace(frame[0], frame[1]);
    panic_end();
}
