/* lru-sim's command line: see cli.h, and usage() below. */
#include "lab/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/sim.h"
#include "lab/stack.h"
#include "lab/trace.h"

static const char usage_text[] =
    "usage: lru-sim [-f FRAMES] [-p POLICIES] [--csv] [--curve] [--plot FILE.svg] TRACE\n"
    "Counts the page faults of replacement policies on a trace.\n"
    "  TRACE         a file with one page number a line, in hexadecimal without 0x;\n"
    "                - reads standard input (xz -dc traces/sort.trace.xz | lru-sim -)\n"
    "  -f FRAMES     frame counts, e.g. 4,8,16 (default: 1, 2, 4, ... up to the\n"
    "                trace's number of distinct pages)\n"
    "  -p POLICIES   some of opt,lru,fifo,clock,kernel (default: all of them)\n"
    "  --csv         comma-separated values instead of a table\n"
    "  --curve       LRU and OPT for every frame count from 1 to the largest of\n"
    "                FRAMES, in one pass each (Mattson's stack algorithm),\n"
    "                checked against per-size runs at each of FRAMES\n"
    "  --plot FILE   also draw the faults against the frames into FILE (SVG),\n"
    "                with gnuplot\n"
    "Exit status: 0, 1 if the trace is bad or something failed, 2 for a bad option.\n";

struct options {
    const char *trace; /* a path, or "-" */
    uint32_t *frames;
    size_t nframes;
    bool policy[SIM_NR_POLICIES];
    bool csv, curve;
    const char *plot;
};

/* What the program prints: one row per frame count, a column per policy. */
struct table {
    uint32_t *frames;
    size_t rows;
    uint64_t (*faults)[SIM_NR_POLICIES];
    const bool *shown; /* [SIM_NR_POLICIES] */
};

static int say(FILE *err, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("lru-sim: ", err);
    vfprintf(err, fmt, ap);
    fputc('\n', err);
    va_end(ap);
    return status;
}

/* ---- arguments ---------------------------------------------------------- */

/* The items of a comma-separated list, one at a time: the length of the
 * item at *s, *s moved past it and its comma. */
static size_t next_item(const char **s)
{
    size_t len = strcspn(*s, ",");
    *s += (*s)[len] == ',' ? len + 1 : len;
    return len;
}

static int parse_frame_count(const char *s, size_t len, uint32_t *frames)
{
    uint64_t v = 0;
    if (len == 0 || len > 10)
        return -EINVAL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -EINVAL;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v == 0 || v > TRACE_MAX_REFS)
        return -EINVAL;
    *frames = (uint32_t)v;
    return 0;
}

static int parse_frames(const char *list, struct options *o, FILE *err)
{
    size_t n = 1;
    for (const char *c = list; *c; c++)
        n += *c == ',';
    free(o->frames);
    o->frames = calloc(n, sizeof *o->frames);
    if (!o->frames)
        return say(err, LRU_SIM_FAILED, "out of memory");
    o->nframes = 0;
    for (const char *s = list; o->nframes < n;) {
        const char *item = s;
        size_t len = next_item(&s);
        if (parse_frame_count(item, len, &o->frames[o->nframes]) != 0)
            return say(err, LRU_SIM_USAGE,
                       "-f: '%.*s' is not a frame count (a whole number from 1 to %u)", (int)len,
                       item, TRACE_MAX_REFS);
        o->nframes++;
    }
    return 0;
}

static int parse_policies(const char *list, struct options *o, FILE *err)
{
    memset(o->policy, 0, sizeof o->policy);
    for (const char *s = list;;) {
        const char *item = s;
        size_t len = next_item(&s);
        char name[16] = "";
        enum sim_policy p;
        if (len < sizeof name)
            memcpy(name, item, len);
        if (len >= sizeof name || sim_policy_parse(name, &p) != 0)
            return say(err, LRU_SIM_USAGE,
                       "-p: unknown policy '%.*s' (the policies: opt, lru, fifo, clock, kernel)",
                       (int)len, item);
        o->policy[p] = true;
        if (item[len] == '\0')
            return 0;
    }
}

/* The value of the option at argv[*i], moving *i past it. */
static const char *value_of(int argc, char **argv, int *i)
{
    return *i + 1 < argc ? argv[++*i] : NULL;
}

/* Fill in o from the arguments: 0; an exit status after a message on err;
 * or -1 after printing the help on out. */
static int parse_args(int argc, char **argv, struct options *o, FILE *out, FILE *err)
{
    int status;
    bool policy_given = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_text, out);
            return -1;
        } else if (!strcmp(a, "--csv")) {
            o->csv = true;
        } else if (!strcmp(a, "--curve")) {
            o->curve = true;
        } else if (!strcmp(a, "-f") || !strcmp(a, "-p") || !strcmp(a, "--plot")) {
            const char *v = value_of(argc, argv, &i);
            if (!v)
                return say(err, LRU_SIM_USAGE, "%s needs a value (lru-sim -h for help)", a);
            status = 0;
            if (!strcmp(a, "-f")) {
                status = parse_frames(v, o, err);
            } else if (!strcmp(a, "-p")) {
                status = parse_policies(v, o, err);
                policy_given = true;
            } else {
                o->plot = v;
            }
            if (status != 0)
                return status;
        } else if (a[0] == '-' && a[1] != '\0') {
            return say(err, LRU_SIM_USAGE, "unknown option '%s' (lru-sim -h for help)", a);
        } else if (o->trace) {
            return say(err, LRU_SIM_USAGE, "one trace at a time: '%s' and '%s'", o->trace, a);
        } else {
            o->trace = a;
        }
    }
    if (!o->trace)
        return say(err, LRU_SIM_USAGE, "no trace given (lru-sim -h for help)");
    for (int p = 0; p < SIM_NR_POLICIES; p++) {
        bool stack_algorithm = p == SIM_LRU || p == SIM_OPT;
        if (!policy_given)
            o->policy[p] = stack_algorithm || !o->curve;
        else if (o->curve && o->policy[p] && !stack_algorithm)
            return say(err, LRU_SIM_USAGE,
                       "--curve: %s is not a stack algorithm; the curve is for lru and opt",
                       sim_policy_name((enum sim_policy)p));
    }
    return 0;
}

/* ---- the trace ---------------------------------------------------------- */

/* All of f in *text (malloc'ed) and *len: 0 or an errno. */
static int read_all(FILE *f, char **text, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
        if (!bigger) {
            free(buf);
            return ENOMEM;
        }
        buf = bigger;
        cap *= 2;
    }
    if (!buf)
        return ENOMEM;
    if (ferror(f)) {
        free(buf);
        return EIO;
    }
    *text = buf;
    *len = n;
    return 0;
}

/* s[0..len) for a message: printable ASCII as it is, other bytes as \xNN. */
static void print_excerpt(FILE *err, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '\\')
            fputc(c, err);
        else
            fprintf(err, "\\x%02x", c);
    }
}

int lru_sim_read_trace(FILE *f, const char *shown, struct trace *t, FILE *err)
{
    char *text = NULL;
    size_t len = 0;
    struct trace_error e;

    int rc = read_all(f, &text, &len);
    if (rc != 0)
        return say(err, LRU_SIM_FAILED, "%s: %s", shown, strerror(rc));
    rc = trace_parse(t, text, len, &e);
    free(text);
    if (rc == 0)
        return 0;
    if (e.line == 0)
        return say(err, LRU_SIM_FAILED, "%s: %s", shown, trace_status_text(e.status));
    fprintf(err, "lru-sim: %s:%u: %s", shown, e.line, trace_status_text(e.status));
    if (e.status != TRACE_E_EMPTY_LINE) {
        fputs(": '", err);
        print_excerpt(err, e.excerpt, e.len < TRACE_EXCERPT ? e.len : TRACE_EXCERPT);
        fputs(e.len > TRACE_EXCERPT ? "...'" : "'", err);
    }
    fputc('\n', err);
    return LRU_SIM_FAILED;
}

/* The trace in file `name`, or in `in` for "-". */
static int load_trace(const char *name, FILE *in, struct trace *t, FILE *err)
{
    if (!strcmp(name, "-"))
        return lru_sim_read_trace(in, "standard input", t, err);
    FILE *f = fopen(name, "r");
    if (!f)
        return say(err, LRU_SIM_FAILED, "%s: %s", name, strerror(errno));
    int status = lru_sim_read_trace(f, name, t, err);
    fclose(f);
    return status;
}

/* ---- running the policies ----------------------------------------------- */

/* 1, 2, 4, ... up to the first power of two that is at least the number
 * of distinct pages: from one frame to every page resident. */
static int default_frames(struct options *o, const struct trace *t, FILE *err)
{
    o->frames = calloc(33, sizeof *o->frames);
    if (!o->frames)
        return say(err, LRU_SIM_FAILED, "out of memory");
    uint64_t f = 1;
    do {
        o->frames[o->nframes++] = (uint32_t)f;
        f *= 2;
    } while (f / 2 < t->npages && f <= TRACE_MAX_REFS);
    return 0;
}

static int new_table(struct table *tab, size_t rows, const bool *shown, FILE *err)
{
    tab->rows = rows;
    tab->shown = shown;
    tab->frames = calloc(rows, sizeof *tab->frames);
    tab->faults = calloc(rows, sizeof *tab->faults);
    return tab->frames && tab->faults ? 0 : say(err, LRU_SIM_FAILED, "out of memory");
}

/* Each policy at each frame count, one run each. */
static int run_sizes(const struct options *o, const struct trace *t, struct table *tab, FILE *err)
{
    int status = new_table(tab, o->nframes, o->policy, err);
    for (size_t r = 0; !status && r < tab->rows; r++) {
        tab->frames[r] = o->frames[r];
        for (int p = 0; !status && p < SIM_NR_POLICIES; p++)
            if (o->policy[p] && sim_run((enum sim_policy)p, t, o->frames[r], &tab->faults[r][p]))
                status = say(err, LRU_SIM_FAILED, "out of memory");
    }
    return status;
}

/* LRU and OPT at every frame count from 1 to the largest asked for (no
 * further than the number of pages: from there on nothing changes), from
 * one pass each; then a run at each frame count asked for must agree. */
static int run_curve(const struct options *o, const struct trace *t, struct table *tab, FILE *err)
{
    uint32_t max = 0;
    for (size_t i = 0; i < o->nframes; i++)
        max = o->frames[i] > max ? o->frames[i] : max;
    max = max < t->npages ? max : t->npages;
    int status = new_table(tab, max, o->policy, err);
    uint64_t *curve = calloc((size_t)max + 1, sizeof *curve);
    if (!status && !curve)
        status = say(err, LRU_SIM_FAILED, "out of memory");

    for (int p = SIM_OPT; !status && p <= SIM_LRU; p++) {
        if (!o->policy[p])
            continue;
        int rc = p == SIM_LRU ? stack_curve_lru(t, max, curve) : stack_curve_opt(t, max, curve);
        if (rc != 0) {
            status = say(err, LRU_SIM_FAILED, "out of memory");
            break;
        }
        for (uint32_t f = 1; f <= max; f++) {
            tab->frames[f - 1] = f;
            tab->faults[f - 1][p] = curve[f];
        }
        for (size_t i = 0; !status && i < o->nframes; i++) {
            uint32_t f = o->frames[i];
            uint64_t run, one_pass = curve[f < max ? f : max];
            if (sim_run((enum sim_policy)p, t, f, &run) != 0)
                status = say(err, LRU_SIM_FAILED, "out of memory");
            else if (run != one_pass)
                status = say(err, LRU_SIM_FAILED,
                             "--curve: %s with %u frames: %llu faults in one pass, %llu in a run",
                             sim_policy_name((enum sim_policy)p), f, (unsigned long long)one_pass,
                             (unsigned long long)run);
        }
    }
    free(curve);
    return status;
}

/* ---- output --------------------------------------------------------------- */

static void print_table(FILE *out, const struct table *tab, bool csv)
{
    fprintf(out, csv ? "frames" : "%8s", "frames");
    for (int p = 0; p < SIM_NR_POLICIES; p++)
        if (tab->shown[p])
            fprintf(out, csv ? ",%s" : " %10s", sim_policy_name((enum sim_policy)p));
    fputc('\n', out);
    for (size_t r = 0; r < tab->rows; r++) {
        fprintf(out, csv ? "%u" : "%8u", tab->frames[r]);
        for (int p = 0; p < SIM_NR_POLICIES; p++)
            if (tab->shown[p])
                fprintf(out, csv ? ",%llu" : " %10llu", (unsigned long long)tab->faults[r][p]);
        fputc('\n', out);
    }
}

/* s as a gnuplot string in single quotes, where '' stands for one. */
static void put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

/* Faults against frames, both axes logarithmic, a line per policy: a
 * gnuplot script with the table in it, written to a temporary file and
 * run. */
static int plot(const char *svg, const char *title, const struct table *tab, FILE *err)
{
    char script[] = "/tmp/lru-sim-plot-XXXXXX";
    int fd = mkstemp(script);
    FILE *g = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!g)
        return say(err, LRU_SIM_FAILED, "cannot write a gnuplot script: %s", strerror(errno));

    /* one colour per policy, whichever of them are shown */
    static const char *const colour[SIM_NR_POLICIES] = {
        [SIM_OPT] = "black",     [SIM_LRU] = "#0060c0",    [SIM_FIFO] = "#d02020",
        [SIM_CLOCK] = "#e08000", [SIM_KERNEL] = "#20a020",
    };
    fputs("set terminal svg size 720,450 dynamic font 'sans,13' background rgb 'white'\n", g);
    fputs("set output ", g);
    put_quoted(g, svg);
    fputs("\nset title ", g);
    put_quoted(g, title);
    fputs(" . ': page faults against memory size'", g);
    fputs("\nset xlabel 'frames of memory'\nset ylabel 'page faults'\n"
          "set logscale xy\nset format x '%.0f'\nset format y '%.0f'\nset grid\n"
          "set key top right\n$faults << EOD\n",
          g);
    print_table(g, tab, false);
    fputs("EOD\nplot", g);
    for (int p = 0, column = 2; p < SIM_NR_POLICIES; p++) {
        if (!tab->shown[p])
            continue;
        fprintf(g, "%s $faults using 1:%d with %s lw 2 lc rgb '%s' title '%s'",
                column > 2 ? "," : "", column, tab->rows > 64 ? "lines" : "linespoints", colour[p],
                sim_policy_name((enum sim_policy)p));
        column++;
    }
    fputc('\n', g);
    fclose(g);

    char command[sizeof script + 32];
    snprintf(command, sizeof command, "gnuplot %s", script);
    int rc = system(command);
    unlink(script);
    if (rc != 0)
        return say(err, LRU_SIM_FAILED,
                   "gnuplot failed (status %d): is it installed? scripts/install-deps.sh "
                   "installs it",
                   rc);
    return 0;
}

int lru_sim_main(int argc, char **argv, FILE *in, FILE *out, FILE *err)
{
    struct options o = {0};
    struct table tab = {0};
    struct trace t;
    const char *name;

    trace_init(&t);
    int status = parse_args(argc, argv, &o, out, err);
    if (status == 0)
        status = load_trace(o.trace, in, &t, err);
    if (status == 0 && !o.frames)
        status = default_frames(&o, &t, err);
    if (status == 0)
        status = o.curve ? run_curve(&o, &t, &tab, err) : run_sizes(&o, &t, &tab, err);
    if (status == 0) {
        name = strcmp(o.trace, "-") ? o.trace : "standard input";
        if (!o.csv)
            fprintf(out, "trace %s: %u references, %u distinct pages\n", name, t.n, t.npages);
        print_table(out, &tab, o.csv);
        if (o.curve && !o.csv)
            fprintf(out, "(checked: a separate run at each frame count given with -f agrees)\n");
        if (o.plot) {
            const char *slash = strrchr(name, '/');
            status = plot(o.plot, slash ? slash + 1 : name, &tab, err);
        }
    }
    free(o.frames);
    free(tab.frames);
    free(tab.faults);
    trace_free(&t);
    return status < 0 ? LRU_SIM_OK : status;
}
