/* Host tests of the page-replacement lab (src/lab/): the trace parser,
 * the policies on reference strings with known fault counts, every policy
 * against a brute-force version written plainly here, the one-pass curves
 * against runs at each size, and the kernel's lru.c inside the simulator. */
#include "unit.h"

#include <errno.h>
#include <string.h>

#include "lab/sim.h"
#include "lab/stack.h"
#include "lab/trace.h"

/* ---- the trace parser --------------------------------------------------- */

static struct trace t;

static void setup(void)
{
    trace_init(&t);
}

static void teardown(void)
{
    trace_free(&t);
}

static int parse(const char *text, struct trace_error *e)
{
    trace_free(&t);
    return trace_parse(&t, text, strlen(text), e);
}

START_TEST(parse_page_numbers)
{
    struct trace_error e;
    ck_assert_int_eq(parse("0\nA\nff\nFFFFFFFFFFFFFFFF\n0000000000000000000001\nfF\n", &e), 0);
    ck_assert_uint_eq(t.n, 6);
    ck_assert_uint_eq(t.npages, 5);
    const uint64_t want[] = {0, 0xa, 0xff, UINT64_MAX, 1, 0xff};
    for (uint32_t i = 0; i < t.n; i++)
        ck_assert_uint_eq(t.page[t.ref[i]], want[i]);
    ck_assert_uint_eq(t.ref[5], 2); /* ids in order of first touch */

    ck_assert_int_eq(parse("1\n2", &e), 0); /* no '\n' at the end */
    ck_assert_uint_eq(t.n, 2);
}
END_TEST

static void expect_error(const char *text, int status, uint32_t line, const char *excerpt)
{
    struct trace_error e;
    ck_assert_int_eq(parse(text, &e), -EINVAL);
    ck_assert_msg(e.status == status, "'%s': %s", text, trace_status_text(e.status));
    ck_assert_uint_eq(e.line, line);
    ck_assert_str_eq(e.excerpt, excerpt);
}

START_TEST(parse_errors_name_the_line)
{
    expect_error("", TRACE_E_NO_REFS, 0, "");
    expect_error("\n", TRACE_E_EMPTY_LINE, 1, "");
    expect_error("1\n\n2\n", TRACE_E_EMPTY_LINE, 2, "");
    ck_assert_uint_eq(t.n, 1); /* the lines before it */
    expect_error("1\n0x5\n", TRACE_E_NOT_HEX, 2, "0x5");
    expect_error("1\r\n", TRACE_E_NOT_HEX, 1, "1\r");
    expect_error(" 1\n", TRACE_E_NOT_HEX, 1, " 1");
    expect_error("1\n2\ng\n", TRACE_E_NOT_HEX, 3, "g");
    expect_error("-1\n", TRACE_E_NOT_HEX, 1, "-1");
    expect_error("10000000000000000\n", TRACE_E_TOO_BIG, 1, "10000000000000000");
    /* Too big and not a number: not a number. */
    expect_error("10000000000000000g\n", TRACE_E_NOT_HEX, 1, "10000000000000000g");

    /* A long line is kept in part; the error still knows its length. */
    char text[200];
    memset(text, 'z', 100);
    text[100] = '\0';
    struct trace_error e;
    ck_assert_int_eq(parse(text, &e), -EINVAL);
    ck_assert_uint_eq(e.len, 100);
    ck_assert_uint_eq(strlen(e.excerpt), TRACE_EXCERPT);

    for (int s = TRACE_OK; s <= TRACE_E_NOMEM; s++)
        ck_assert_str_ne(trace_status_text(s), "unknown error");
}
END_TEST

/* Many distinct pages: the table grows and every id still finds its page. */
START_TEST(many_distinct_pages)
{
    uint64_t rng = 7;
    for (int i = 0; i < 20000; i++)
        ck_assert_int_eq(trace_add(&t, unit_random(&rng) % 5000 * 0x1000000001ull), 0);
    ck_assert_uint_eq(t.n, 20000);
    rng = 7;
    uint32_t newest = 0;
    for (uint32_t i = 0; i < t.n; i++) {
        expect_uint_eq(t.page[t.ref[i]], unit_random(&rng) % 5000 * 0x1000000001ull);
        expect_uint_le(t.ref[i], newest); /* a new page gets the next id */
        newest = t.ref[i] == newest ? newest + 1 : newest;
    }
    expect_uint_eq(t.npages, newest);
    expect_uint_le(2 * t.npages, t.nslots);
}
END_TEST

/* ---- known fault counts ------------------------------------------------- */

static uint64_t faults_of(enum sim_policy p, const char *refs, uint32_t frames)
{
    struct trace_error e;
    uint64_t faults;
    ck_assert_int_eq(parse(refs, &e), 0);
    ck_assert_int_eq(sim_run(p, &t, frames, &faults), 0);
    return faults;
}

static const char belady[] = "1\n2\n3\n4\n1\n2\n5\n1\n2\n3\n4\n5\n";
/* The string of Silberschatz, Galvin and Gagne's textbook. */
static const char textbook[] = "7\n0\n1\n2\n0\n3\n0\n4\n2\n3\n0\n3\n2\n1\n2\n0\n1\n7\n0\n1\n";

START_TEST(known_fault_counts)
{
    /* Belady's anomaly: FIFO faults more with 4 frames than with 3. */
    ck_assert_uint_eq(faults_of(SIM_FIFO, belady, 3), 9);
    ck_assert_uint_eq(faults_of(SIM_FIFO, belady, 4), 10);
    /* The stack algorithms cannot do that. */
    ck_assert_uint_eq(faults_of(SIM_LRU, belady, 3), 10);
    ck_assert_uint_eq(faults_of(SIM_LRU, belady, 4), 8);
    ck_assert_uint_eq(faults_of(SIM_OPT, belady, 3), 7);
    ck_assert_uint_eq(faults_of(SIM_OPT, belady, 4), 6);
    /* CLOCK, worked by hand in docs/11-page-replacement.md */
    ck_assert_uint_eq(faults_of(SIM_CLOCK, belady, 3), 9);
    ck_assert_uint_eq(faults_of(SIM_CLOCK, belady, 4), 10);
    ck_assert_uint_eq(faults_of(SIM_KERNEL, belady, 3), 9);

    /* docs/11-page-replacement.md, exercise 4: FIFO on the textbook string
     * with 1 to 6 frames never takes more faults with more frames. */
    ck_assert_uint_eq(faults_of(SIM_FIFO, textbook, 1), 20);
    ck_assert_uint_eq(faults_of(SIM_FIFO, textbook, 2), 15);
    ck_assert_uint_eq(faults_of(SIM_FIFO, textbook, 3), 15);
    ck_assert_uint_eq(faults_of(SIM_FIFO, textbook, 4), 10);
    ck_assert_uint_eq(faults_of(SIM_FIFO, textbook, 5), 9);
    ck_assert_uint_eq(faults_of(SIM_LRU, textbook, 3), 12);
    ck_assert_uint_eq(faults_of(SIM_OPT, textbook, 3), 9);

    /* Frames enough for every page: one fault per page. */
    for (int p = 0; p < SIM_NR_POLICIES; p++)
        ck_assert_uint_eq(faults_of((enum sim_policy)p, textbook, 6), 6);
    uint64_t faults;
    ck_assert_int_eq(sim_run(SIM_LRU, &t, 0, &faults), -EINVAL);
    ck_assert_int_eq(sim_run(SIM_NR_POLICIES, &t, 3, &faults), -EINVAL);
}
END_TEST

START_TEST(policy_names)
{
    enum sim_policy p;
    for (int i = 0; i < SIM_NR_POLICIES; i++) {
        ck_assert_int_eq(sim_policy_parse(sim_policy_name((enum sim_policy)i), &p), 0);
        ck_assert_int_eq(p, i);
    }
    ck_assert_int_eq(sim_policy_parse("lfu", &p), -EINVAL);
    ck_assert_int_eq(sim_policy_parse("", &p), -EINVAL);
    ck_assert_str_eq(sim_policy_name(SIM_NR_POLICIES), "?");
}
END_TEST

/* ---- brute force -------------------------------------------------------- */

#define MAX_REFS  100
#define MAX_PAGES 12

/* Every policy the slow, obvious way: the frames are an array searched
 * from end to end, and OPT looks ahead through the rest of the trace. */
static uint64_t brute(enum sim_policy p, const uint32_t *ref, uint32_t n, uint32_t frames)
{
    uint32_t page[MAX_PAGES], loaded[MAX_PAGES], last_use[MAX_PAGES];
    bool bit[MAX_PAGES];
    uint32_t used = 0, hand = 0;
    uint64_t faults = 0;

    for (uint32_t i = 0; i < n; i++) {
        uint32_t f = 0;
        while (f < used && page[f] != ref[i])
            f++;
        if (f < used) {
            last_use[f] = i;
            bit[f] = true;
            continue;
        }
        faults++;
        if (used < frames) {
            f = used++;
        } else if (p == SIM_OPT) {
            uint32_t farthest = 0;
            for (uint32_t g = 0; g < frames; g++) {
                uint32_t next = i + 1;
                while (next < n && ref[next] != page[g])
                    next++;
                if (next > farthest) {
                    farthest = next;
                    f = g;
                }
            }
        } else if (p == SIM_LRU || p == SIM_FIFO) {
            const uint32_t *age = p == SIM_LRU ? last_use : loaded;
            f = 0;
            for (uint32_t g = 1; g < frames; g++)
                if (age[g] < age[f])
                    f = g;
        } else { /* SIM_CLOCK */
            while (bit[hand]) {
                bit[hand] = false;
                hand = (hand + 1) % frames;
            }
            f = hand;
            hand = (hand + 1) % frames;
        }
        page[f] = ref[i];
        loaded[f] = last_use[f] = i;
        bit[f] = true;
    }
    return faults;
}

/* A random trace of up to MAX_REFS references to up to MAX_PAGES pages,
 * sometimes with strong locality, with page numbers spread over 64 bits. */
static void random_trace(uint64_t *rng, uint32_t *ref, uint32_t *n)
{
    uint32_t pages = 1 + (uint32_t)(unit_random(rng) % MAX_PAGES);
    bool local = unit_random(rng) % 2;
    uint32_t x = 0;
    *n = 1 + (uint32_t)(unit_random(rng) % MAX_REFS);
    trace_free(&t);
    for (uint32_t i = 0; i < *n; i++) {
        if (!local || unit_random(rng) % 4 == 0)
            x = (uint32_t)(unit_random(rng) % pages);
        ref[i] = x;
        ck_assert_int_eq(trace_add(&t, x * 0x9E3779B97F4A7C15ull), 0);
    }
}

START_TEST(every_policy_matches_brute_force)
{
    uint64_t rng = 2024;
    uint32_t ref[MAX_REFS], n;
    for (int round = 0; round < 150; round++) {
        random_trace(&rng, ref, &n);
        for (uint32_t frames = 1; frames <= t.npages + 1; frames++) {
            for (int p = SIM_OPT; p <= SIM_CLOCK; p++) {
                uint64_t faults;
                ck_assert_int_eq(sim_run((enum sim_policy)p, &t, frames, &faults), 0);
                expect_msg(faults == brute((enum sim_policy)p, ref, n, frames),
                           "%s, %u frames, round %d: %ju faults, brute force %ju",
                           sim_policy_name((enum sim_policy)p), frames, round, (uintmax_t)faults,
                           (uintmax_t)brute((enum sim_policy)p, ref, n, frames));
            }
        }
    }
}
END_TEST

/* Mattson's one pass gives, for every frame count at once, what a run at
 * that frame count gives. */
START_TEST(one_pass_curves_match_runs)
{
    uint64_t rng = 1970;
    uint32_t ref[MAX_REFS], n;
    uint64_t curve[MAX_PAGES + 3];
    for (int round = 0; round < 300; round++) {
        random_trace(&rng, ref, &n);
        /* Sometimes a curve shorter than the pages, sometimes longer. */
        uint32_t max = 1 + (uint32_t)(unit_random(&rng) % (t.npages + 2));
        for (int p = SIM_OPT; p <= SIM_LRU; p++) {
            int rc =
                p == SIM_LRU ? stack_curve_lru(&t, max, curve) : stack_curve_opt(&t, max, curve);
            ck_assert_int_eq(rc, 0);
            expect_uint_eq(curve[0], n);
            for (uint32_t f = 1; f <= max; f++) {
                uint64_t faults;
                ck_assert_int_eq(sim_run((enum sim_policy)p, &t, f, &faults), 0);
                expect_msg(curve[f] == faults, "%s, %u frames, round %d: %ju in one pass, %ju",
                           sim_policy_name((enum sim_policy)p), f, round, (uintmax_t)curve[f],
                           (uintmax_t)faults);
            }
        }
    }
    ck_assert_int_eq(stack_curve_lru(&t, 0, curve), -EINVAL);
    ck_assert_int_eq(stack_curve_opt(&t, 0, curve), -EINVAL);
}
END_TEST

/* The kernel policy is src/mem/lru.c itself, the file the kernel links.
 * Its CLOCK and FIFO are the textbook ones: they agree with the lab's
 * frame-array versions at every size. Every fault past the first `frames`
 * took a victim through lru_take_victim. */
START_TEST(the_kernel_lists_in_the_simulator)
{
    uint64_t rng = 13;
    uint32_t ref[MAX_REFS], n;
    for (int round = 0; round < 150; round++) {
        random_trace(&rng, ref, &n);
        for (uint32_t frames = 1; frames <= t.npages + 1; frames++) {
            uint64_t mine, core;
            struct lru counters;
            ck_assert_int_eq(sim_run(SIM_CLOCK, &t, frames, &mine), 0);
            ck_assert_int_eq(sim_run_lru_core(LRU_CLOCK, &t, frames, &core, NULL), 0);
            expect_uint_eq(core, mine);
            ck_assert_int_eq(sim_run(SIM_FIFO, &t, frames, &mine), 0);
            ck_assert_int_eq(sim_run_lru_core(LRU_FIFO, &t, frames, &core, NULL), 0);
            expect_uint_eq(core, mine);

            ck_assert_int_eq(sim_run(SIM_KERNEL, &t, frames, &mine), 0);
            ck_assert_int_eq(sim_run_lru_core(LRU_TWO_LIST, &t, frames, &core, &counters), 0);
            expect_uint_eq(core, mine);
            uint32_t resident = frames < t.npages ? frames : t.npages;
            expect_uint_eq(counters.pgsteal, mine - resident);
            expect_uint_eq(lru_nr_pages(&counters), resident);
            ck_assert_ptr_null(counters.map);
            ck_assert_int_eq(sim_run(SIM_OPT, &t, frames, &core), 0);
            expect_uint_ge(mine, core); /* nothing beats OPT */
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lab");
    TCase *tc = tcase_create("lab");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, parse_page_numbers);
    tcase_add_test(tc, parse_errors_name_the_line);
    tcase_add_test(tc, many_distinct_pages);
    tcase_add_test(tc, known_fault_counts);
    tcase_add_test(tc, policy_names);
    tcase_add_test(tc, every_policy_matches_brute_force);
    tcase_add_test(tc, one_pass_curves_match_runs);
    tcase_add_test(tc, the_kernel_lists_in_the_simulator);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
