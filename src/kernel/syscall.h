/* System calls: int 0x80 from ring 3 (numbers in src/kernel/abi.h). */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

/* Installs the int 0x80 gate (callable from ring 3) and the handlers. */
void syscall_init(void);

#endif
