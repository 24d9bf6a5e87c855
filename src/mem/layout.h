/* The kernel's address map (docs/01-boot.md): physical RAM is mapped at
 * phys + KERNEL_VMA, so converting between the two is an addition. */
#ifndef MEM_LAYOUT_H
#define MEM_LAYOUT_H

#define KERNEL_VMA 0xC0000000u
#define PAGE_SIZE  4096u
#define PAGE_SHIFT 12

#define PHYS_TO_VIRT(pa) ((void *)((unsigned long)(pa) + KERNEL_VMA))
#define VIRT_TO_PHYS(va) ((unsigned long)(va)-KERNEL_VMA)

/* Symbols from src/boot/linker.ld. */
extern char _kernel_start[], _text_end[], _kernel_end[];

#endif
