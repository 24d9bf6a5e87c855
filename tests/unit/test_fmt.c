/* Host tests of the kernel's formatter (src/kernel/fmt.c), checked against
 * the C library's snprintf where the two must agree. */
#include "unit.h"
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernel/fmt.h"

static char out[256], ref[256];

/* Formats with both and compares text and returned length. */
#define SAME_AS_LIBC(...)                                                                          \
    do {                                                                                           \
        int n1 = fmt_snprintf(out, sizeof out, __VA_ARGS__);                                       \
        int n2 = snprintf(ref, sizeof ref, __VA_ARGS__);                                           \
        ck_assert_str_eq(out, ref);                                                                \
        ck_assert_int_eq(n1, n2);                                                                  \
    } while (0)

START_TEST(test_integers)
{
    SAME_AS_LIBC("%d %d %d", 0, -1, 42);
    SAME_AS_LIBC("%d %d", INT_MAX, INT_MIN);
    SAME_AS_LIBC("%u %u", 0u, UINT_MAX);
    SAME_AS_LIBC("%x %X %x", 0xdeadbeefu, 0xdeadbeefu, 0u);
    SAME_AS_LIBC("%i", -12345);
    SAME_AS_LIBC("%ld %lu %lx", -5L, 5UL, 0xabcUL);
    SAME_AS_LIBC("%zu %zd", (size_t)123456, (ptrdiff_t)-9);
}
END_TEST

START_TEST(test_long_long)
{
    SAME_AS_LIBC("%llu", 18446744073709551615ULL);
    SAME_AS_LIBC("%lld %lld", LLONG_MIN, LLONG_MAX);
    SAME_AS_LIBC("%llx", 0x123456789abcdef0ULL);
    SAME_AS_LIBC("%016llx", 0x9fc00ULL);
}
END_TEST

START_TEST(test_width_and_padding)
{
    SAME_AS_LIBC("[%5d][%-5d][%05d]", 42, 42, 42);
    SAME_AS_LIBC("[%08x][%8x][%-8x]", 0xbeefu, 0xbeefu, 0xbeefu);
    SAME_AS_LIBC("[%05d]", -42);
    SAME_AS_LIBC("[%2d]", 12345); /* width smaller than the number */
    SAME_AS_LIBC("[%10s][%-10s]", "abc", "abc");
    SAME_AS_LIBC("[%*d][%-*d]", 6, 7, 6, 7);
    SAME_AS_LIBC("[%.3s][%.*s]", "abcdef", 2, "xyz");
    SAME_AS_LIBC("[%3c][%-3c]", 'a', 'b');
}
END_TEST

START_TEST(test_strings_chars_percent)
{
    SAME_AS_LIBC("%s|%c|%%|%s", "hello", 'x', "");
    const char *volatile null = NULL; /* volatile: hide it from -Wformat */
    fmt_snprintf(out, sizeof out, "%s", null);
    ck_assert_str_eq(out, "(null)");
}
END_TEST

START_TEST(test_pointer_full_width)
{
    fmt_snprintf(out, sizeof out, "%p", (void *)0x1234);
    /* Always 0x and every digit of the pointer, unlike glibc's %p. */
    char want[32];
    snprintf(want, sizeof want, "0x%0*lx", (int)(2 * sizeof(void *)), 0x1234UL);
    ck_assert_str_eq(out, want);
}
END_TEST

START_TEST(test_truncation)
{
    char small[6];
    int n = fmt_snprintf(small, sizeof small, "%s", "abcdefghij");
    ck_assert_int_eq(n, 10);          /* what it would have written */
    ck_assert_str_eq(small, "abcde"); /* always NUL-terminated */
    memset(small, 'Z', sizeof small);
    n = fmt_snprintf(small, 0, "%d", 123);
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(small[0], 'Z'); /* size 0: nothing written */
}
END_TEST

/* These formats are wrong on purpose; tell the compiler we know. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
START_TEST(test_malformed_formats)
{
    /* A trailing '%' and unknown conversions are shown, not skipped. */
    int n = fmt_snprintf(out, sizeof out, "100%");
    ck_assert_str_eq(out, "100%");
    ck_assert_int_eq(n, 4);
    fmt_snprintf(out, sizeof out, "%q%d", 7);
    ck_assert_str_eq(out, "%q7");
}
END_TEST
#pragma GCC diagnostic pop

struct counter {
    int calls;
    char last;
};

static void count_emit(char c, void *ctx)
{
    struct counter *k = ctx;
    k->calls++;
    k->last = c;
}

static int vformat_wrapper(struct counter *k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vformat(count_emit, k, fmt, ap);
    va_end(ap);
    return n;
}

START_TEST(test_callback_sees_every_char)
{
    struct counter k = {0, 0};
    int n = vformat_wrapper(&k, "%s=%04d\n", "pid", 7);
    ck_assert_int_eq(n, 9);
    ck_assert_int_eq(k.calls, 9);
    ck_assert_int_eq(k.last, '\n');
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fmt");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_integers);
    tcase_add_test(tc, test_long_long);
    tcase_add_test(tc, test_width_and_padding);
    tcase_add_test(tc, test_strings_chars_percent);
    tcase_add_test(tc, test_pointer_full_width);
    tcase_add_test(tc, test_truncation);
    tcase_add_test(tc, test_malformed_formats);
    tcase_add_test(tc, test_callback_sees_every_char);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
