/* The kernel's entry point and what the boot loader handed it. */
#ifndef KERNEL_KMAIN_H
#define KERNEL_KMAIN_H

#include <stdint.h>

/* The Multiboot magic and info address kmain() was called with. */
extern uint32_t kmain_boot_magic, kmain_boot_info;

/* Called by src/boot/boot.asm with paging on and the stack set up. */
void kmain(uint32_t magic, uint32_t info_phys);

#endif
