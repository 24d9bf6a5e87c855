/* COM1 serial port: polled output, interrupt-driven input (IRQ 4). */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include <stdbool.h>

/* Programs the UART: 115200 baud, 8N1, no FIFOs. Output works from here. */
void serial_init(void);
/* Registers the IRQ 4 handler and enables the receive interrupt. */
void serial_enable_input(void);
/* Sends one byte, waiting until the transmitter can take it. */
void serial_putc(char c);
/* Returns the next received byte, or -1 if none has arrived. */
int serial_trygetc(void);
/* Takes the first c waiting anywhere in the input, not only at its head
 * (the bytes after it keep their order); true if there was one. */
bool serial_take(char c);
/* Waits (halting the CPU between interrupts) for the next received byte. */
char serial_getc(void);

#endif
