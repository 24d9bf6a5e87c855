/* The kernel console: everything printed goes to both COM1 and the VGA screen. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

/* Sets up both consoles; safe to call before interrupts exist. */
void console_init(void);
/* Prints one character on both consoles (\n becomes \r\n on serial). */
void console_putc(char c);
/* printf to the console; see src/kernel/fmt.h for the conversions. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
