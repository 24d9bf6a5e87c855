/* The kernel's address map (docs/01-boot.md): physical RAM is mapped at
 * phys + KERNEL_VMA, so converting between the two is an addition. */
#ifndef MEM_LAYOUT_H
#define MEM_LAYOUT_H

#define KERNEL_VMA 0xC0000000u
#define PAGE_SIZE  4096u
#define PAGE_SHIFT 12

/* How much physical memory the kernel maps at KERNEL_VMA: the first 896 MiB.
 * RAM above it ("high memory") is still allocated, to uses that do not need a
 * permanent kernel mapping (user pages); the top 128 MiB of the address space
 * stay free for mappings the kernel makes on demand. */
#define DIRECT_MAP_SIZE 0x38000000u
#define DIRECT_MAP_PFNS (DIRECT_MAP_SIZE >> PAGE_SHIFT)

#define PHYS_TO_VIRT(pa) ((void *)((unsigned long)(pa) + KERNEL_VMA))
#define VIRT_TO_PHYS(va) ((unsigned long)(va)-KERNEL_VMA)

/* Symbols from src/boot/linker.ld. */
extern char _kernel_start[], _text_end[], _data_start[], _kernel_end[];

#endif
