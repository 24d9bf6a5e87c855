/* Where the kernel starts, in the order things must be set up. */
#include "kernel/kmain.h"

#include <string.h>

#include "disk/disk.h"
#include "interrupts/irq.h"
#include "interrupts/pic.h"
#include "interrupts/pit.h"
#include "kernel/console.h"
#include "kernel/gdt.h"
#include "kernel/io.h"
#include "kernel/ktest.h"
#include "kernel/multiboot.h"
#include "kernel/params.h"
#include "kernel/power.h"
#include "kernel/process.h"
#include "kernel/serial.h"
#include "kernel/shell.h"
#include "kernel/syscall.h"
#include "mem/layout.h"
#include "mem/fault.h"
#include "mem/kheap.h"
#include "mem/pmm.h"
#include "mem/swap.h"
#include "mem/vmm.h"

uint32_t kmain_boot_magic, kmain_boot_info;

/* What chapters 01 and 02 read in Bochs at break=gdt. The boot directory
 * maps 4 MiB pages, so its entry for KERNEL_VMA is the whole walk. */
static void print_gdt_break(void)
{
    uint32_t cr3 = read_cr3() & PTE_ADDR_MASK;
    gdt_print();
    kprintf("boot page directory at phys 0x%08x; its entry for 0x%08x at phys 0x%08x\n", cr3,
            KERNEL_VMA, cr3 + pde_index(KERNEL_VMA) * 4);
}

void kmain(uint32_t magic, uint32_t info_phys)
{
    kmain_boot_magic = magic;
    kmain_boot_info = info_phys;

    console_init();
    kprintf("Pagoda: a teaching kernel about memory (i386, higher half at 0x%08x)\n", KERNEL_VMA);
    kprintf("kernel image %p-%p (%u KiB)\n", (void *)_kernel_start, (void *)_kernel_end,
            (unsigned)(_kernel_end - _kernel_start) / 1024);

    /* Segments and the IDT first, so that any fault from here on is reported. */
    gdt_init();
    idt_init();
    pic_init();
    fault_init();

    if (multiboot_init(magic, info_phys) < 0) {
        kprintf("Cannot continue without valid boot information: halting.\n");
        power_exit(POWEROFF_FAIL);
    }
    /* QEMU's -kernel loader starts the command line with the kernel's path. */
    params_init(multiboot_cmdline(), strcmp(multiboot_loader_name(), "qemu") == 0);
    /* Still on the boot page directory of 4 MiB pages (chapter 01). */
    if (params_break_at("gdt"))
        print_gdt_break();
    debug_break("gdt");

    multiboot_print();
    pmm_init();
    vmm_init();
    kheap_setup(params_kheap_debug());
    disk_init(params_swap());
    swap_init();
    process_init();
    syscall_init();
    ata_enable_irqs();

    pit_init();
    serial_enable_input();
    cpu_sti();
    kprintf("interrupts on: PIC at vectors 0x%02x-0x%02x, PIT at %u Hz\n", IRQ_BASE,
            IRQ_BASE + IRQ_COUNT - 1, PIT_HZ);

    if (params_test())
        ktest_run(params_test());
    shell_run();
}
