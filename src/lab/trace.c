/* Page reference traces: see trace.h. */
#include "lab/trace.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void trace_init(struct trace *t)
{
    memset(t, 0, sizeof *t);
}

void trace_free(struct trace *t)
{
    free(t->ref);
    free(t->page);
    free(t->slot);
    trace_init(t);
}

/* Where a page number's search in the table starts: Fibonacci hashing,
 * the top slot_bits bits of the number times 2^64 / golden ratio. */
static uint32_t home_slot(const struct trace *t, uint64_t page)
{
    return (uint32_t)((page * 0x9E3779B97F4A7C15ull) >> (64 - t->slot_bits));
}

/* The slot that holds page, or the empty slot where it would go. */
static uint32_t find_slot(const struct trace *t, uint64_t page)
{
    uint32_t i = home_slot(t, page);
    while (t->slot[i] != 0 && t->page[t->slot[i] - 1] != page)
        i = (i + 1) & (t->nslots - 1);
    return i;
}

/* Double the table (or make the first one) and put every id back. */
static int grow_table(struct trace *t)
{
    int bits = t->slot_bits ? t->slot_bits + 1 : 6;
    if (bits > 31)
        return -ENOMEM;
    uint32_t *slot = calloc((size_t)1 << bits, sizeof *slot);
    if (!slot)
        return -ENOMEM;
    free(t->slot);
    t->slot = slot;
    t->slot_bits = bits;
    t->nslots = 1u << bits;
    for (uint32_t id = 0; id < t->npages; id++)
        t->slot[find_slot(t, t->page[id])] = id + 1;
    return 0;
}

/* Make room for one more element in an array of *cap elements of size
 * `size`, holding n: 0 or -ENOMEM. */
static int reserve(void **array, uint32_t *cap, uint32_t n, size_t size)
{
    if (n < *cap)
        return 0;
    uint32_t want = *cap ? (*cap > UINT32_MAX / 2 ? UINT32_MAX : 2 * *cap) : 1024;
    void *bigger = realloc(*array, (size_t)want * size);
    if (!bigger)
        return -ENOMEM;
    *array = bigger;
    *cap = want;
    return 0;
}

/* The id of page, giving it the next one if it is new; 0 or -ENOMEM. */
static int page_id(struct trace *t, uint64_t page, uint32_t *id)
{
    if (2 * (uint64_t)(t->npages + 1) > t->nslots && grow_table(t) != 0)
        return -ENOMEM;
    uint32_t i = find_slot(t, page);
    if (t->slot[i] == 0) {
        if (reserve((void **)&t->page, &t->page_cap, t->npages, sizeof *t->page) != 0)
            return -ENOMEM;
        t->page[t->npages++] = page;
        t->slot[i] = t->npages;
    }
    *id = t->slot[i] - 1;
    return 0;
}

int trace_add(struct trace *t, uint64_t page)
{
    uint32_t id;

    if (t->n >= TRACE_MAX_REFS)
        return -E2BIG;
    if (reserve((void **)&t->ref, &t->ref_cap, t->n, sizeof *t->ref) != 0 ||
        page_id(t, page, &id) != 0)
        return -ENOMEM;
    t->ref[t->n++] = id;
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int trace_parse_line(const char *s, size_t len, uint64_t *page)
{
    uint64_t v = 0;
    bool too_big = false;

    if (len == 0)
        return TRACE_E_EMPTY_LINE;
    /* Every character is looked at first: a line that is not a number at
     * all is reported as that, however long it is. */
    for (size_t i = 0; i < len; i++) {
        int d = hex_digit(s[i]);
        if (d < 0)
            return TRACE_E_NOT_HEX;
        too_big |= (v >> 60) != 0; /* a fifth hex digit would not fit */
        v = v << 4 | (uint64_t)d;
    }
    if (too_big)
        return TRACE_E_TOO_BIG;
    *page = v;
    return TRACE_OK;
}

static int fail(struct trace_error *err, int status, uint32_t line, const char *s, size_t len)
{
    size_t keep = len < TRACE_EXCERPT ? len : TRACE_EXCERPT;
    err->status = status;
    err->line = line;
    err->len = len;
    memcpy(err->excerpt, s, keep);
    err->excerpt[keep] = '\0';
    return -EINVAL;
}

int trace_parse(struct trace *t, const char *text, size_t len, struct trace_error *err)
{
    uint32_t line = 0;
    size_t start = 0;

    while (start < len) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        const char *s = text + start;
        uint64_t page;
        line++;
        int status = trace_parse_line(s, end - start, &page);
        if (status != TRACE_OK)
            return fail(err, status, line, s, end - start);
        int e = trace_add(t, page);
        if (e != 0)
            return fail(err, e == -E2BIG ? TRACE_E_TOO_LONG : TRACE_E_NOMEM, line, s, end - start);
        start = end + 1;
    }
    if (t->n == 0)
        return fail(err, TRACE_E_NO_REFS, 0, "", 0);
    return 0;
}

const char *trace_status_text(int status)
{
    switch (status) {
    case TRACE_OK:
        return "no error";
    case TRACE_E_EMPTY_LINE:
        return "empty line, where a hexadecimal page number was expected";
    case TRACE_E_NOT_HEX:
        return "not a hexadecimal page number";
    case TRACE_E_TOO_BIG:
        return "page number does not fit in 64 bits";
    case TRACE_E_NO_REFS:
        return "the trace is empty: no page numbers";
    case TRACE_E_TOO_LONG:
        return "more references than the simulator counts (2^32 - 2)";
    case TRACE_E_NOMEM:
        return "out of memory";
    }
    return "unknown error";
}
