/* The kernel shell on the serial console. */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

/* Reads and runs commands forever. */
void shell_run(void) __attribute__((noreturn));

#endif
