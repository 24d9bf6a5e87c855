/* The kernel shell on the serial console. */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

/* Runs one command line (split in place at spaces), as if typed. */
void shell_execute(char *line);
/* Reads and runs commands forever. */
void shell_run(void) __attribute__((noreturn));

#endif
