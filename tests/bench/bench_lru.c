/* Benchmark of the page-replacement lab (src/lab/): references simulated
 * per second by each policy on the shipped traces, against a baseline
 * measured in the same run.
 *
 *   bench_lru [TRACE.xz ...]     default: the three shipped traces in traces/
 *
 * The baseline is the least any simulator must do per reference: read the
 * reference and update one word of per-page state (here a counter). The
 * ratio policy time / baseline time says how much a policy costs on top
 * of walking the trace, which depends less on the machine's load than
 * references per second do. Nothing here is a pass/fail test. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lab/cli.h"
#include "lab/sim.h"
#include "lab/stack.h"
#include "lab/trace.h"

static const char *const default_traces[] = {"traces/sort.trace.xz", "traces/xz.trace.xz",
                                             "traces/cc1.trace.xz"};
static const uint32_t sizes[] = {32, 1024};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The trace in an xz file, through xz -dc: 0 or -1. */
static int load(const char *path, struct trace *t)
{
    char command[512];
    snprintf(command, sizeof command, "xz -dc '%s'", path);
    FILE *p = popen(command, "r");
    if (!p)
        return -1;
    int status = lru_sim_read_trace(p, path, t, stderr);
    return pclose(p) == 0 && status == LRU_SIM_OK ? 0 : -1;
}

static volatile uint32_t sink;

/* The baseline: one counter per page, incremented per reference. */
static void touch_every_reference(const struct trace *t)
{
    uint32_t *count = sim_array(t->npages, sizeof *count, false);
    for (uint32_t i = 0; i < t->n; i++)
        count[t->ref[i]]++;
    sink = count[0];
    free(count);
}

/* What best_time measures besides the policies (enum sim_policy). */
enum { BASELINE = -1, LRU_CURVE = -2, OPT_CURVE = -3 };

/* Seconds for policy p with `frames` frames, or for the baseline, or for
 * a one-pass curve from 1 to `frames`: the best of three runs. */
static double best_time(int p, const struct trace *t, uint32_t frames)
{
    double best = 1e30;
    uint64_t faults, *curve = calloc((size_t)frames + 1, sizeof *curve);
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        if (p == BASELINE)
            touch_every_reference(t);
        else if (p == LRU_CURVE)
            stack_curve_lru(t, frames, curve);
        else if (p == OPT_CURVE)
            stack_curve_opt(t, frames, curve);
        else
            sim_run((enum sim_policy)p, t, frames, &faults);
        double dt = now() - t0;
        best = dt < best ? dt : best;
    }
    free(curve);
    return best;
}

static void row(const char *what, uint32_t frames, double seconds, double base, uint32_t n)
{
    printf("  %-24s %6u %10.1f %9.2fx\n", what, frames, n / seconds / 1e6, seconds / base);
}

int main(int argc, char **argv)
{
    int ntraces = argc > 1 ? argc - 1 : 3;
    printf("million references simulated per second, best of 3; x: time / baseline time\n");
    for (int i = 0; i < ntraces; i++) {
        const char *path = argc > 1 ? argv[i + 1] : default_traces[i];
        struct trace t;
        trace_init(&t);
        if (load(path, &t) != 0) {
            fprintf(stderr, "bench_lru: cannot read %s (is xz installed? run from the top)\n",
                    path);
            return 1;
        }
        printf("%s: %u references, %u distinct pages\n", path, t.n, t.npages);
        printf("  %-24s %6s %10s %10s\n", "policy", "frames", "Mrefs/s", "x");
        double base = best_time(BASELINE, &t, 1);
        row("baseline (count per page)", 0, base, base, t.n);
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            for (int p = 0; p < SIM_NR_POLICIES; p++)
                row(sim_policy_name((enum sim_policy)p), sizes[s], best_time(p, &t, sizes[s]), base,
                    t.n);
        row("lru curve, 1..frames", 1024, best_time(LRU_CURVE, &t, 1024), base, t.n);
        row("opt curve, 1..frames", 1024, best_time(OPT_CURVE, &t, 1024), base, t.n);
        trace_free(&t);
    }
    return 0;
}
