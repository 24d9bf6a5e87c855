/* Parsing the kernel command line, a pure core. The line is a list of
 * key=value words; each key must be one the kernel declared, and a value with
 * a list of choices must be one of them (or, for list options, a comma-
 * separated list of them). Anything else is reported, never ignored. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_VALUE_MAX 64

struct cmdline_opt {
    const char *key;
    const char *const *choices;    /* NULL-terminated allowed values; NULL: any text */
    bool list;                     /* value may be several choices joined by ',' */
    const char *help;              /* one line for the docs and error messages */
    char value[CMDLINE_VALUE_MAX]; /* filled in by cmdline_parse() */
    bool set;
};

enum cmdline_err {
    CMDLINE_UNKNOWN_KEY, /* key=value with a key nobody declared */
    CMDLINE_NO_VALUE,    /* a word without '=' */
    CMDLINE_BAD_VALUE,   /* a value that is not one of the choices */
    CMDLINE_TOO_LONG,    /* a value longer than CMDLINE_VALUE_MAX - 1 */
    CMDLINE_DUPLICATE,   /* the same key twice */
    CMDLINE_EMPTY_VALUE, /* key= with nothing after the '=' */
};

struct cmdline_error {
    enum cmdline_err kind;
    char word[CMDLINE_VALUE_MAX]; /* the offending word (truncated if long) */
};

/* Parses line into opts; with skip_first, the first word is the kernel's
 * path (QEMU's -kernel loader puts it there, GRUB does not) and is skipped.
 * Records up to max_errs errors and returns how many there were in all. */
int cmdline_parse(const char *line, bool skip_first, struct cmdline_opt *opts, size_t nopts,
                  struct cmdline_error *errs, size_t max_errs);
/* True if a list option's value contains choice (e.g. break=gdt,paging). */
bool cmdline_has(const struct cmdline_opt *opt, const char *choice);
/* A short description of an error kind. */
const char *cmdline_error_text(enum cmdline_err kind);

#endif
