/* The global descriptor table: flat segments for ring 0 and ring 3, and the
 * task-state segment that tells the CPU which stack to use on entry to ring 0. */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H

#include <stdint.h>

/* Selectors: index * 8, plus the requested privilege level in the low bits. */
#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_CODE   (0x18 | 3)
#define GDT_USER_DATA   (0x20 | 3)
#define GDT_TSS         0x28

/* Builds and loads the GDT, reloads every segment register, loads the TSS. */
void gdt_init(void);
/* Sets the stack the CPU switches to on an interrupt from ring 3. */
void tss_set_kernel_stack(uint32_t esp0);
/* Prints where the GDT and the TSS are, for the recipes under break=gdt and
 * break=switch (docs/02-gdt.md, docs/08-user-mode.md). */
void gdt_print(void);

#endif
