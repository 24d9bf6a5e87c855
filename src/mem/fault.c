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
#include "mem/fault_decide.h"
#include "mem/layout.h"
#include "mem/mm.h"
#include "mem/pmm.h"
#include "mem/swap.h"
#include "mem/vmm.h"

static uint32_t faults, kills;

void fault_print_stats(void)
{
    /* In the style of Linux's /proc/vmstat: one counter per line. */
    const uint32_t *n = mm_fault_counts();
    kprintf("pgfault          %u\n", faults);
    kprintf("pgfault_killed   %u\n", kills);
    for (int a = FAULT_ZERO_FILL; a < FAULT_NACTIONS; a++)
        if (a != FAULT_NOTHING)
            kprintf("%-16s %u\n", fault_action_name(a), n[a]);
    kprintf("nr_shared        %u\n", pmm_nr_shared());
    swap_print_stats();
    kprintf("oom_kill         %u\n", process_oom_kills());
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

/* Without NX the CPU does not say "instruction fetch" in the error code
 * (PF_FETCH needs it, SDM vol. 3A, 4.7), so it is inferred: the fault is
 * at the instruction pointer, or on the next page within the 15 bytes an
 * instruction may take (SDM vol. 2A, 2.3.11), for an instruction that
 * starts on one page and ends on the next. */
static bool is_fetch(const struct regs *r, uint32_t addr)
{
    if (addr == r->eip)
        return true;
    uint32_t next_page = (r->eip & ~(PAGE_SIZE - 1)) + PAGE_SIZE;
    return addr == next_page && addr - r->eip < 15;
}

/* For an access below the stack area: whether it is the stack outgrowing
 * its limit (a data access near ESP in the gap below the limit) or
 * something else that merely landed there (a wild pointer, a jump). ""
 * elsewhere. */
static const char *stack_note(const struct mm *mm, const struct regs *r, uint32_t addr, bool fetch,
                              char *buf, size_t size)
{
    if (addr >= USER_STACK_TOP || addr < mm_gap_floor(mm))
        return "";
    bool near_esp = !fetch && addr + MM_STACK_SLACK >= r->user_esp;
    if (addr >= mm_stack_floor(mm))
        return near_esp ? "" : ": below the stack, far from the stack pointer";
    if (!near_esp)
        return ": in the unmapped gap below the stack, not a stack overflow";
    fmt_snprintf(buf, size, ": stack overflow past its %u %s limit (stack=)",
                 mm->stack_limit >= (1u << 20) ? mm->stack_limit >> 20 : mm->stack_limit >> 10,
                 mm->stack_limit >= (1u << 20) ? "MiB" : "KiB");
    return buf;
}

/* A fault in ring 3: mm_handle_fault() resolves what the process's areas
 * allow (a first touch, a copy-on-write page); anything else kills it. */
static void user_fault(struct regs *r, uint32_t addr)
{
    struct process *p = current();
    bool write = r->error_code & PF_WRITE;
    if (p->mm) {
        /* Just below the stack and near ESP: the stack grows first. */
        if (!mm_find_area(p->mm, addr))
            mm_grow_stack(p->mm, addr, r->user_esp);
        int rc = mm_handle_fault(p->mm, addr, write);
        /* Killed while it slept on the disk (process_kill): it dies now. */
        if (p->kill_status)
            process_exit(p->kill_status);
        if (rc == 0)
            return; /* iret runs the instruction again */
        if (rc == -ENOMEM) {
            /* The largest process goes; if that is another one, its memory
             * is free now and the instruction runs again. */
            if (process_oom_kill())
                return;
            kills++;
            process_die("out of memory for a page it was allowed to touch", EXIT_KILLED_KILL);
        }
        if (rc == -EIO) {
            kills++;
            process_die("its page could not be read back from swap (disk error)",
                        EXIT_KILLED_SEGV);
        }
    }
    kills++;
    bool fetch = is_fetch(r, addr);
    const char *access = fetch ? "instruction fetch from" : write ? "write to" : "read from";
    char why[192], note[64];
    fmt_snprintf(why, sizeof why, "%s 0x%08x (%s, user) at eip 0x%08x%s", access, addr,
                 r->error_code & PF_PRESENT ? "protection" : "not present", r->eip,
                 p->mm ? stack_note(p->mm, r, addr, fetch, note, sizeof note) : "");
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
