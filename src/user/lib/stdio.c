/* printf and puts on top of the kernel's formatter (src/kernel/fmt.c).
 * Characters collect in a buffer on the stack and go out with write(1, ...)
 * when it fills and at the end, so a short line costs one system call. */
#include "kernel/fmt.h"
#include "libc.h"

#define PRINTF_BUF 256

struct out {
    char buf[PRINTF_BUF];
    size_t len;
};

static void flush(struct out *o)
{
    if (o->len > 0)
        write(1, o->buf, o->len);
    o->len = 0;
}

static void emit(char c, void *ctx)
{
    struct out *o = ctx;
    if (o->len == PRINTF_BUF)
        flush(o);
    o->buf[o->len++] = c;
}

int vprintf(const char *fmt, va_list ap)
{
    struct out o;
    o.len = 0;
    int n = fmt_vformat(emit, &o, fmt, ap);
    flush(&o);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    /* Through printf, so that the line and its newline go out together. */
    return printf("%s\n", s) >= 0 ? 0 : -1;
}
