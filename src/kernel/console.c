#include "kernel/console.h"

#include <stdarg.h>

#include "kernel/fmt.h"
#include "kernel/io.h"
#include "kernel/serial.h"
#include "kernel/vga.h"

void console_init(void)
{
    serial_init();
    vga_init();
}

void console_putc(char c)
{
    /* A terminal in raw mode needs the carriage return too. */
    if (c == '\n')
        serial_putc('\r');
    serial_putc(c);
    vga_putc(c);
}

static void console_emit(char c, void *ctx)
{
    (void)ctx;
    console_putc(c);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* One line at a time from an interrupt handler and from the shell would
     * interleave character by character; keep each call whole. */
    uint32_t flags = irq_save();
    int n = fmt_vformat(console_emit, 0, fmt, ap);
    irq_restore(flags);
    va_end(ap);
    return n;
}
