#include "kernel/cmdline.h"

#include <string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copies at most n characters of s into a CMDLINE_VALUE_MAX buffer. */
static void copy_word(char *dst, const char *s, size_t n)
{
    if (n > CMDLINE_VALUE_MAX - 1)
        n = CMDLINE_VALUE_MAX - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

static bool is_choice(const char *const *choices, const char *s, size_t n)
{
    for (; *choices; choices++)
        if (strlen(*choices) == n && strncmp(*choices, s, n) == 0)
            return true;
    return false;
}

static bool value_ok(const struct cmdline_opt *o, const char *v, size_t n)
{
    if (!o->choices)
        return true;
    if (!o->list)
        return is_choice(o->choices, v, n);
    /* Every comma-separated item must be a choice, and none may be empty. */
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || v[i] == ',') {
            if (i == start || !is_choice(o->choices, v + start, i - start))
                return false;
            start = i + 1;
        }
    }
    return true;
}

static void add_error(struct cmdline_error *errs, size_t max_errs, int count, enum cmdline_err kind,
                      const char *word, size_t len)
{
    if ((size_t)count >= max_errs)
        return;
    errs[count].kind = kind;
    copy_word(errs[count].word, word, len);
}

int cmdline_parse(const char *line, bool skip_first, struct cmdline_opt *opts, size_t nopts,
                  struct cmdline_error *errs, size_t max_errs)
{
    int nerr = 0;
    for (size_t i = 0; i < nopts; i++) {
        opts[i].set = false;
        opts[i].value[0] = '\0';
    }
    if (!line)
        return 0;

    const char *p = line;
    for (;;) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        const char *word = p;
        while (*p && !is_space(*p))
            p++;
        size_t len = (size_t)(p - word);
        const char *eq = memchr(word, '=', len);

        if (skip_first) {
            skip_first = false;
            continue;
        }
        if (!eq) {
            add_error(errs, max_errs, nerr++, CMDLINE_NO_VALUE, word, len);
            continue;
        }
        size_t klen = (size_t)(eq - word);
        const char *val = eq + 1;
        size_t vlen = len - klen - 1;
        struct cmdline_opt *o = NULL;
        for (size_t i = 0; i < nopts; i++)
            if (strlen(opts[i].key) == klen && strncmp(opts[i].key, word, klen) == 0)
                o = &opts[i];
        enum cmdline_err kind;
        if (!o)
            kind = CMDLINE_UNKNOWN_KEY;
        else if (o->set)
            kind = CMDLINE_DUPLICATE;
        else if (vlen == 0)
            kind = CMDLINE_EMPTY_VALUE;
        else if (vlen > CMDLINE_VALUE_MAX - 1)
            kind = CMDLINE_TOO_LONG;
        else if (!value_ok(o, val, vlen))
            kind = CMDLINE_BAD_VALUE;
        else {
            copy_word(o->value, val, vlen);
            o->set = true;
            continue;
        }
        add_error(errs, max_errs, nerr++, kind, word, len);
    }
    return nerr;
}

bool cmdline_has(const struct cmdline_opt *opt, const char *choice)
{
    if (!opt->set)
        return false;
    size_t n = strlen(choice);
    const char *v = opt->value;
    for (;;) {
        const char *comma = strchr(v, ',');
        size_t len = comma ? (size_t)(comma - v) : strlen(v);
        if (len == n && strncmp(v, choice, n) == 0)
            return true;
        if (!comma)
            return false;
        v = comma + 1;
    }
}

const char *cmdline_error_text(enum cmdline_err kind)
{
    switch (kind) {
    case CMDLINE_UNKNOWN_KEY:
        return "unknown option";
    case CMDLINE_NO_VALUE:
        return "not in key=value form";
    case CMDLINE_BAD_VALUE:
        return "value not allowed";
    case CMDLINE_TOO_LONG:
        return "value too long";
    case CMDLINE_DUPLICATE:
        return "option given twice";
    case CMDLINE_EMPTY_VALUE:
        return "empty value";
    }
    return "?";
}
