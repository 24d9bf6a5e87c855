/* Page reference traces for the replacement lab (docs/11-page-replacement.md).
 * Host only: nothing in src/lab/ goes into the kernel.
 *
 * A trace is text, one page number a line, in hexadecimal without "0x"
 * (upper or lower case, any number of leading zeros, at most 64 bits of
 * value). Lines end with '\n'; the last one may lack it. Nothing else is
 * allowed: no blank lines, no spaces, no comments.
 *
 * Parsed, each distinct page gets a small id in the order of first touch
 * (the first page is 0, the next new one 1, ...), so the simulators can
 * keep per-page state in plain arrays. */
#ifndef LAB_TRACE_H
#define LAB_TRACE_H

#include <stddef.h>
#include <stdint.h>

#define TRACE_MAX_REFS 0xFFFFFFFEu /* reference numbers fit in 32 bits, with one to spare */

struct trace {
    uint32_t *ref;   /* ref[i]: the id of the page of reference i, i < n */
    uint32_t n;      /* references */
    uint64_t *page;  /* page[id]: the page number the trace wrote */
    uint32_t npages; /* distinct pages */
    /* the table from page number to id (open addressing, id + 1, 0 empty) */
    uint32_t *slot;
    uint32_t nslots; /* 2^slot_bits, at least twice npages */
    int slot_bits;
    uint32_t ref_cap, page_cap;
};

/* What trace_parse found wrong. */
enum trace_status {
    TRACE_OK = 0,
    TRACE_E_EMPTY_LINE, /* a line with nothing on it */
    TRACE_E_NOT_HEX,    /* a character that is not a hexadecimal digit */
    TRACE_E_TOO_BIG,    /* a number above 2^64 - 1 */
    TRACE_E_NO_REFS,    /* the text holds no reference at all */
    TRACE_E_TOO_LONG,   /* more than TRACE_MAX_REFS references */
    TRACE_E_NOMEM,      /* out of memory */
};

#define TRACE_EXCERPT 40 /* bytes of the bad line kept in an error */

struct trace_error {
    int status;                      /* enum trace_status */
    uint32_t line;                   /* 1 for the first line; 0 when no line is to blame */
    size_t len;                      /* the whole bad line's length */
    char excerpt[TRACE_EXCERPT + 1]; /* its first bytes, NUL-terminated (may hold any byte) */
};

/* An empty trace. */
void trace_init(struct trace *t);
/* Give back a trace's memory; it is empty again. */
void trace_free(struct trace *t);
/* Append a reference to page number `page`: 0, or -ENOMEM (or -E2BIG past
 * TRACE_MAX_REFS), changing nothing. */
int trace_add(struct trace *t, uint64_t page);
/* Parse one line, without its '\n': TRACE_OK with *page set, or the
 * status that says what is wrong. */
int trace_parse_line(const char *s, size_t len, uint64_t *page);
/* Parse the whole text of a trace into t, which must be empty: 0, or
 * -EINVAL with *err saying which line and why (t then holds the lines
 * before it). */
int trace_parse(struct trace *t, const char *text, size_t len, struct trace_error *err);
/* A short description of an enum trace_status. */
const char *trace_status_text(int status);

#endif
