/* Host tests of lru-sim's command line (src/lab/cli.c), run in this
 * process with its input, output and errors in memory: the tables it
 * prints, and a clear message and a non-zero exit for each kind of bad
 * input. */
#include "unit.h"

#include <string.h>

#include "lab/cli.h"

static char *out_text, *err_text;
static int status;

/* Run lru-sim with these arguments (after the program name) and `input`
 * on its standard input. */
static void run(const char *input, int argc, const char **args)
{
    char *argv[16] = {"lru-sim"};
    size_t out_len, err_len;
    FILE *in = tmpfile();
    FILE *out = open_memstream(&out_text, &out_len);
    FILE *err = open_memstream(&err_text, &err_len);

    ck_assert(in && out && err && argc < 16);
    fputs(input, in);
    rewind(in);
    for (int i = 0; i < argc; i++)
        argv[i + 1] = (char *)args[i];
    free(out_text);
    free(err_text);
    status = lru_sim_main(argc + 1, argv, in, out, err);
    fclose(in);
    fclose(out);
    fclose(err);
}
#define RUN(input, ...)                                                                            \
    run(input, sizeof((const char *[]){__VA_ARGS__}) / sizeof(char *),                             \
        (const char *[]){__VA_ARGS__})

static void teardown(void)
{
    free(out_text);
    free(err_text);
    out_text = err_text = NULL;
}

static void expect_error(int want, const char *message)
{
    ck_assert_int_eq(status, want);
    ck_assert_msg(strstr(err_text, message), "expected '%s' in: %s", message, err_text);
    ck_assert_str_eq(out_text, "");
}

static const char belady[] = "1\n2\n3\n4\n1\n2\n5\n1\n2\n3\n4\n5\n";

START_TEST(table_and_csv)
{
    RUN(belady, "-f", "3,4", "-");
    ck_assert_int_eq(status, 0);
    ck_assert_str_eq(err_text, "");
    ck_assert_str_eq(out_text, "trace standard input: 12 references, 5 distinct pages\n"
                               "  frames        opt        lru       fifo      clock     kernel\n"
                               "       3          7         10          9          9          9\n"
                               "       4          6          8         10         10         10\n");
    RUN(belady, "--csv", "-p", "fifo,opt", "-f", "1,5", "-");
    ck_assert_int_eq(status, 0);
    ck_assert_str_eq(out_text, "frames,opt,fifo\n1,12,12\n5,5,5\n");
    /* By default, 1, 2, 4, ... up to the number of pages. */
    RUN(belady, "--csv", "-p", "lru", "-");
    ck_assert_str_eq(out_text, "frames,lru\n1,12\n2,12\n4,8\n8,5\n");
}
END_TEST

START_TEST(curve_for_every_size)
{
    RUN(belady, "--curve", "--csv", "-f", "4", "-");
    ck_assert_int_eq(status, 0);
    ck_assert_str_eq(out_text, "frames,opt,lru\n1,12,12\n2,9,12\n3,7,10\n4,6,8\n");
    /* Past the number of pages nothing changes: the curve stops there. */
    RUN(belady, "--curve", "--csv", "-p", "lru", "-f", "3,100", "-");
    ck_assert_int_eq(status, 0);
    ck_assert_str_eq(out_text, "frames,lru\n1,12\n2,12\n3,10\n4,8\n5,5\n");
}
END_TEST

START_TEST(help)
{
    RUN("", "-h");
    ck_assert_int_eq(status, 0);
    ck_assert(strstr(out_text, "usage: lru-sim"));
}
END_TEST

START_TEST(bad_trace_lines)
{
    RUN("1\nxyz\n", "-");
    expect_error(LRU_SIM_FAILED,
                 "lru-sim: standard input:2: not a hexadecimal page number: 'xyz'\n");
    RUN("1\n0x10\n", "-");
    expect_error(LRU_SIM_FAILED, ":2: not a hexadecimal page number: '0x10'");
    RUN("a\nb\n\nc\n", "-");
    expect_error(LRU_SIM_FAILED, "standard input:3: empty line");
    RUN("12345678901234567\n", "-");
    expect_error(LRU_SIM_FAILED, ":1: page number does not fit in 64 bits: '12345678901234567'");
    RUN("1\t\x01\n", "-");
    expect_error(LRU_SIM_FAILED, ":1: not a hexadecimal page number: '1\\x09\\x01'");
    RUN("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\n", "-");
    expect_error(LRU_SIM_FAILED, "'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz...'");
}
END_TEST

START_TEST(empty_or_missing_trace)
{
    RUN("", "-");
    expect_error(LRU_SIM_FAILED, "lru-sim: standard input: the trace is empty: no page numbers");
    RUN("", "/nonexistent/t.trace");
    expect_error(LRU_SIM_FAILED, "lru-sim: /nonexistent/t.trace: No such file or directory");
    RUN(belady);
    expect_error(LRU_SIM_USAGE, "no trace given");
    RUN(belady, "a", "b");
    expect_error(LRU_SIM_USAGE, "one trace at a time: 'a' and 'b'");
}
END_TEST

START_TEST(bad_options)
{
    RUN(belady, "-f", "0", "-");
    expect_error(LRU_SIM_USAGE, "lru-sim: -f: '0' is not a frame count (a whole number from 1 to");
    RUN(belady, "-f", "4,,8", "-");
    expect_error(LRU_SIM_USAGE, "-f: '' is not a frame count");
    RUN(belady, "-f", "4,x", "-");
    expect_error(LRU_SIM_USAGE, "-f: 'x' is not a frame count");
    RUN(belady, "-f", "99999999999", "-");
    expect_error(LRU_SIM_USAGE, "-f: '99999999999' is not a frame count");
    RUN(belady, "-f", "-1", "-");
    expect_error(LRU_SIM_USAGE, "-f: '-1' is not a frame count");
    RUN(belady, "-f");
    expect_error(LRU_SIM_USAGE, "-f needs a value");
    RUN(belady, "-p", "lru,lfu", "-");
    expect_error(LRU_SIM_USAGE,
                 "lru-sim: -p: unknown policy 'lfu' (the policies: opt, lru, fifo, clock, kernel)");
    RUN(belady, "-p", "", "-");
    expect_error(LRU_SIM_USAGE, "-p: unknown policy ''");
    RUN(belady, "--curve", "-p", "lru,clock", "-");
    expect_error(LRU_SIM_USAGE, "--curve: clock is not a stack algorithm");
    RUN(belady, "--frames", "-");
    expect_error(LRU_SIM_USAGE, "unknown option '--frames'");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lru_sim");
    TCase *tc = tcase_create("cli");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, table_and_csv);
    tcase_add_test(tc, curve_for_every_size);
    tcase_add_test(tc, help);
    tcase_add_test(tc, bad_trace_lines);
    tcase_add_test(tc, empty_or_missing_trace);
    tcase_add_test(tc, bad_options);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
