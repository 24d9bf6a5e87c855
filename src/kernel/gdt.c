/* Segmentation cannot be switched off in protected mode, so Pagoda makes it
 * do nothing: every code and data segment starts at 0 and spans 4 GiB, and
 * all protection comes from paging. What the segments still decide is the
 * privilege level (ring 0 or 3) of the code running in them.
 * Descriptor format: Intel SDM vol. 3A, 3.4.5; TSS: 7.2. */
#include "kernel/gdt.h"

#include <string.h>

#include "kernel/console.h"
#include "kernel/io.h"

struct gdt_entry {
    uint16_t limit_low;
    uint16_t base_low;
    uint8_t base_mid;
    uint8_t access;      /* P, DPL(2), S, type(4) */
    uint8_t granularity; /* G, D/B, L, AVL, limit_high(4) */
    uint8_t base_high;
} __attribute__((packed));

struct gdt_pointer {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

/* The 32-bit TSS. Pagoda switches tasks in software, so only ss0:esp0 (the
 * ring 0 stack) and the I/O map base matter. */
struct tss {
    uint32_t prev, esp0, ss0, esp1, ss1, esp2, ss2;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap_base;
} __attribute__((packed));

static struct gdt_entry gdt[6];
static struct tss tss;

#define ACCESS_PRESENT    0x80
#define ACCESS_RING3      0x60
#define ACCESS_CODE_DATA  0x10 /* S=1: code or data, not a system segment */
#define ACCESS_EXEC_READ  0x0A /* code, readable */
#define ACCESS_READ_WRITE 0x02 /* data, writable */
#define ACCESS_TSS32      0x09 /* available 32-bit TSS */
#define GRAN_4K_32BIT     0xC0 /* G=1 (limit in pages), D=1 (32-bit) */

static void set_entry(int i, uint32_t base, uint32_t limit, uint8_t access, uint8_t gran)
{
    gdt[i] = (struct gdt_entry){
        .limit_low = limit & 0xFFFF,
        .base_low = base & 0xFFFF,
        .base_mid = (base >> 16) & 0xFF,
        .access = access,
        .granularity = (uint8_t)(gran | ((limit >> 16) & 0x0F)),
        .base_high = (base >> 24) & 0xFF,
    };
}

void gdt_init(void)
{
    const uint8_t code = ACCESS_PRESENT | ACCESS_CODE_DATA | ACCESS_EXEC_READ;
    const uint8_t data = ACCESS_PRESENT | ACCESS_CODE_DATA | ACCESS_READ_WRITE;

    set_entry(0, 0, 0, 0, 0);                      /* the CPU requires a null entry */
    set_entry(1, 0, 0xFFFFF, code, GRAN_4K_32BIT); /* 0x08 kernel code */
    set_entry(2, 0, 0xFFFFF, data, GRAN_4K_32BIT); /* 0x10 kernel data */
    set_entry(3, 0, 0xFFFFF, code | ACCESS_RING3, GRAN_4K_32BIT); /* 0x18 user code */
    set_entry(4, 0, 0xFFFFF, data | ACCESS_RING3, GRAN_4K_32BIT); /* 0x20 user data */

    memset(&tss, 0, sizeof tss);
    tss.ss0 = GDT_KERNEL_DATA;
    tss.iomap_base = sizeof tss; /* no I/O permission bitmap: ring 3 gets no ports */
    set_entry(5, (uint32_t)&tss, sizeof tss - 1, ACCESS_PRESENT | ACCESS_TSS32, 0);

    struct gdt_pointer p = {sizeof gdt - 1, (uint32_t)gdt};
    __asm__ volatile("lgdt %0" : : "m"(p));
    /* New descriptors take effect only when a selector is loaded again: the
     * data registers by mov, CS by a far jump. */
    __asm__ volatile("mov %0, %%ds\n\t"
                     "mov %0, %%es\n\t"
                     "mov %0, %%fs\n\t"
                     "mov %0, %%gs\n\t"
                     "mov %0, %%ss\n\t"
                     "ljmp %1, $1f\n"
                     "1:"
                     :
                     : "r"(GDT_KERNEL_DATA), "i"(GDT_KERNEL_CODE)
                     : "memory");
    /* The task register: ltr marks the TSS descriptor busy (type 0x0B), so
     * the descriptor must be "available" (0x09) when it is loaded, as
     * set_entry wrote it just above. */
    __asm__ volatile("ltr %w0" : : "r"(GDT_TSS));
    /* The local descriptor table register. Pagoda has no LDT, but LDTR is
     * not empty by itself: after reset it holds a base of 0 and a limit of
     * 0xFFFF (SDM vol. 3A, table 10-1), and GRUB never changes it. A selector
     * with TI = 1 (bit 2) would then make the CPU read a descriptor from
     * linear address 8 * index, which is user memory: a program could write
     * a call gate there and far-call into its own code at CPL 0. Loading the
     * null selector makes every TI = 1 selector raise #GP (SDM vol. 3A,
     * 3.5.1). */
    __asm__ volatile("lldt %w0" : : "r"(0));
}

void tss_set_kernel_stack(uint32_t esp0)
{
    tss.esp0 = esp0;
}

void gdt_print(void)
{
    kprintf("gdt: GDT at %p, limit 0x%x (%u entries); TSS at %p: esp0 0x%08x at +4, ss0 at +8\n",
            (void *)gdt, (unsigned)sizeof gdt - 1, (unsigned)(sizeof gdt / sizeof gdt[0]),
            (void *)&tss, tss.esp0);
}
