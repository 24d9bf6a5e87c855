/* libFuzzer target for the ELF checker (src/kernel/elf.c).
 *
 * The input is a program file, as a Multiboot module hands it over (the
 * seeds are the user programs in build/clang/user/). It is checked with the
 * user range the loader uses and with a narrow one around USER_BASE. For an
 * accepted image:
 *   - 1..ELF_MAX_SEGMENTS segments, each a non-empty PT_LOAD whose fields are
 *     the bytes of its program header, in program header order;
 *   - each segment's file bytes lie inside the file, filesz <= memsz, and
 *     its memory inside [min_addr, user_limit);
 *   - no two segments share a byte, and the shared-page flags say exactly
 *     which segments have a page in common;
 *   - the entry point lies in an executable segment, and lowest and highest
 *     are the page-rounded ends of all segments;
 *   - an image accepted in the narrow range is the same in the wide one.
 * For a refused one: the image is all zeros, the reason is a known one, the
 * segments it names exist, and a few reasons are checked against the bytes.
 * The error text stays inside its buffer. Any violation abort()s. */
#include "fuzz.h"

#include "kernel/abi.h"
#include "kernel/elf.h"
#include "kernel/errno.h"

#define PAGE 4096u

/* The range loader_load() passes: above the NULL page, below the gap under
 * the stack's limit. */
#define WIDE_MIN     PAGE
#define WIDE_LIMIT   (USER_STACK_TOP - USER_STACK_LIMIT - USER_STACK_GAP)
/* A narrow one, so that small numbers in the file reach both ends. */
#define NARROW_MIN   USER_BASE
#define NARROW_LIMIT (USER_BASE + 0x10000)

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint64_t page_down(uint64_t a)
{
    return a & ~(uint64_t)(PAGE - 1);
}

static uint64_t end_of(const struct elf_segment *s)
{
    return (uint64_t)s->vaddr + s->memsz;
}

/* Whether the page holding address a is one segment s touches. */
static int touches_page(const struct elf_segment *s, uint64_t a)
{
    return page_down(a) >= page_down(s->vaddr) && page_down(a) <= page_down(end_of(s) - 1);
}

static void check_segment(const uint8_t *file, size_t len, uint32_t min_addr, uint32_t user_limit,
                          const struct elf_segment *s)
{
    const uint8_t *ph = file + fuzz_le32(file + 28) + 32u * (uint32_t)s->phdr;
    uint32_t flags = fuzz_le32(ph + 24);

    if (fuzz_le32(ph) != ELF_PT_LOAD || s->offset != fuzz_le32(ph + 4) ||
        s->vaddr != fuzz_le32(ph + 8) || s->filesz != fuzz_le32(ph + 16) ||
        s->memsz != fuzz_le32(ph + 20) || s->writable != !!(flags & ELF_PF_W) ||
        s->executable != !!(flags & ELF_PF_X))
        FAIL("segment %d is not its program header", s->phdr);
    if (s->memsz == 0 || s->filesz > s->memsz)
        FAIL("segment %d: filesz 0x%x, memsz 0x%x", s->phdr, s->filesz, s->memsz);
    if ((uint64_t)s->offset + s->filesz > len)
        FAIL("segment %d: file bytes 0x%x + 0x%x past the %zu-byte file", s->phdr, s->offset,
             s->filesz, len);
    if (s->vaddr < min_addr || end_of(s) > user_limit)
        FAIL("segment %d: 0x%x + 0x%x outside 0x%x..0x%x", s->phdr, s->vaddr, s->memsz, min_addr,
             user_limit);
}

static void check_image(const uint8_t *file, size_t len, uint32_t min_addr, uint32_t user_limit,
                        const struct elf_image *img)
{
    uint32_t phnum = le16(file + 44);
    uint64_t lowest = UINT64_MAX, highest = 0;
    int entry_ok = 0, shared = 0;

    if (img->nsegments < 1 || img->nsegments > ELF_MAX_SEGMENTS)
        FAIL("%d segments", img->nsegments);
    for (int i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->seg[i];

        if (s->phdr < 0 || (uint32_t)s->phdr >= phnum || (i > 0 && s->phdr <= img->seg[i - 1].phdr))
            FAIL("segment %d comes from program header %d of %u", i, s->phdr, phnum);
        check_segment(file, len, min_addr, user_limit, s);
        if (s->vaddr < lowest)
            lowest = s->vaddr;
        if (end_of(s) > highest)
            highest = end_of(s);
        if (s->executable && img->entry >= s->vaddr && img->entry < end_of(s))
            entry_ok = 1;

        int first = 0, last = 0;
        for (int j = 0; j < img->nsegments; j++) {
            const struct elf_segment *t = &img->seg[j];
            if (j == i)
                continue;
            if (s->vaddr < end_of(t) && t->vaddr < end_of(s))
                FAIL("segments %d and %d overlap", s->phdr, t->phdr);
            first |= touches_page(t, s->vaddr);
            last |= touches_page(t, end_of(s) - 1);
        }
        if (s->shares_first_page != first || s->shares_last_page != last)
            FAIL("segment %d: shares first/last page %d/%d, should be %d/%d", s->phdr,
                 s->shares_first_page, s->shares_last_page, first, last);
        shared |= first | last;
    }
    if (img->shared_pages != shared)
        FAIL("shared_pages %d, should be %d", img->shared_pages, shared);
    if (img->entry != fuzz_le32(file + 24) || !entry_ok)
        FAIL("entry 0x%x is not in an executable segment", img->entry);
    if (img->lowest != page_down(lowest) || img->highest != page_down(highest + PAGE - 1) ||
        img->highest > user_limit)
        FAIL("lowest 0x%x, highest 0x%x for segments 0x%llx..0x%llx", img->lowest, img->highest,
             (unsigned long long)lowest, (unsigned long long)highest);
}

/* Program header i of a file whose table elf_parse() found inside it. */
static const uint8_t *phdr_at(const uint8_t *file, int i)
{
    return file + fuzz_le32(file + 28) + 32u * (uint32_t)i;
}

static void check_refusal(const uint8_t *file, size_t len, uint32_t min_addr, uint32_t user_limit,
                          const struct elf_error *err)
{
    int table_read = err->reason > ELF_ERR_PHDRS_PAST_END;
    uint32_t phnum = table_read ? le16(file + 44) : 0;
    const uint8_t *ph = err->index >= 0 ? phdr_at(file, err->index) : NULL;
    int holds = 1;

    if (err->reason <= ELF_ERR_BAD_LIMITS || err->reason >= ELF_REASON_COUNT ||
        strcmp(elf_error_name(err->reason), "unknown") == 0)
        FAIL("refused with reason %d", err->reason);
    if (err->index < -1 || (err->index >= 0 && (uint32_t)err->index >= phnum))
        FAIL("%s names segment %d of %u", elf_error_name(err->reason), err->index, phnum);
    if ((err->other != -1) != (err->reason == ELF_ERR_OVERLAP) ||
        (err->other >= 0 && (uint32_t)err->other >= phnum))
        FAIL("%s names other segment %d", elf_error_name(err->reason), err->other);

    switch (err->reason) {
    case ELF_ERR_TOO_SHORT:
        holds = len < ELF_EHDR_SIZE;
        break;
    case ELF_ERR_BAD_MAGIC:
        holds = len >= ELF_EHDR_SIZE && fuzz_le32(file) != ELF_MAGIC;
        break;
    case ELF_ERR_PHDRS_PAST_END:
        holds =
            len >= ELF_EHDR_SIZE && (uint64_t)fuzz_le32(file + 28) + 32ull * le16(file + 44) > len;
        break;
    case ELF_ERR_FILE_PAST_END:
        holds = ph && (uint64_t)fuzz_le32(ph + 4) + fuzz_le32(ph + 16) > len;
        break;
    case ELF_ERR_BELOW_MIN:
        holds = ph && fuzz_le32(ph + 8) < min_addr;
        break;
    case ELF_ERR_PAST_LIMIT:
        holds = ph && (uint64_t)fuzz_le32(ph + 8) + fuzz_le32(ph + 20) > user_limit;
        break;
    case ELF_ERR_OVERLAP: {
        if (!ph || err->other < 0)
            FAIL("overlap names segments %d and %d", err->index, err->other);
        const uint8_t *other = phdr_at(file, err->other);
        uint64_t a = fuzz_le32(ph + 8), a_end = a + fuzz_le32(ph + 20);
        uint64_t b = fuzz_le32(other + 8), b_end = b + fuzz_le32(other + 20);
        holds = err->index != err->other && a < b_end && b < a_end;
        break;
    }
    case ELF_ERR_ENTRY_NOT_EXEC:
        holds = err->value == fuzz_le32(file + 24);
        break;
    }
    if (!holds)
        FAIL("refused for %s, but the file does not break that rule", elf_error_name(err->reason));
}

static void check_text(const struct elf_error *err)
{
    static const size_t sizes[] = {400, 0, 23};
    size_t full = 0;

    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        char *buf = fuzz_text_buffer(sizes[k]);
        int n = elf_describe_error(err, buf, sizes[k]);
        size_t got = fuzz_text_length("elf_describe_error", buf, sizes[k]);
        if (k == 0)
            full = got;
        /* snprintf's rule: the length the whole sentence has. */
        if (n < 0 || (size_t)n != full ||
            got != (full < sizes[k] ? full
                    : sizes[k]      ? sizes[k] - 1
                                    : 0))
            FAIL("elf_describe_error returned %d, wrote %zu of %zu bytes", n, got, sizes[k]);
    }
}

static int check_parse(const uint8_t *file, size_t len, uint32_t min_addr, uint32_t user_limit,
                       struct elf_image *img, int with_text)
{
    static const struct elf_image zero;
    struct elf_error err;
    int rc = elf_parse(file, len, min_addr, user_limit, img, &err);

    if (rc == 0) {
        if (err.reason != ELF_OK)
            FAIL("accepted with reason %d", err.reason);
        check_image(file, len, min_addr, user_limit, img);
    } else {
        if (rc != -ENOEXEC || memcmp(img, &zero, sizeof zero) != 0)
            FAIL("refused with rc %d, the image not cleared", rc);
        check_refusal(file, len, min_addr, user_limit, &err);
        if (with_text)
            check_text(&err);
    }
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_image narrow, wide;

    int rc = check_parse(data, size, NARROW_MIN, NARROW_LIMIT, &narrow, 0);
    check_parse(data, size, WIDE_MIN, WIDE_LIMIT, &wide, 1);
    if (rc == 0 && memcmp(&narrow, &wide, sizeof wide) != 0)
        FAIL("accepted in 0x%x..0x%x, but not the same in 0x%x..0x%x", NARROW_MIN, NARROW_LIMIT,
             WIDE_MIN, WIDE_LIMIT);
    return 0;
}
