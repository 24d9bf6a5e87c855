/* VM areas, a pure core: see vma.h. The list is a sorted array, the plainest
 * structure that does the job for a few dozen areas: finding is a scan, and
 * inserting or removing shifts the areas after it by one slot. (Linux keeps
 * thousands of areas per process and needs a tree; Pagoda caps a process at
 * VMA_MAX.) */
#include "mem/vma.h"

#include <stddef.h>

#include "kernel/errno.h"

#define PAGE_MASK 0xFFFu

static const char *const kind_names[VMA_NKINDS] = {"code",  "data", "heap",
                                                   "stack", "anon", "shared"};

const char *vma_kind_name(enum vma_kind kind)
{
    return kind < VMA_NKINDS ? kind_names[kind] : "?";
}

void vma_list_init(struct vma_list *l)
{
    l->n = 0;
}

static bool range_ok(uint32_t start, uint32_t end)
{
    return start < end && !(start & PAGE_MASK) && !(end & PAGE_MASK);
}

bool vma_same_kind(const struct vma *a, const struct vma *b)
{
    return a->prot == b->prot && a->kind == b->kind && a->file == b->file &&
           a->file_bias == b->file_bias && a->file_start == b->file_start &&
           a->file_end == b->file_end && a->shm == b->shm && a->shm_base == b->shm_base;
}

struct vma *vma_find(struct vma_list *l, uint32_t va)
{
    for (int i = 0; i < l->n && l->area[i].start <= va; i++)
        if (va < l->area[i].end)
            return &l->area[i];
    return NULL;
}

/* Opens a hole at index i (the list must have room). */
static void open_slot(struct vma_list *l, int i)
{
    for (int j = l->n; j > i; j--)
        l->area[j] = l->area[j - 1];
    l->n++;
}

/* Closes the hole at index i. */
static void close_slot(struct vma_list *l, int i)
{
    for (int j = i; j < l->n - 1; j++)
        l->area[j] = l->area[j + 1];
    l->n--;
}

/* Joins every pair of neighbours that touch and are the same kind. */
static void merge_neighbours(struct vma_list *l)
{
    int i = 0;
    while (i + 1 < l->n) {
        struct vma *a = &l->area[i], *b = &l->area[i + 1];
        if (a->end == b->start && vma_same_kind(a, b)) {
            a->end = b->end;
            close_slot(l, i + 1);
        } else {
            i++;
        }
    }
}

int vma_insert(struct vma_list *l, const struct vma *v)
{
    if (!range_ok(v->start, v->end))
        return -EINVAL;
    int i = 0;
    while (i < l->n && l->area[i].start < v->start)
        i++;
    /* Neither the area before nor the one after may reach into v. */
    if ((i > 0 && l->area[i - 1].end > v->start) || (i < l->n && l->area[i].start < v->end))
        return -EINVAL;
    /* v that touches an equal neighbour only makes that neighbour larger, so
     * even a full list takes it: the heap must still grow by sbrk when a
     * process has VMA_MAX areas. Only an area of its own needs a slot. */
    if (i > 0 && l->area[i - 1].end == v->start && vma_same_kind(&l->area[i - 1], v)) {
        l->area[i - 1].end = v->end;
    } else if (i < l->n && l->area[i].start == v->end && vma_same_kind(&l->area[i], v)) {
        l->area[i].start = v->start;
    } else {
        if (l->n == VMA_MAX)
            return -ENOMEM;
        open_slot(l, i);
        l->area[i] = *v;
    }
    merge_neighbours(l); /* v may have joined the areas on both sides */
    return 0;
}

/* How many more slots cutting [start, end) out of the list needs: one for
 * each area that reaches past both ends (it becomes two). */
static int splits_needed(const struct vma_list *l, uint32_t start, uint32_t end)
{
    int n = 0;
    for (int i = 0; i < l->n; i++)
        if (l->area[i].start < start && l->area[i].end > end)
            n++;
    return n;
}

int vma_unmap(struct vma_list *l, uint32_t start, uint32_t end)
{
    if (!range_ok(start, end))
        return -EINVAL;
    if (l->n + splits_needed(l, start, end) > VMA_MAX)
        return -ENOMEM;
    int i = 0;
    while (i < l->n) {
        struct vma *a = &l->area[i];
        if (a->end <= start || a->start >= end) {
            i++; /* outside the range */
        } else if (a->start < start && a->end > end) {
            /* The range is inside: keep [a.start, start) and [end, a.end). */
            open_slot(l, i + 1);
            l->area[i + 1] = l->area[i];
            l->area[i].end = start;
            l->area[i + 1].start = end;
            i += 2;
        } else if (a->start < start) {
            a->end = start; /* the range cuts off its tail */
            i++;
        } else if (a->end > end) {
            a->start = end; /* the range cuts off its head */
            i++;
        } else {
            close_slot(l, i); /* wholly inside the range */
        }
    }
    return 0;
}

/* True if every page of [start, end) is in some area. */
static bool fully_mapped(const struct vma_list *l, uint32_t start, uint32_t end)
{
    uint32_t next = start;
    for (int i = 0; i < l->n && next < end; i++) {
        if (l->area[i].end <= next)
            continue;
        if (l->area[i].start > next)
            return false;
        next = l->area[i].end;
    }
    return next >= end;
}

int vma_protect(struct vma_list *l, uint32_t start, uint32_t end, uint32_t prot)
{
    if (!range_ok(start, end))
        return -EINVAL;
    if (!fully_mapped(l, start, end))
        return -ENOMEM;
    /* The areas at the two ends may split: one slot each at most. */
    int need = 0;
    for (int i = 0; i < l->n; i++) {
        const struct vma *a = &l->area[i];
        need += a->start < start && a->end > start;
        need += a->start < end && a->end > end;
    }
    if (l->n + need > VMA_MAX)
        return -ENOMEM;
    /* Split at start and at end, so that every area is wholly inside the
     * range or wholly outside it; then change those inside. */
    uint32_t cuts[2] = {start, end};
    for (int c = 0; c < 2; c++) {
        for (int i = 0; i < l->n; i++) {
            if (l->area[i].start < cuts[c] && l->area[i].end > cuts[c]) {
                open_slot(l, i + 1);
                l->area[i + 1] = l->area[i];
                l->area[i].end = cuts[c];
                l->area[i + 1].start = cuts[c];
                break;
            }
        }
    }
    for (int i = 0; i < l->n; i++)
        if (l->area[i].start >= start && l->area[i].end <= end)
            l->area[i].prot = prot;
    merge_neighbours(l);
    return 0;
}

/* True if [a, a + size) lies in [lo, hi) and overlaps no area (it may
 * touch one: begin where an area ends, or end where one begins). */
static bool is_free(const struct vma_list *l, uint32_t a, uint32_t size, uint32_t lo, uint32_t hi)
{
    if (a < lo || a > hi || size > hi - a)
        return false;
    for (int i = 0; i < l->n; i++)
        if (l->area[i].start < a + size && l->area[i].end > a)
            return false;
    return true;
}

/* The lowest free place at or above from: each candidate is from itself or
 * the end of an area, the only places a free range can begin after a busy
 * one. */
static uint32_t first_fit(const struct vma_list *l, uint32_t size, uint32_t from, uint32_t lo,
                          uint32_t hi)
{
    if (is_free(l, from, size, lo, hi))
        return from;
    for (int i = 0; i < l->n; i++)
        if (l->area[i].end >= from && is_free(l, l->area[i].end, size, lo, hi))
            return l->area[i].end;
    return 0;
}

uint32_t vma_find_free(const struct vma_list *l, uint32_t size, uint32_t lo, uint32_t hi,
                       uint32_t hint)
{
    /* 0 is the answer "no place", so lo == 0 is refused: an answer of 0
     * would say two things. An unaligned lo would give unaligned answers. */
    if (size == 0 || (size & PAGE_MASK) || lo == 0 || (lo & PAGE_MASK) || lo >= hi)
        return 0;
    /* The search from the hint answers at or above it: an unaligned hint is
     * rounded up, as Linux's mmap rounds its address hint. A hint in the
     * last page cannot be rounded up, and nothing would fit above it. */
    if (hint >= lo && hint < hi && hint <= ~PAGE_MASK) {
        uint32_t a = first_fit(l, size, (hint + PAGE_MASK) & ~PAGE_MASK, lo, hi);
        if (a)
            return a;
    }
    return first_fit(l, size, lo, lo, hi);
}
