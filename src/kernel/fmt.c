/* The kernel's one formatter. It knows nothing about consoles: every character
 * goes through a callback, so kprintf() sends it to the screen and serial port
 * while fmt_snprintf() stores it in a buffer (and the host tests check it). */
#include "kernel/fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct spec {
    bool left; /* '-': pad on the right */
    bool zero; /* '0': pad numbers with zeros */
    int width;
    int precision; /* -1: none */
};

static int emit_padding(fmt_emit_fn emit, void *ctx, char c, int n)
{
    for (int i = 0; i < n; i++)
        emit(c, ctx);
    return n > 0 ? n : 0;
}

static int emit_string(fmt_emit_fn emit, void *ctx, const char *s, const struct spec *sp)
{
    if (!s)
        s = "(null)";
    int len = 0;
    while (s[len] && (sp->precision < 0 || len < sp->precision))
        len++;
    int n = 0;
    if (!sp->left)
        n += emit_padding(emit, ctx, ' ', sp->width - len);
    for (int i = 0; i < len; i++)
        emit(s[i], ctx);
    n += len;
    if (sp->left)
        n += emit_padding(emit, ctx, ' ', sp->width - len);
    return n;
}

/* Writes the digits of v in base (10 or 16) backwards into the end of buf and
 * returns where they start. 64-bit division here is what needs __udivdi3 in
 * the kernel (src/kernel/div64.c). */
static char *utoa(char *end, unsigned long long v, unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;
    do {
        *--p = digits[v % base];
        v /= base;
    } while (v);
    return p;
}

static int emit_number(fmt_emit_fn emit, void *ctx, unsigned long long v, bool negative,
                       unsigned base, bool upper, const char *prefix, const struct spec *sp)
{
    char buf[24];
    char *digits = utoa(buf + sizeof buf, v, base, upper);
    int ndigits = (int)(buf + sizeof buf - digits);
    int nprefix = 0;
    while (prefix[nprefix])
        nprefix++;
    int body = ndigits + nprefix + (negative ? 1 : 0);
    int pad = sp->width - body;
    int n = 0;

    if (!sp->left && !sp->zero)
        n += emit_padding(emit, ctx, ' ', pad);
    if (negative) {
        emit('-', ctx);
        n++;
    }
    for (int i = 0; i < nprefix; i++)
        emit(prefix[i], ctx);
    n += nprefix;
    if (!sp->left && sp->zero)
        n += emit_padding(emit, ctx, '0', pad);
    for (int i = 0; i < ndigits; i++)
        emit(digits[i], ctx);
    n += ndigits;
    if (sp->left)
        n += emit_padding(emit, ctx, ' ', pad);
    return n;
}

int fmt_vformat(fmt_emit_fn emit, void *ctx, const char *fmt, va_list ap)
{
    int n = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            emit(*p, ctx);
            n++;
            continue;
        }
        struct spec sp = {.precision = -1};
        for (;; p++) {
            if (p[1] == '-')
                sp.left = true;
            else if (p[1] == '0')
                sp.zero = true;
            else
                break;
        }
        if (p[1] == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = true;
                sp.width = -sp.width;
            }
            p++;
        }
        while (p[1] >= '0' && p[1] <= '9')
            sp.width = sp.width * 10 + (*++p - '0');
        if (p[1] == '.') {
            p++;
            sp.precision = 0;
            if (p[1] == '*') {
                sp.precision = va_arg(ap, int);
                p++;
            }
            while (p[1] >= '0' && p[1] <= '9')
                sp.precision = sp.precision * 10 + (*++p - '0');
        }
        int longs = 0; /* 1: l, 2: ll, 3: z */
        if (p[1] == 'l') {
            longs = 1;
            p++;
            if (p[1] == 'l') {
                longs = 2;
                p++;
            }
        } else if (p[1] == 'z') {
            longs = 3;
            p++;
        }

        char conv = *++p;
        unsigned long long u;
        long long s;
        switch (conv) {
        case 'd':
        case 'i':
            if (longs == 2)
                s = va_arg(ap, long long);
            else if (longs == 1)
                s = va_arg(ap, long);
            else if (longs == 3)
                s = (long long)va_arg(ap, ptrdiff_t);
            else
                s = va_arg(ap, int);
            /* Negate as unsigned so that the most negative value works. */
            u = s < 0 ? 0ULL - (unsigned long long)s : (unsigned long long)s;
            n += emit_number(emit, ctx, u, s < 0, 10, false, "", &sp);
            break;
        case 'u':
        case 'x':
        case 'X':
            if (longs == 2)
                u = va_arg(ap, unsigned long long);
            else if (longs == 1)
                u = va_arg(ap, unsigned long);
            else if (longs == 3)
                u = va_arg(ap, size_t);
            else
                u = va_arg(ap, unsigned int);
            n += emit_number(emit, ctx, u, false, conv == 'u' ? 10 : 16, conv == 'X', "", &sp);
            break;
        case 'p':
            /* Pointers are always shown in full: 0x + 8 digits on i386. */
            sp.zero = true;
            sp.width = (int)(2 + 2 * sizeof(void *));
            n += emit_number(emit, ctx, (uintptr_t)va_arg(ap, void *), false, 16, false, "0x", &sp);
            break;
        case 's':
            n += emit_string(emit, ctx, va_arg(ap, const char *), &sp);
            break;
        case 'c': {
            char c[2] = {(char)va_arg(ap, int), 0};
            sp.precision = 1;
            n += emit_string(emit, ctx, c, &sp);
            break;
        }
        case '%':
            emit('%', ctx);
            n++;
            break;
        case '\0':
            /* A lone '%' at the end: print it rather than read past the string. */
            emit('%', ctx);
            return n + 1;
        default:
            /* Unknown conversion: show it as written so the mistake is visible. */
            emit('%', ctx);
            emit(conv, ctx);
            n += 2;
            break;
        }
    }
    return n;
}

struct buf_ctx {
    char *buf;
    size_t size;
    size_t len;
};

static void buf_emit(char c, void *ctx)
{
    struct buf_ctx *b = ctx;
    if (b->len + 1 < b->size)
        b->buf[b->len] = c;
    b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buf_ctx b = {buf, size, 0};
    int n = fmt_vformat(buf_emit, &b, fmt, ap);
    if (size > 0)
        buf[b.len < size ? b.len : size - 1] = '\0';
    return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
