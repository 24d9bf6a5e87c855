/* Host tests of the kernel command-line parser (src/kernel/cmdline.c). */
#include "unit.h"
#include <string.h>

#include "kernel/cmdline.h"

static const char *const tests[] = {"boot", "buddy", NULL};
static const char *const points[] = {"gdt", "paging", "switch", NULL};
static struct cmdline_opt opts[3];
static struct cmdline_error errs[8];

static void setup(void)
{
    memset(opts, 0, sizeof opts);
    opts[0] = (struct cmdline_opt){.key = "test", .choices = tests};
    opts[1] = (struct cmdline_opt){.key = "break", .choices = points, .list = true};
    opts[2] = (struct cmdline_opt){.key = "swap"}; /* any value */
    memset(errs, 0, sizeof errs);
}

static int parse(const char *line, bool skip_first)
{
    return cmdline_parse(line, skip_first, opts, 3, errs, 8);
}

START_TEST(test_empty_and_null)
{
    ck_assert_int_eq(parse("", false), 0);
    ck_assert_int_eq(parse("   \t ", false), 0);
    ck_assert_int_eq(parse(NULL, false), 0);
    ck_assert(!opts[0].set && !opts[1].set && !opts[2].set);
}
END_TEST

START_TEST(test_values_are_stored)
{
    ck_assert_int_eq(parse("test=buddy break=gdt,switch swap=hda,1", false), 0);
    ck_assert(opts[0].set);
    ck_assert_str_eq(opts[0].value, "buddy");
    ck_assert_str_eq(opts[1].value, "gdt,switch");
    ck_assert_str_eq(opts[2].value, "hda,1");
}
END_TEST

START_TEST(test_first_word_is_the_path_only_when_told)
{
    ck_assert_int_eq(parse("build/clang/kernel.elf test=boot", true), 0);
    ck_assert_str_eq(opts[0].value, "boot");
    /* Without skip_first a bare word is an error, not silently dropped. */
    ck_assert_int_eq(parse("kernel.elf test=boot", false), 1);
    ck_assert_int_eq(errs[0].kind, CMDLINE_NO_VALUE);
    ck_assert_str_eq(errs[0].word, "kernel.elf");
    /* With skip_first, only the first word is skipped. */
    ck_assert_int_eq(parse("kernel.elf quiet", true), 1);
    ck_assert_str_eq(errs[0].word, "quiet");
}
END_TEST

START_TEST(test_unknown_key)
{
    ck_assert_int_eq(parse("frob=1 test=boot", false), 1);
    ck_assert_int_eq(errs[0].kind, CMDLINE_UNKNOWN_KEY);
    ck_assert_str_eq(errs[0].word, "frob=1");
    ck_assert_str_eq(opts[0].value, "boot"); /* the rest still parsed */
}
END_TEST

START_TEST(test_prefix_of_key_is_not_the_key)
{
    ck_assert_int_eq(parse("tes=boot testx=boot", false), 2);
    ck_assert_int_eq(errs[0].kind, CMDLINE_UNKNOWN_KEY);
    ck_assert_int_eq(errs[1].kind, CMDLINE_UNKNOWN_KEY);
    ck_assert(!opts[0].set);
}
END_TEST

START_TEST(test_bad_choices)
{
    ck_assert_int_eq(parse("test=boo", false), 1);
    ck_assert_int_eq(errs[0].kind, CMDLINE_BAD_VALUE);
    ck_assert_int_eq(parse("test=bootx", false), 1);
    ck_assert_int_eq(parse("test=", false), 1);
    ck_assert_int_eq(parse("break=gdt,nowhere", false), 1);
    ck_assert_str_eq(errs[0].word, "break=gdt,nowhere");
    ck_assert(!opts[1].set);
    ck_assert_int_eq(parse("break=gdt,", false), 1); /* empty item */
    ck_assert_int_eq(parse("break=,gdt", false), 1);
    ck_assert_int_eq(parse("test=boot,buddy", false), 1); /* not a list option */
}
END_TEST

START_TEST(test_duplicate_key)
{
    ck_assert_int_eq(parse("test=boot test=buddy", false), 1);
    ck_assert_int_eq(errs[0].kind, CMDLINE_DUPLICATE);
    ck_assert_str_eq(opts[0].value, "boot"); /* the first one stands */
}
END_TEST

START_TEST(test_too_long)
{
    char line[200] = "swap=";
    memset(line + 5, 'x', 100);
    ck_assert_int_eq(parse(line, false), 1);
    ck_assert_int_eq(errs[0].kind, CMDLINE_TOO_LONG);
    ck_assert_uint_eq(strlen(errs[0].word), CMDLINE_VALUE_MAX - 1); /* truncated copy */
    ck_assert(!opts[2].set);
}
END_TEST

/* "swap=" used to be taken as set, with an empty value that meant the
 * default: an option given with no value is an error, whatever the key. */
START_TEST(test_empty_value)
{
    ck_assert_int_eq(parse("swap= test= break=", false), 3);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(errs[i].kind, CMDLINE_EMPTY_VALUE);
    ck_assert_str_eq(errs[0].word, "swap=");
    ck_assert(!opts[0].set && !opts[1].set && !opts[2].set);
    ck_assert_str_eq(cmdline_error_text(CMDLINE_EMPTY_VALUE), "empty value");
}
END_TEST

START_TEST(test_error_count_beyond_buffer)
{
    ck_assert_int_eq(cmdline_parse("a b c d e", false, opts, 3, errs, 2), 5);
    ck_assert_str_eq(errs[0].word, "a");
    ck_assert_str_eq(errs[1].word, "b");
}
END_TEST

START_TEST(test_has)
{
    parse("break=gdt,switch", false);
    ck_assert(cmdline_has(&opts[1], "gdt"));
    ck_assert(cmdline_has(&opts[1], "switch"));
    ck_assert(!cmdline_has(&opts[1], "paging"));
    ck_assert(!cmdline_has(&opts[1], "gd"));
    ck_assert(!cmdline_has(&opts[0], "boot")); /* not set */
}
END_TEST

START_TEST(test_error_texts)
{
    for (int k = CMDLINE_UNKNOWN_KEY; k <= CMDLINE_EMPTY_VALUE; k++)
        ck_assert_str_ne(cmdline_error_text(k), "?");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cmdline");
    TCase *tc = tcase_create("parse");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_empty_and_null);
    tcase_add_test(tc, test_values_are_stored);
    tcase_add_test(tc, test_first_word_is_the_path_only_when_told);
    tcase_add_test(tc, test_unknown_key);
    tcase_add_test(tc, test_prefix_of_key_is_not_the_key);
    tcase_add_test(tc, test_bad_choices);
    tcase_add_test(tc, test_duplicate_key);
    tcase_add_test(tc, test_too_long);
    tcase_add_test(tc, test_empty_value);
    tcase_add_test(tc, test_error_count_beyond_buffer);
    tcase_add_test(tc, test_has);
    tcase_add_test(tc, test_error_texts);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
