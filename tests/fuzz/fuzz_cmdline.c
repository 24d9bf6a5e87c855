/* libFuzzer target for the command-line parser (src/kernel/cmdline.c).
 *
 * The input is a kernel command line, up to its first NUL byte (the seeds
 * are the --args of tests/kernel/scenarios.sh). It is parsed with the
 * kernel's options (params.c) into arrays allocated to their exact size, so
 * AddressSanitizer stops any write past them, with and without skipping the
 * first word. The target splits the line into words itself and checks:
 *   - every word is either taken as an option's value or reported as an
 *     error, and the count of errors is what cmdline_parse() returns;
 *   - every value is NUL-terminated, fits its array, and is the text after
 *     "key=" of a word of the line; a value with choices is one of them (for
 *     a list, every item is), and cmdline_has() agrees item by item;
 *   - the errors are the other words in order, cut to fit, and each kind
 *     is the right one for its word;
 *   - no room for errors (NULL, 0) changes nothing else, and skipping the
 *     first word is parsing the rest of the line.
 * Any violation abort()s. */
#include "fuzz.h"

#include "kernel/cmdline.h"
#include "kernel/ktest.h"

/* The kernel's options, as src/kernel/params.c declares them. */
#define TEST_NAME(name) #name,
static const char *const tests[] = {KTEST_LIST(TEST_NAME) NULL};
static const char *const break_points[] = {"gdt", "pmm", "paging", "panic", "switch", "ata", NULL};
static const char *const kheap_modes[] = {"debug", "fast", NULL};
static const struct cmdline_opt kernel_opts[] = {
    {.key = "test", .choices = tests},
    {.key = "break", .choices = break_points, .list = true},
    {.key = "swap"},
    {.key = "kheap", .choices = kheap_modes},
};
#define NOPTS    (sizeof kernel_opts / sizeof kernel_opts[0])
#define MAX_ERRS 8 /* params_init() keeps 8 */
#define MAX_WORD (CMDLINE_VALUE_MAX - 1)

/* The words of the line being checked. */
static struct word {
    const char *s;
    size_t len;
    int accepted; /* set by check_words: the word an option's value came from */
} words[4096];
static size_t nwords;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void split_words(const char *line)
{
    nwords = 0;
    for (const char *p = line; *p;) {
        if (is_space(*p)) {
            p++;
            continue;
        }
        const char *start = p;
        while (*p && !is_space(*p))
            p++;
        words[nwords++] = (struct word){start, (size_t)(p - start), 0};
    }
}

/* The option whose key is the word's text before its first '=', or NULL. */
static const struct cmdline_opt *option_of(const struct word *w, const struct cmdline_opt *opts)
{
    const char *eq = memchr(w->s, '=', w->len);
    if (!eq)
        return NULL;
    for (size_t i = 0; i < NOPTS; i++)
        if (strlen(opts[i].key) == (size_t)(eq - w->s) && memcmp(opts[i].key, w->s, eq - w->s) == 0)
            return &opts[i];
    return NULL;
}

static const char *value_of(const struct word *w, size_t *len)
{
    const char *eq = memchr(w->s, '=', w->len);
    *len = w->len - (size_t)(eq - w->s) - 1;
    return eq + 1;
}

static int is_choice(const char *const *choices, const char *s, size_t n)
{
    for (; *choices; choices++)
        if (strlen(*choices) == n && memcmp(*choices, s, n) == 0)
            return 1;
    return 0;
}

/* Whether v[0..n) may be the option's value. */
static int allowed(const struct cmdline_opt *o, const char *v, size_t n)
{
    if (!o->choices)
        return 1;
    if (!o->list)
        return is_choice(o->choices, v, n);
    for (size_t start = 0, i = 0; i <= n; i++) {
        if (i == n || v[i] == ',') {
            if (!is_choice(o->choices, v + start, i - start))
                return 0;
            start = i + 1;
        }
    }
    return 1;
}

/* Whether item is one of the comma-separated items of value. */
static int has_item(const char *value, const char *item)
{
    size_t n = strlen(item);

    for (const char *v = value;; v++) {
        const char *comma = strchr(v, ',');
        size_t len = comma ? (size_t)(comma - v) : strlen(v);
        if (len == n && memcmp(v, item, n) == 0)
            return 1;
        if (!comma)
            return 0;
        v = comma;
    }
}

/* The values: each fits, is allowed, and comes from a word of the line;
 * the first such word is marked accepted. */
static void check_values(const struct cmdline_opt *opts, size_t first_word)
{
    for (size_t i = 0; i < NOPTS; i++) {
        const struct cmdline_opt *o = &opts[i];
        size_t n = strnlen(o->value, CMDLINE_VALUE_MAX);

        if (n == CMDLINE_VALUE_MAX)
            FAIL("%s= has no NUL in its value", o->key);
        if (!o->set) {
            if (n != 0 || cmdline_has(o, o->value))
                FAIL("%s= is not set but has a value", o->key);
            continue;
        }
        if (!allowed(o, o->value, n))
            FAIL("%s=%s is not allowed", o->key, o->value);
        size_t w = first_word;
        size_t vlen = 0;
        while (w < nwords && (option_of(&words[w], opts) != o ||
                              strncmp(value_of(&words[w], &vlen), o->value, n) != 0 || vlen != n))
            w++;
        if (w == nwords)
            FAIL("%s=%s is not a word of the line", o->key, o->value);
        words[w].accepted = 1;
        for (const char *const *c = o->choices; o->list && *c; c++)
            if (cmdline_has(o, *c) != has_item(o->value, *c))
                FAIL("cmdline_has(%s=%s, %s) is wrong", o->key, o->value, *c);
    }
}

/* The kind an error must have for word w. */
static int kind_fits(const struct cmdline_error *e, size_t w, const struct cmdline_opt *opts)
{
    const struct cmdline_opt *o = option_of(&words[w], opts);
    size_t vlen = 0;
    const char *v = memchr(words[w].s, '=', words[w].len) ? value_of(&words[w], &vlen) : NULL;
    int set_before = 0;

    for (size_t i = 0; o && i < w; i++)
        set_before |= words[i].accepted && option_of(&words[i], opts) == o;
    switch (e->kind) {
    case CMDLINE_NO_VALUE:
        return !v;
    case CMDLINE_UNKNOWN_KEY:
        return v && !o;
    case CMDLINE_DUPLICATE:
        return o && set_before;
    case CMDLINE_EMPTY_VALUE:
        return o && !set_before && vlen == 0;
    case CMDLINE_TOO_LONG:
        return o && !set_before && vlen > MAX_WORD;
    case CMDLINE_BAD_VALUE:
        return o && !set_before && vlen <= MAX_WORD && !allowed(o, v, vlen);
    }
    return 0;
}

static void check_errors(const struct cmdline_error *errs, int n, size_t first_word,
                         const struct cmdline_opt *opts)
{
    int k = 0;

    for (size_t w = first_word; w < nwords; w++) {
        if (words[w].accepted)
            continue;
        if (k < MAX_ERRS) {
            const struct cmdline_error *e = &errs[k];
            size_t cut = words[w].len < MAX_WORD ? words[w].len : MAX_WORD;
            if (strnlen(e->word, CMDLINE_VALUE_MAX) != cut || memcmp(e->word, words[w].s, cut) != 0)
                FAIL("error %d is '%.64s', not the word '%.*s'", k, e->word, (int)cut, words[w].s);
            if (!kind_fits(e, w, opts))
                FAIL("error %d on '%.*s' is '%s'", k, (int)cut, words[w].s,
                     cmdline_error_text(e->kind));
        }
        k++;
    }
    if (k != n)
        FAIL("%d words not taken, %d errors returned", k, n);
}

/* Arrays of exactly the size cmdline_parse() is told, made once and reused
 * (allocating them for every input would cost more than the parsing):
 * options for the three parses of an input and for the one without room
 * for errors, and the errors. */
static struct cmdline_opt *opt_arrays[4];
static struct cmdline_error *errs;

static struct cmdline_opt *fresh_options(int which)
{
    if (!opt_arrays[which] && !(opt_arrays[which] = malloc(sizeof kernel_opts)))
        abort();
    memcpy(opt_arrays[which], kernel_opts, sizeof kernel_opts);
    return opt_arrays[which];
}

/* Parses line into option array `which` and checks the result. */
static struct cmdline_opt *check_parse(const char *line, int skip_first, int which, int *nerr)
{
    struct cmdline_opt *opts = fresh_options(which), *again = fresh_options(3);
    if (!errs && !(errs = malloc(MAX_ERRS * sizeof *errs)))
        abort();
    int n = cmdline_parse(line, skip_first, opts, NOPTS, errs, MAX_ERRS);
    size_t first = skip_first && nwords ? 1 : 0;

    if (n < 0)
        FAIL("cmdline_parse returned %d", n);
    for (size_t w = 0; w < nwords; w++)
        words[w].accepted = 0;
    check_values(opts, first);
    check_errors(errs, n, first, opts);
    if (cmdline_parse(line, skip_first, again, NOPTS, NULL, 0) != n ||
        memcmp(opts, again, sizeof kernel_opts) != 0)
        FAIL("no room for errors changed the result");
    *nerr = n;
    return opts;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 2 * sizeof words / sizeof words[0])
        return 0; /* more words than we keep; libFuzzer's default -max_len is 4096 */
    char *line = malloc(size + 1); /* exactly the line: reading past its NUL is caught */
    if (!line)
        abort();
    memcpy(line, data, size);
    line[size] = '\0';
    split_words(line);

    int n, n_skip, n_rest;
    check_parse(line, 0, 0, &n);
    struct cmdline_opt *skip = check_parse(line, 1, 1, &n_skip);
    if (nwords) {
        /* Skipping the first word is parsing what follows it. */
        const char *rest = words[0].s + words[0].len;
        split_words(rest);
        struct cmdline_opt *opts = check_parse(rest, 0, 2, &n_rest);
        if (n_rest != n_skip || memcmp(opts, skip, sizeof kernel_opts) != 0)
            FAIL("skipping the first word is not parsing the rest");
    }
    free(line);
    return 0;
}
