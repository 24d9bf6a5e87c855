/* Scenarios for the foundation: what boot set up, and the panic reports. */
#include <stdint.h>
#include <string.h>

#include "interrupts/exceptions.h"
#include "interrupts/pit.h"
#include "kernel/console.h"
#include "kernel/fmt.h"
#include "kernel/gdt.h"
#include "kernel/io.h"
#include "kernel/kmain.h"
#include "kernel/ktest.h"
#include "kernel/multiboot.h"
#include "kernel/panic.h"
#include "kernel/params.h"
#include "kernel/serial.h"
#include "mem/layout.h"

extern uint32_t boot_page_directory[1024];

struct descriptor_table_pointer {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static uint16_t read_selector_cs(void)
{
    uint16_t v;
    __asm__ volatile("mov %%cs, %0" : "=r"(v));
    return v;
}
static uint16_t read_selector_ds(void)
{
    uint16_t v;
    __asm__ volatile("mov %%ds, %0" : "=r"(v));
    return v;
}
static uint16_t read_selector_ss(void)
{
    uint16_t v;
    __asm__ volatile("mov %%ss, %0" : "=r"(v));
    return v;
}

/* Reads one line from the serial port (the harness types it). */
static void read_line(char *buf, size_t n)
{
    size_t len = 0;
    for (;;) {
        char c = serial_getc();
        if (c == '\r' || c == '\n')
            break;
        if (len + 1 < n)
            buf[len++] = c;
    }
    buf[len] = '\0';
}

void ktest_boot(void)
{
    struct descriptor_table_pointer gdtr, idtr;
    uint16_t tr;
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    __asm__ volatile("sidt %0" : "=m"(idtr));
    __asm__ volatile("str %0" : "=r"(tr));

    ktest_check(read_cr0() & 1, "protected mode on (CR0.PE), cr0=0x%08x", read_cr0());
    ktest_check(read_cr0() & (1u << 31), "paging on (CR0.PG)");
    ktest_check(read_cr0() & (1u << 16), "write protection honoured in ring 0 (CR0.WP)");
    ktest_check(gdtr.limit == 6 * 8 - 1, "GDT has 6 descriptors (limit %u)", gdtr.limit);
    ktest_check(read_selector_cs() == GDT_KERNEL_CODE, "CS is the kernel code selector (0x%x)",
                read_selector_cs());
    ktest_check(read_selector_ds() == GDT_KERNEL_DATA && read_selector_ss() == GDT_KERNEL_DATA,
                "DS and SS are the kernel data selector");
    ktest_check(tr == GDT_TSS, "task register holds the TSS selector (0x%x)", tr);
    /* The state the kernel must not inherit from the firmware or the boot
     * loader (src/boot/boot.asm, gdt_init). */
    uint16_t ldtr;
    uint32_t eflags, dr7;
    __asm__ volatile("sldt %0" : "=r"(ldtr));
    __asm__ volatile("pushf; pop %0" : "=r"(eflags));
    __asm__ volatile("mov %%dr7, %0" : "=r"(dr7));
    ktest_check(ldtr == 0, "LDTR holds the null selector (0x%x)", ldtr);
    ktest_check(read_cr0() == 0x80010015, "CR0 is PG WP ET EM PE and nothing else (0x%08x)",
                read_cr0());
    ktest_check(read_cr4() == 0x90, "CR4 is PGE PSE and nothing else (0x%08x)", read_cr4());
    ktest_check((eflags & 0x47400) == 0, "EFLAGS: IOPL 0, NT, AC and DF clear (eflags 0x%08x)",
                eflags);
    ktest_check((dr7 & 0xFF) == 0, "no hardware breakpoint armed (dr7 0x%08x)", dr7);
    ktest_check(idtr.limit == 256 * 8 - 1, "IDT has 256 gates (limit %u)", idtr.limit);
    ktest_check(boot_page_directory[0] == 0, "identity mapping of the first 4 MiB removed");
    ktest_check((uint32_t)&ktest_boot >= KERNEL_VMA, "running in the higher half (eip %p)",
                (void *)&ktest_boot);

    /* The master PIC's mask register: IRQ 0 (PIT), 2 (cascade), 4 (COM1) open. */
    uint8_t mask = inb(0x21);
    ktest_check((mask & 0x15) == 0, "PIC lets IRQ 0, 2, 4 through (mask 0x%02x)", mask);

    uint64_t t0 = pit_ticks();
    pit_sleep_ticks(10);
    uint64_t t1 = pit_ticks();
    ktest_check(t1 - t0 >= 10, "PIT ticks at %u Hz: %llu ticks passed", PIT_HZ, t1 - t0);

    char buf[64];
    fmt_snprintf(buf, sizeof buf, "%llu %lld %llx", 18446744073709551615ULL,
                 -9223372036854775807LL - 1, 0x123456789abcdefULL);
    ktest_check(strcmp(buf, "18446744073709551615 -9223372036854775808 123456789abcdef") == 0,
                "64-bit printf on i386 (div64 helpers): %s", buf);

    ktest_check(strcmp(params_test(), "boot") == 0, "command line parsed: test=%s", params_test());

    kprintf("ktest: type a line: ");
    read_line(buf, sizeof buf);
    kprintf("\n");
    ktest_check(strcmp(buf, "ping") == 0, "serial input by IRQ 4 read \"%s\"", buf);
}

/* Hands multiboot_init() hostile boot information and checks each is refused;
 * then puts the real one back. */
void ktest_multiboot(void)
{
    static struct multiboot_info mbi;
    static struct multiboot_mmap_entry map[3];
    uint32_t map_phys = VIRT_TO_PHYS(map), mbi_phys = VIRT_TO_PHYS(&mbi);

    map[0] = (struct multiboot_mmap_entry){20, 0, 0x9F000, MB_MEM_AVAILABLE};
    map[1] = (struct multiboot_mmap_entry){20, 0x100000, 0x700000, MB_MEM_AVAILABLE};
    map[2] = (struct multiboot_mmap_entry){20, 0xFFFC0000, 0x40000, MB_MEM_RESERVED};
    mbi = (struct multiboot_info){
        .flags = MB_INFO_MMAP, .mmap_length = sizeof map, .mmap_addr = map_phys};

    ktest_check(multiboot_init(0x12345678, mbi_phys) < 0, "wrong magic refused");
    ktest_check(multiboot_init(MULTIBOOT_BOOTLOADER_MAGIC, 0) < 0, "info at address 0 refused");
    mbi.flags = MB_INFO_MEMORY;
    ktest_check(multiboot_init(MULTIBOOT_BOOTLOADER_MAGIC, mbi_phys) < 0,
                "missing memory map refused");
    mbi.flags = MB_INFO_MMAP;
    mbi.mmap_length = 0;
    ktest_check(multiboot_init(MULTIBOOT_BOOTLOADER_MAGIC, mbi_phys) < 0,
                "empty memory map refused");
    mbi.mmap_length = sizeof map - 3;
    ktest_check(multiboot_init(MULTIBOOT_BOOTLOADER_MAGIC, mbi_phys) < 0,
                "truncated map entry refused");
    mbi.mmap_length = sizeof map;
    map[1].size = 2;
    ktest_check(multiboot_init(MULTIBOOT_BOOTLOADER_MAGIC, mbi_phys) < 0,
                "entry with size 2 refused");
    map[1].size = 20;
    mbi.mmap_addr = 0x7FFFFFF0;
    ktest_check(multiboot_init(MULTIBOOT_BOOTLOADER_MAGIC, mbi_phys) < 0,
                "map beyond low memory refused");
    mbi.mmap_addr = map_phys;
    /* 0x10000001 modules of 16 bytes: the product wraps to 16 in 32 bits. */
    mbi.flags = MB_INFO_MMAP | MB_INFO_MODS;
    mbi.mods_addr = map_phys;
    mbi.mods_count = 0x10000001;
    ktest_check(multiboot_init(MULTIBOOT_BOOTLOADER_MAGIC, mbi_phys) < 0,
                "module count whose list size wraps refused");
    mbi.flags = MB_INFO_MMAP;

    int n;
    ktest_check(multiboot_init(MULTIBOOT_BOOTLOADER_MAGIC, mbi_phys) == 0,
                "well-formed map accepted");
    const struct mb_region *r = multiboot_regions(&n);
    ktest_check(n == 3 && r[1].base == 0x100000 && r[1].len == 0x700000 &&
                    r[2].type == MB_MEM_RESERVED,
                "its 3 entries read back (%d)", n);

    ktest_check(multiboot_init(kmain_boot_magic, kmain_boot_info) == 0,
                "real boot info accepted again");
    r = multiboot_regions(&n);
    int available = 0;
    for (int i = 0; i < n; i++)
        available += r[i].type == MB_MEM_AVAILABLE;
    ktest_check(available >= 2, "real map has %d available regions", available);
    multiboot_print();
}

void ktest_divzero(void)
{
    ktest_expect_panic("divide error");
    /* In C, dividing by zero is undefined and the compiler may drop it;
     * the div instruction itself raises #DE (vector 0). */
    volatile uint32_t zero = 0;
    uint32_t divisor = zero;
    __asm__ volatile("div %0" : : "r"(divisor), "a"(1), "d"(0));
}

void ktest_ud(void)
{
    ktest_expect_panic("invalid opcode");
    __asm__ volatile("ud2");
}

void ktest_pagefault(void)
{
    ktest_expect_panic("read of unmapped address 0");
    volatile uint32_t *null = 0;
    (void)*null;
}

void ktest_panic(void)
{
    ktest_expect_panic("explicit panic()");
    panic("ktest asked for a panic with value %d", 42);
}
