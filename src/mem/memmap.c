/* Cleaning up the firmware's memory map (see memmap.h for the contract).
 *
 * How memmap_usable works
 * -----------------------
 * Every entry's first byte and the byte just past its end, plus 0 and
 * `limit`, are the "boundaries". Between two consecutive boundaries lies an
 * elementary interval that every entry either covers completely or misses
 * completely, so one look at its first byte tells, for the whole interval,
 * how many available entries cover it and whether a reserved one does.
 * Because `limit` is a boundary, an interval is wholly below or wholly at or
 * above the limit.
 *
 * We walk the intervals from address 0 upwards. The next boundary is found
 * by scanning all entries for the smallest boundary above the current one,
 * so there is nothing to sort and no scratch memory: O(n) boundaries times
 * O(n) work each, O(n^2) in all, about 100 000 steps for 128 entries.
 *
 * An interval covered by an available entry is "clean" if it is below the
 * limit and no reserved entry covers it. Consecutive clean intervals form a
 * run; each maximal run, rounded inward to pages, is one output range. Two
 * runs are separated by at least one unclean byte, so the output ranges are
 * sorted and neither overlap nor touch.
 *
 * An entry is kept as [base, last] with last = base + len - 1, so an entry
 * that ends exactly at 2^64 (last = UINT64_MAX) is representable. Only the
 * final interval can reach 2^64, and it is never clean (it starts at or
 * above `limit`), so every run ends at a representable address.
 *
 * There is no 64-bit division anywhere: pages are aligned with masks.
 *
 * memmap_read reads every number byte by byte as little-endian, so it works
 * on any host and never reads through an unaligned pointer; it checks that
 * a whole entry is left before it reads one, and that the step to the next
 * entry cannot wrap around. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel/errno.h"
#include "mem/memmap.h"

#define PAGE_MASK    ((uint64_t)4095)
#define PAGE_DOWN(x) ((x) & ~PAGE_MASK)

/* The entry's last byte in *last; false for a bad entry (zero length, or
 * base + len beyond 2^64). */
static bool entry_last(const struct mb_region *e, uint64_t *last)
{
    if (e->len == 0 || e->len - 1 > UINT64_MAX - e->base)
        return false;
    *last = e->base + (e->len - 1);
    return true;
}

/* a + b, stuck at UINT64_MAX instead of wrapping (only a map whose entries
 * add up to 2^64 bytes or more can get there). */
static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint32_t read_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t read_le64(const uint8_t *p)
{
    return read_le32(p) | ((uint64_t)read_le32(p + 4) << 32);
}

/* Records why memmap_read stopped. */
static int read_error(struct memmap_read_error *err, enum memmap_read_reason reason,
                      uint32_t offset, uint32_t value)
{
    err->reason = reason;
    err->offset = offset;
    err->value = value;
    return -EINVAL;
}

int memmap_read(const uint8_t *buf, uint32_t len, struct mb_region *out, int max_out,
                struct memmap_read_error *err)
{
    uint32_t off = 0;
    int n = 0;

    err->reason = MEMMAP_READ_OK;
    err->offset = err->value = 0;
    while (off < len) {
        const uint8_t *e = buf + off;
        if (len - off < MEMMAP_RAW_ENTRY)
            return read_error(err, MEMMAP_READ_CUT_OFF, off, len);
        uint32_t size = read_le32(e);
        if (size < MEMMAP_RAW_MIN)
            return read_error(err, MEMMAP_READ_SHORT, off, size);
        if (n == max_out)
            return read_error(err, MEMMAP_READ_TOO_MANY, off, (uint32_t)max_out);
        out[n].base = read_le64(e + 4);
        out[n].len = read_le64(e + 12);
        out[n].type = read_le32(e + 20);
        n++;
        /* The next entry starts size + 4 bytes on. If that is at or past
         * the end, however far, this entry was the last: adding first
         * could wrap around 2^32 and step back into the map. */
        if (size >= len - off - 4)
            break;
        off += size + 4;
    }
    return n;
}

/* The output side of memmap_usable. */
struct emit {
    struct mm_range *out;
    int max_out, count;
    uint64_t partial;
};

/* Rounds the clean run [s, e) inward to pages and emits what is left. */
static void emit_run(struct emit *em, uint64_t s, uint64_t e)
{
    uint64_t hi = PAGE_DOWN(e);

    if (s <= hi) {
        uint64_t lo = PAGE_DOWN(s + PAGE_MASK); /* no wrap: s <= hi <= 2^64 - 4096 */
        if (lo < hi) {
            if (em->count < em->max_out) {
                em->out[em->count].start = lo;
                em->out[em->count].end = hi;
            }
            em->count++;
            em->partial += (lo - s) + (e - hi);
            return;
        }
    }
    em->partial += e - s;
}

int memmap_usable(const struct mb_region *map, int n, uint64_t limit, struct mm_range *out,
                  int max_out, struct memmap_stats *stats)
{
    struct memmap_stats st;
    struct emit em = {.out = out, .max_out = max_out, .count = 0, .partial = 0};
    uint64_t cur = 0, run_start = 0, last;
    bool in_run = false;

    if (n < 0 || n > MEMMAP_MAX_ENTRIES || (n > 0 && map == NULL) || max_out < 0 ||
        (max_out > 0 && out == NULL))
        return -EINVAL;
    memset(&st, 0, sizeof st);
    for (int i = 0; i < n; i++)
        if (!entry_last(&map[i], &last))
            st.bad_entries++;

    for (;;) {
        /* The next boundary above cur; none means this interval ends at 2^64. */
        bool has_next = limit > cur;
        uint64_t next = limit;
        int avail = 0;
        bool reserved = false, clean = false;

        for (int i = 0; i < n; i++) {
            if (!entry_last(&map[i], &last))
                continue;
            uint64_t b = map[i].base;
            if (b > cur && (!has_next || b < next)) {
                next = b;
                has_next = true;
            }
            if (last != UINT64_MAX && last + 1 > cur && (!has_next || last + 1 < next)) {
                next = last + 1;
                has_next = true;
            }
            if (b <= cur && cur <= last) {
                if (map[i].type == MB_MEM_AVAILABLE)
                    avail++;
                else
                    reserved = true;
            }
        }

        if (avail > 0) {
            /* The last interval ends at 2^64; it is not all of memory
             * (cur > 0), since no entry is 2^64 bytes long. */
            uint64_t len = has_next ? next - cur : UINT64_MAX - cur + 1;
            if (avail > 1)
                st.duplicate = add_sat(st.duplicate, len);
            if (cur >= limit)
                st.above_limit = add_sat(st.above_limit, len);
            else if (reserved)
                st.overlap_reserved += len; /* below limit: cannot wrap */
            else
                clean = true;
        }
        if (clean && !in_run) {
            run_start = cur;
            in_run = true;
        } else if (!clean && in_run) {
            emit_run(&em, run_start, cur);
            in_run = false;
        }
        if (!has_next)
            break; /* a clean interval always has a next boundary (limit) */
        cur = next;
    }

    st.partial_pages = em.partial;
    if (stats != NULL)
        *stats = st;
    return em.count > max_out ? -ENOSPC : em.count;
}

int memmap_subtract(struct mm_range *r, int n, int max, uint64_t start, uint64_t end)
{
    uint64_t s, e;
    bool to_top; /* the hole runs to 2^64 (end rounds up past UINT64_MAX) */
    int w = 0;

    if (n < 0 || n > max || (n > 0 && r == NULL))
        return -EINVAL;
    if (start >= end)
        return n;
    s = PAGE_DOWN(start);
    to_top = end > PAGE_DOWN(UINT64_MAX);
    e = to_top ? 0 : PAGE_DOWN(end + PAGE_MASK);

    /* A hole strictly inside one range splits it; the ranges do not overlap,
     * so no other range is touched. */
    for (int i = 0; i < n; i++) {
        if (!to_top && r[i].start < s && r[i].end > e) {
            if (n >= max)
                return -ENOSPC;
            memmove(&r[i + 2], &r[i + 1], (size_t)(n - i - 1) * sizeof *r);
            r[i + 1].start = e;
            r[i + 1].end = r[i].end;
            r[i].end = s;
            return n + 1;
        }
    }

    /* Otherwise each range is kept, trimmed at one end, or dropped. */
    for (int i = 0; i < n; i++) {
        struct mm_range x = r[i];
        if (x.end > s && (to_top || x.start < e)) {
            if (x.start < s)
                x.end = s;
            else if (!to_top && x.end > e)
                x.start = e;
            else
                continue;
        }
        r[w++] = x;
    }
    return w;
}

uint64_t memmap_total(const struct mm_range *r, int n)
{
    uint64_t total = 0;

    for (int i = 0; i < n; i++)
        total += r[i].end - r[i].start;
    return total;
}

uint64_t memmap_find(const struct mm_range *r, int n, uint64_t size, uint64_t align, uint64_t below)
{
    if (r == NULL || size == 0 || size > PAGE_DOWN(UINT64_MAX) || align < 4096 ||
        (align & (align - 1)) != 0)
        return UINT64_MAX;
    size = PAGE_DOWN(size + PAGE_MASK);

    for (int i = 0; i < n; i++) {
        uint64_t end = r[i].end < below ? r[i].end : below;
        if (r[i].start > UINT64_MAX - (align - 1))
            continue; /* aligning up would wrap */
        uint64_t a = (r[i].start + (align - 1)) & ~(align - 1);
        if (a < end && end - a >= size)
            return a;
    }
    return UINT64_MAX;
}
