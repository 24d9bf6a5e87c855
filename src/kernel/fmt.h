/* printf-style formatting, a pure core shared by the kernel's kprintf and the
 * host tests. Supports flags '-' and '0', a width (or '*'), a precision for
 * %s, the length modifiers l, ll and z, and the conversions
 * d i u x X p s c and %%. */
#ifndef KERNEL_FMT_H
#define KERNEL_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Called once per output character. */
typedef void (*fmt_emit_fn)(char c, void *ctx);

/* Formats into emit(); returns the number of characters produced. */
int fmt_vformat(fmt_emit_fn emit, void *ctx, const char *fmt, va_list ap);

/* Formats into buf (always NUL-terminated when size > 0); returns the length
 * the full output would have had, as C's snprintf does. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
