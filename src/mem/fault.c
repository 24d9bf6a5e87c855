/* Page faults. The CPU leaves the faulting address in CR2 and pushes an error
 * code whose bits say what kind of access failed and why (SDM vol. 3A, 4.7;
 * decoded in src/interrupts/exceptions.h). A fault in the kernel is a bug:
 * the kernel never touches memory it has not mapped, and it checks every
 * user pointer before using it. A fault in a user program is resolved
 * against the process's VM areas: a page that may be there but is not yet
 * is brought in, and any other access ends the process. */
#include "mem/fault.h"

#include <stdbool.h>

#include "interrupts/exceptions.h"
#include "kernel/console.h"
#include "kernel/fmt.h"
#include "kernel/abi.h"
#include "kernel/errno.h"
#include "kernel/io.h"
#include "kernel/process.h"
#include "mem/layout.h"
#include "mem/pmm.h"
#include "mem/vmm.h"

static uint32_t faults, demand_faults;

uint32_t fault_count(void)
{
    return faults;
}
uint32_t fault_demand_count(void)
{
    return demand_faults;
}

/* Which part of the address map an address is in (docs/05-paging.md). */
static const char *region_of(uint32_t addr)
{
    if (addr < PAGE_SIZE)
        return "the NULL page, never mapped";
    if (addr < KERNEL_VMA)
        return "user space";
    if (addr >= (uint32_t)_kernel_start && addr < (uint32_t)_data_start)
        return "kernel text and read-only data";
    if (addr >= (uint32_t)_data_start && addr < (uint32_t)_kernel_end)
        return "kernel data";
    if (addr >= KVA_START)
        return "the kernel-virtual area";
    uint32_t ram_end =
        pmm_max_pfn() < DIRECT_MAP_PFNS ? pmm_max_pfn() << PAGE_SHIFT : DIRECT_MAP_SIZE;
    if (addr - KERNEL_VMA < ram_end)
        return "the direct map of RAM";
    return "the direct map, past the end of RAM";
}

void fault_describe(uint32_t addr, uint32_t error, char *buf, size_t size)
{
    const char *access = error & PF_FETCH   ? "instruction fetch from"
                         : error & PF_WRITE ? "write to"
                                            : "read from";
    fmt_snprintf(buf, size, "%s 0x%08x (%s, %s) in %s", access, addr,
                 error & PF_PRESENT ? "protection violation" : "page not present",
                 error & PF_USER ? "user" : "supervisor", region_of(addr));
}

/* A fault in ring 3: inside a VM area that allows the access, the page is
 * simply not there yet (demand paging); anything else kills the process. */
static void user_fault(struct regs *r, uint32_t addr)
{
    struct process *p = current();
    bool write = r->error_code & PF_WRITE;
    if (!(r->error_code & PF_PRESENT) && p->mm) {
        int rc = vma_fault_in(p->mm, addr, write);
        if (rc == 0) {
            demand_faults++;
            return; /* iret runs the instruction again */
        }
        if (rc == -ENOMEM)
            process_die("out of memory for a page it was allowed to touch", EXIT_KILLED_SEGV);
    }
    /* Without NX the CPU does not say "instruction fetch"; a fault at the
     * instruction pointer itself is one. */
    const char *access = addr == r->eip ? "instruction fetch from"
                         : write        ? "write to"
                                        : "read from";
    char why[160];
    uint32_t stack_end = USER_STACK_TOP - USER_STACK_MAX;
    fmt_snprintf(why, sizeof why, "%s 0x%08x (%s, user) at eip 0x%08x%s", access, addr,
                 r->error_code & PF_PRESENT ? "protection" : "not present", r->eip,
                 addr < stack_end && addr >= stack_end - USER_STACK_GAP
                     ? ": stack overflow past its 64 KiB limit"
                     : "");
    process_die(why, EXIT_KILLED_SEGV);
}

static void page_fault(struct regs *r)
{
    uint32_t addr = read_cr2();
    char what[160];
    faults++;
    if (r->cs & 3) {
        user_fault(r, addr);
        return;
    }
    fault_describe(addr, r->error_code, what, sizeof what);
    kprintf("\npage fault in the %s at eip 0x%08x: %s\n", r->cs & 3 ? "user program" : "kernel",
            r->eip, what);
    exception_report_and_panic(r);
}

void fault_init(void)
{
    interrupt_register(14, page_fault);
}
