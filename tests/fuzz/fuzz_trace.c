/* libFuzzer target for the trace parser of the page-replacement lab
 * (src/lab/trace.c), and for the simulators behind it.
 *
 * The input is the text of a trace. The target splits it into lines
 * itself and decides each line plainly (digits, then value), then checks:
 *   - a text whose lines are all page numbers is accepted, with one
 *     reference per line, each one's page number the line's value, and
 *     ids handed out in order of first touch; a text with no line is
 *     refused as empty;
 *   - otherwise the error names the first bad line, the right reason, the
 *     line's length and its first bytes, and the references before it are
 *     kept;
 *   - on an accepted trace, for a few frame counts: no policy faults less
 *     than OPT or less than once per page, none more than once per
 *     reference, and the one-pass curves of LRU and OPT equal their runs.
 * Any violation abort()s. */
#include "fuzz.h"

#include "lab/sim.h"
#include "lab/stack.h"
#include "lab/trace.h"

/* How the target reads line s[0..len): TRACE_OK with *value, or why not. */
static int judge_line(const uint8_t *s, size_t len, uint64_t *value)
{
    size_t digits = 0;
    uint64_t v = 0;

    if (len == 0)
        return TRACE_E_EMPTY_LINE;
    for (size_t i = 0; i < len; i++) {
        const char *hex = "0123456789abcdef0123456789ABCDEF";
        const char *d = s[i] ? strchr(hex, s[i]) : NULL;
        if (!d)
            return TRACE_E_NOT_HEX;
        int digit = (int)((d - hex) % 16);
        if (digits > 0 || digit != 0)
            digits++;
        v = v * 16 + (uint64_t)digit;
    }
    if (digits > 16)
        return TRACE_E_TOO_BIG;
    *value = v;
    return TRACE_OK;
}

static void check_error(const struct trace_error *e, int status, uint32_t line, const uint8_t *s,
                        size_t len)
{
    size_t keep = len < TRACE_EXCERPT ? len : TRACE_EXCERPT;
    if (e->status != status || e->line != line)
        FAIL("error '%s' on line %u, expected '%s' on line %u", trace_status_text(e->status),
             e->line, trace_status_text(status), line);
    if (e->len != len || memcmp(e->excerpt, s, keep) != 0 || e->excerpt[keep] != '\0')
        FAIL("line %u: the error does not hold the line's length and first bytes", line);
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* No two ids for one page number (each reference already has its own
 * line's page number): the numbers of the ids, sorted, all differ. */
static void check_ids_distinct(const struct trace *t)
{
    uint64_t *sorted = malloc((t->npages + 1) * sizeof *sorted);
    if (!sorted)
        abort();
    memcpy(sorted, t->page, t->npages * sizeof *sorted);
    qsort(sorted, t->npages, sizeof *sorted, by_value);
    for (uint32_t i = 1; i < t->npages; i++)
        if (sorted[i] == sorted[i - 1])
            FAIL("page %llx has two ids", (unsigned long long)sorted[i]);
    free(sorted);
}

/* The policies on an accepted trace, at a few frame counts. */
static void check_policies(const struct trace *t)
{
    static const uint32_t sizes[] = {1, 2, 3, 5, 8};
    uint64_t curve[2][9];

    if (stack_curve_lru(t, 8, curve[0]) || stack_curve_opt(t, 8, curve[1]))
        FAIL("a one-pass curve failed");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint64_t faults[SIM_NR_POLICIES];
        for (int p = 0; p < SIM_NR_POLICIES; p++) {
            if (sim_run((enum sim_policy)p, t, sizes[i], &faults[p]))
                FAIL("%s failed", sim_policy_name((enum sim_policy)p));
            if (faults[p] < t->npages || faults[p] > t->n)
                FAIL("%s: %llu faults for %u pages, %u references",
                     sim_policy_name((enum sim_policy)p), (unsigned long long)faults[p], t->npages,
                     t->n);
            if (faults[p] < faults[SIM_OPT])
                FAIL("%s beats OPT with %u frames", sim_policy_name((enum sim_policy)p), sizes[i]);
        }
        if (faults[SIM_LRU] != curve[0][sizes[i]] || faults[SIM_OPT] != curve[1][sizes[i]])
            FAIL("the one-pass curve disagrees with a run at %u frames", sizes[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct trace t;
    struct trace_error e;
    uint32_t line = 0, newest = 0;
    size_t start = 0;

    trace_init(&t);
    int rc = trace_parse(&t, (const char *)data, size, &e);
    while (start < size) {
        const uint8_t *nl = memchr(data + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - data) : size;
        uint64_t value = 0;
        int status = judge_line(data + start, end - start, &value);
        line++;
        if (status != TRACE_OK) {
            if (rc == 0)
                FAIL("line %u is bad ('%s') but the trace was accepted", line,
                     trace_status_text(status));
            check_error(&e, status, line, data + start, end - start);
            if (t.n != line - 1)
                FAIL("%u references kept before bad line %u", t.n, line);
            trace_free(&t);
            return 0;
        }
        if (rc == 0 || line <= t.n) {
            if (line > t.n || t.page[t.ref[line - 1]] != value)
                FAIL("reference %u is not the page number on its line", line);
            if (t.ref[line - 1] > newest)
                FAIL("reference %u has id %u, past the next new one %u", line, t.ref[line - 1],
                     newest);
            newest += t.ref[line - 1] == newest;
        }
        start = end + 1;
    }
    if (line == 0) {
        if (rc == 0)
            FAIL("a text with no line was accepted");
        check_error(&e, TRACE_E_NO_REFS, 0, data, 0);
    } else {
        if (rc != 0)
            FAIL("every line is good, but the parse failed: '%s' on line %u",
                 trace_status_text(e.status), e.line);
        if (t.n != line || t.npages != newest)
            FAIL("%u references and %u pages, expected %u and %u", t.n, t.npages, line, newest);
        check_ids_distinct(&t);
        check_policies(&t);
    }
    trace_free(&t);
    return 0;
}
