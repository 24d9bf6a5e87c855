/* ELF32 executable checker (pure core); see elf.h for what the glue does
 * with the result.
 *
 * The file format, as far as a static executable needs it
 * -------------------------------------------------------
 * An ELF file starts with a 52-byte header (all numbers little-endian for
 * i386):
 *
 *   0  e_ident[16]  "\x7fELF", class (1 = 32-bit), data (1 = little-endian),
 *                   version (1), OS ABI, padding
 *   16 e_type       2 = ET_EXEC (1 is an unlinked .o, 3 a shared object or PIE)
 *   18 e_machine    3 = EM_386
 *   20 e_version    1
 *   24 e_entry      virtual address of the first instruction
 *   28 e_phoff      file offset of the program header table
 *   32 e_shoff, 36 e_flags
 *   40 e_ehsize     52     42 e_phentsize  32     44 e_phnum
 *   46 e_shentsize, 48 e_shnum, 50 e_shstrndx
 *
 * A loader needs only the program headers, 32 bytes each:
 *
 *   0 p_type   (1 PT_LOAD, 2 PT_DYNAMIC, 3 PT_INTERP, others ignored here)
 *   4 p_offset   8 p_vaddr   12 p_paddr (ignored)   16 p_filesz
 *   20 p_memsz   24 p_flags (PF_X 1, PF_W 2, PF_R 4)   28 p_align
 *
 * A PT_LOAD says: bytes [p_offset, p_offset + p_filesz) of the file go to
 * [p_vaddr, p_vaddr + p_filesz), and the memory up to p_vaddr + p_memsz is
 * zero (that is where .bss lives). Section headers are for linkers and
 * debuggers; a loader never reads them.
 *
 * How the checks are made
 * -----------------------
 * Every number is read byte by byte as little-endian, so the code works on
 * any host and never reads through an unaligned pointer. Every sum of two
 * numbers from the file is checked without overflowing: "a + b > limit" is
 * written "a > limit || b > limit - a". PT_LOAD segments with memsz 0
 * describe nothing to load: they must have filesz 0 too, and are otherwise
 * ignored (not counted, not returned). Other segment types (PT_NOTE,
 * PT_PHDR, PT_TLS, PT_GNU_STACK, ...) are ignored. The
 * checks run in the order of enum elf_reason:
 *
 *   1. the header, field by field;
 *   2. a pass over every program header: PT_INTERP and PT_DYNAMIC refuse the
 *      file, non-empty PT_LOADs are counted (none, or more than
 *      ELF_MAX_SEGMENTS, refuse it);
 *   3. a pass over the PT_LOADs: file bytes inside the buffer, alignment,
 *      addresses inside [min_addr, user_limit);
 *   4. every pair of segments for overlapping bytes (at most 28 pairs), and
 *      for shared pages;
 *   5. the entry point inside an executable segment.
 */
#include "kernel/elf.h"

#include <string.h>

#include "kernel/errno.h"
#include "kernel/fmt.h"

#define PAGE_MASK ((uint32_t)ELF_PAGE_SIZE - 1)

/* Offsets in the ELF header and in a program header. */
enum {
    EI_CLASS = 4,
    EI_DATA = 5,
    E_TYPE = 16,
    E_MACHINE = 18,
    E_VERSION = 20,
    E_ENTRY = 24,
    E_PHOFF = 28,
    E_EHSIZE = 40,
    E_PHENTSIZE = 42,
    E_PHNUM = 44,
    P_TYPE = 0,
    P_OFFSET = 4,
    P_VADDR = 8,
    P_FILESZ = 16,
    P_MEMSZ = 20,
    P_FLAGS = 24,
    P_ALIGN = 28,
};

struct phdr {
    uint32_t type, offset, vaddr, filesz, memsz, flags, align;
};

static uint16_t read_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t read_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Program header i; the caller has checked that the table is in the buffer. */
static struct phdr read_phdr(const uint8_t *buf, uint32_t phoff, uint32_t i)
{
    const uint8_t *p = buf + phoff + i * ELF_PHDR_SIZE;
    struct phdr ph;

    ph.type = read_le32(p + P_TYPE);
    ph.offset = read_le32(p + P_OFFSET);
    ph.vaddr = read_le32(p + P_VADDR);
    ph.filesz = read_le32(p + P_FILESZ);
    ph.memsz = read_le32(p + P_MEMSZ);
    ph.flags = read_le32(p + P_FLAGS);
    ph.align = read_le32(p + P_ALIGN);
    return ph;
}

/* The buffer length as a 32-bit number for messages (a host buffer could be
 * bigger than 4 GiB; the kernel's never is). */
static uint32_t len32(size_t len)
{
    return len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
}

/* Record why the image was refused. */
static int refuse(struct elf_error *err, int reason, uint32_t value, uint32_t limit, uint32_t extra,
                  int index)
{
    err->reason = reason;
    err->value = value;
    err->limit = limit;
    err->extra = extra;
    err->index = index;
    return -ENOEXEC;
}

static int check_header(const uint8_t *b, size_t len, struct elf_error *err)
{
    uint32_t magic, phoff, phnum;

    if (len < ELF_EHDR_SIZE)
        return refuse(err, ELF_ERR_TOO_SHORT, len32(len), ELF_EHDR_SIZE, 0, -1);
    magic = read_le32(b);
    if (magic != ELF_MAGIC)
        return refuse(err, ELF_ERR_BAD_MAGIC, magic, ELF_MAGIC, 0, -1);
    if (b[EI_CLASS] != ELF_CLASS32)
        return refuse(err, ELF_ERR_NOT_32BIT, b[EI_CLASS], ELF_CLASS32, 0, -1);
    if (b[EI_DATA] != ELF_DATA2LSB)
        return refuse(err, ELF_ERR_NOT_LITTLE, b[EI_DATA], ELF_DATA2LSB, 0, -1);
    if (read_le32(b + E_VERSION) != ELF_EV_CURRENT)
        return refuse(err, ELF_ERR_BAD_VERSION, read_le32(b + E_VERSION), ELF_EV_CURRENT, 0, -1);
    if (read_le16(b + E_TYPE) != ELF_ET_EXEC)
        return refuse(err, ELF_ERR_NOT_EXEC, read_le16(b + E_TYPE), ELF_ET_EXEC, 0, -1);
    if (read_le16(b + E_MACHINE) != ELF_EM_386)
        return refuse(err, ELF_ERR_WRONG_MACHINE, read_le16(b + E_MACHINE), ELF_EM_386, 0, -1);
    if (read_le16(b + E_EHSIZE) != ELF_EHDR_SIZE)
        return refuse(err, ELF_ERR_BAD_EHSIZE, read_le16(b + E_EHSIZE), ELF_EHDR_SIZE, 0, -1);
    if (read_le16(b + E_PHENTSIZE) != ELF_PHDR_SIZE)
        return refuse(err, ELF_ERR_BAD_PHENTSIZE, read_le16(b + E_PHENTSIZE), ELF_PHDR_SIZE, 0, -1);
    /* e_phoff + e_phnum * 32 can pass 4 GiB: compare without adding. The
     * table size is at most 65535 * 32, which fits easily. */
    phoff = read_le32(b + E_PHOFF);
    phnum = read_le16(b + E_PHNUM);
    if (phoff > len || phnum * ELF_PHDR_SIZE > len - phoff)
        return refuse(err, ELF_ERR_PHDRS_PAST_END, phoff, len32(len), phnum, -1);
    return 0;
}

/* Pass 2: refuse what needs a dynamic linker, count the non-empty PT_LOADs. */
static int check_types(const uint8_t *b, uint32_t phoff, uint32_t phnum, struct elf_error *err)
{
    uint32_t nload = 0;
    int first_extra = -1;

    for (uint32_t i = 0; i < phnum; i++) {
        struct phdr ph = read_phdr(b, phoff, i);

        if (ph.type == ELF_PT_INTERP)
            return refuse(err, ELF_ERR_INTERP, ph.type, 0, 0, (int)i);
        if (ph.type == ELF_PT_DYNAMIC)
            return refuse(err, ELF_ERR_DYNAMIC, ph.type, 0, 0, (int)i);
        if (ph.type != ELF_PT_LOAD || ph.memsz == 0)
            continue;
        if (++nload == ELF_MAX_SEGMENTS + 1)
            first_extra = (int)i;
    }
    if (nload == 0)
        return refuse(err, ELF_ERR_NO_LOAD, phnum, 0, 0, -1);
    if (nload > ELF_MAX_SEGMENTS)
        return refuse(err, ELF_ERR_TOO_MANY_LOADS, nload, ELF_MAX_SEGMENTS, 0, first_extra);
    return 0;
}

/* Pass 3 for one PT_LOAD: everything that can be judged on its own. An
 * empty one (memsz 0) is only checked for filesz <= memsz, then ignored. */
static int check_load(const struct phdr *ph, int i, size_t len, uint32_t min_addr,
                      uint32_t user_limit, struct elf_error *err)
{
    if (ph->filesz > ph->memsz)
        return refuse(err, ELF_ERR_FILESZ_GT_MEMSZ, ph->filesz, ph->memsz, 0, i);
    if (ph->memsz == 0)
        return 0; /* nothing to load: where it claims to be does not matter */
    if (ph->offset > len || ph->filesz > len - ph->offset)
        return refuse(err, ELF_ERR_FILE_PAST_END, ph->offset, len32(len), ph->filesz, i);
    /* 0 and 1 both mean "no alignment". A power of two has one bit set. */
    if (ph->align > 1) {
        if ((ph->align & (ph->align - 1)) != 0)
            return refuse(err, ELF_ERR_ALIGN_NOT_POW2, ph->align, 0, 0, i);
        /* Unsigned subtraction wraps modulo 2^32, which any power of two
         * divides, so the low bits are right even when offset > vaddr. */
        if (((ph->vaddr - ph->offset) & (ph->align - 1)) != 0)
            return refuse(err, ELF_ERR_ALIGN_MISMATCH, ph->vaddr, ph->align, ph->offset, i);
    }
    /* The end, vaddr + memsz, must be a 32-bit number: memsz <= 2^32 - 1 - vaddr. */
    if (ph->memsz > UINT32_MAX - ph->vaddr)
        return refuse(err, ELF_ERR_ADDR_WRAPS, ph->vaddr, 0, ph->memsz, i);
    if (ph->vaddr < min_addr)
        return refuse(err, ELF_ERR_BELOW_MIN, ph->vaddr, min_addr, 0, i);
    if (ph->vaddr + ph->memsz > user_limit)
        return refuse(err, ELF_ERR_PAST_LIMIT, ph->vaddr + ph->memsz, user_limit, ph->vaddr, i);
    return 0;
}

static uint32_t seg_end(const struct elf_segment *s)
{
    return s->vaddr + s->memsz; /* checked not to wrap */
}

static uint32_t page_down(uint32_t a)
{
    return a & ~PAGE_MASK;
}

/* The page holding the segment's last byte. */
static uint32_t last_page(const struct elf_segment *s)
{
    return page_down(seg_end(s) - 1);
}

static bool page_in(uint32_t page, const struct elf_segment *s)
{
    return page >= page_down(s->vaddr) && page <= last_page(s);
}

/* Pass 4: no two segments share a byte; note the pages they share. */
static int check_overlaps(struct elf_image *img, struct elf_error *err)
{
    for (int i = 0; i < img->nsegments; i++) {
        for (int j = i + 1; j < img->nsegments; j++) {
            struct elf_segment *a = &img->seg[i], *b = &img->seg[j];
            /* lo starts first (or at the same address); they overlap if hi
             * starts before lo ends. */
            struct elf_segment *lo = a->vaddr <= b->vaddr ? a : b;
            struct elf_segment *hi = lo == a ? b : a;

            if (hi->vaddr < seg_end(lo)) {
                err->other = lo->phdr;
                return refuse(err, ELF_ERR_OVERLAP, hi->vaddr, seg_end(lo), lo->vaddr, hi->phdr);
            }
            if (page_in(page_down(a->vaddr), b))
                a->shares_first_page = true;
            if (page_in(last_page(a), b))
                a->shares_last_page = true;
            if (page_in(page_down(b->vaddr), a))
                b->shares_first_page = true;
            if (page_in(last_page(b), a))
                b->shares_last_page = true;
            if (a->shares_first_page || a->shares_last_page || b->shares_first_page ||
                b->shares_last_page)
                img->shared_pages = true;
        }
    }
    return 0;
}

/* Pass 5: the first instruction must be in an executable segment. */
static int check_entry(const struct elf_image *img, struct elf_error *err)
{
    int holder = -1;

    for (int i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->seg[i];

        if (img->entry >= s->vaddr && img->entry - s->vaddr < s->memsz) {
            if (s->executable)
                return 0;
            holder = s->phdr;
        }
    }
    return refuse(err, ELF_ERR_ENTRY_NOT_EXEC, img->entry, 0, 0, holder);
}

static int parse(const uint8_t *b, size_t len, uint32_t min_addr, uint32_t user_limit,
                 struct elf_image *img, struct elf_error *err)
{
    uint32_t phoff, phnum, highest_end = 0;
    int rc;

    if ((min_addr & PAGE_MASK) || (user_limit & PAGE_MASK) || min_addr >= user_limit) {
        refuse(err, ELF_ERR_BAD_LIMITS, min_addr, user_limit, 0, -1);
        return -EINVAL;
    }
    rc = check_header(b, len, err);
    if (rc)
        return rc;
    phoff = read_le32(b + E_PHOFF);
    phnum = read_le16(b + E_PHNUM);
    rc = check_types(b, phoff, phnum, err);
    if (rc)
        return rc;

    img->entry = read_le32(b + E_ENTRY);
    img->lowest = UINT32_MAX;
    for (uint32_t i = 0; i < phnum; i++) {
        struct phdr ph = read_phdr(b, phoff, i);
        struct elf_segment *s;

        if (ph.type != ELF_PT_LOAD)
            continue;
        rc = check_load(&ph, (int)i, len, min_addr, user_limit, err);
        if (rc)
            return rc;
        if (ph.memsz == 0)
            continue;
        /* check_types() counted these: there is room. */
        s = &img->seg[img->nsegments++];
        s->vaddr = ph.vaddr;
        s->memsz = ph.memsz;
        s->filesz = ph.filesz;
        s->offset = ph.offset;
        s->writable = (ph.flags & ELF_PF_W) != 0;
        s->executable = (ph.flags & ELF_PF_X) != 0;
        s->phdr = (int)i;
        if (s->vaddr < img->lowest)
            img->lowest = s->vaddr;
        if (seg_end(s) > highest_end)
            highest_end = seg_end(s);
    }
    img->lowest = page_down(img->lowest);
    /* highest_end <= user_limit, which is page-aligned: rounding up cannot wrap. */
    img->highest = page_down(highest_end + PAGE_MASK);

    rc = check_overlaps(img, err);
    if (rc)
        return rc;
    return check_entry(img, err);
}

int elf_parse(const void *buf, size_t len, uint32_t min_addr, uint32_t user_limit,
              struct elf_image *img, struct elf_error *err)
{
    struct elf_error scratch;
    int rc;

    if (!err)
        err = &scratch;
    if (!buf)
        len = 0;
    memset(img, 0, sizeof(*img));
    memset(err, 0, sizeof(*err));
    err->index = -1;
    err->other = -1;
    rc = parse(buf, len, min_addr, user_limit, img, err);
    if (rc)
        memset(img, 0, sizeof(*img));
    return rc;
}

static const char *const reason_names[ELF_REASON_COUNT] = {
    [ELF_OK] = "ok",
    [ELF_ERR_BAD_LIMITS] = "bad-limits",
    [ELF_ERR_TOO_SHORT] = "too-short",
    [ELF_ERR_BAD_MAGIC] = "bad-magic",
    [ELF_ERR_NOT_32BIT] = "not-32bit",
    [ELF_ERR_NOT_LITTLE] = "not-little-endian",
    [ELF_ERR_BAD_VERSION] = "bad-version",
    [ELF_ERR_NOT_EXEC] = "not-executable",
    [ELF_ERR_WRONG_MACHINE] = "wrong-machine",
    [ELF_ERR_BAD_EHSIZE] = "bad-ehsize",
    [ELF_ERR_BAD_PHENTSIZE] = "bad-phentsize",
    [ELF_ERR_PHDRS_PAST_END] = "phdrs-past-end",
    [ELF_ERR_INTERP] = "interp",
    [ELF_ERR_DYNAMIC] = "dynamic",
    [ELF_ERR_NO_LOAD] = "no-load",
    [ELF_ERR_TOO_MANY_LOADS] = "too-many-loads",
    [ELF_ERR_FILESZ_GT_MEMSZ] = "filesz-gt-memsz",
    [ELF_ERR_FILE_PAST_END] = "file-past-end",
    [ELF_ERR_ALIGN_NOT_POW2] = "align-not-pow2",
    [ELF_ERR_ALIGN_MISMATCH] = "align-mismatch",
    [ELF_ERR_ADDR_WRAPS] = "addr-wraps",
    [ELF_ERR_BELOW_MIN] = "below-min",
    [ELF_ERR_PAST_LIMIT] = "past-limit",
    [ELF_ERR_OVERLAP] = "overlap",
    [ELF_ERR_ENTRY_NOT_EXEC] = "entry-not-exec",
};

const char *elf_error_name(int reason)
{
    if (reason < 0 || reason >= ELF_REASON_COUNT || !reason_names[reason])
        return "unknown";
    return reason_names[reason];
}

static char printable(uint32_t c)
{
    return c >= 0x20 && c < 0x7f ? (char)c : '.';
}

static int describe_magic(const struct elf_error *e, char *buf, size_t size)
{
    uint32_t v = e->value;
    char text[5];

    for (int i = 0; i < 4; i++)
        text[i] = printable((v >> (8 * i)) & 0xff);
    text[4] = '\0';
    return fmt_snprintf(buf, size,
                        "not an ELF file: it starts with %02x %02x %02x %02x (\"%s\"), "
                        "not 7f 45 4c 46 (\"\\x7fELF\")",
                        v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24, text);
}

static int describe_type(const struct elf_error *e, char *buf, size_t size)
{
    switch (e->value) {
    case ELF_ET_REL:
        return fmt_snprintf(buf, size,
                            "e_type 1 (ET_REL) is an object file, not an executable: link it");
    case ELF_ET_DYN:
        return fmt_snprintf(buf, size,
                            "e_type 3 (ET_DYN) is a shared object or position-independent "
                            "executable: link with -static -no-pie");
    case ELF_ET_CORE:
        return fmt_snprintf(buf, size, "e_type 4 (ET_CORE) is a core dump, not an executable");
    default:
        return fmt_snprintf(buf, size, "e_type %u is not an executable (expected 2, ET_EXEC)",
                            e->value);
    }
}

static int describe_entry(const struct elf_error *e, char *buf, size_t size)
{
    if (e->index < 0)
        return fmt_snprintf(buf, size, "entry point 0x%x is outside every loadable segment",
                            e->value);
    return fmt_snprintf(buf, size,
                        "entry point 0x%x is in segment %d, which is not executable (no PF_X)",
                        e->value, e->index);
}

int elf_describe_error(const struct elf_error *e, char *buf, size_t size)
{
    switch (e->reason) {
    case ELF_OK:
        return fmt_snprintf(buf, size, "no error");
    case ELF_ERR_BAD_LIMITS:
        return fmt_snprintf(buf, size,
                            "bad user range 0x%x..0x%x: both ends must be page-aligned and the "
                            "range not empty",
                            e->value, e->limit);
    case ELF_ERR_TOO_SHORT:
        return fmt_snprintf(buf, size, "file of %u bytes is shorter than the %u-byte ELF header",
                            e->value, e->limit);
    case ELF_ERR_BAD_MAGIC:
        return describe_magic(e, buf, size);
    case ELF_ERR_NOT_32BIT:
        if (e->value == 2)
            return fmt_snprintf(buf, size,
                                "64-bit ELF file (EI_CLASS 2): build for i386 (-m32 or "
                                "--target=i686-elf)");
        return fmt_snprintf(buf, size, "EI_CLASS %u is not 32-bit ELF (expected 1)", e->value);
    case ELF_ERR_NOT_LITTLE:
        if (e->value == 2)
            return fmt_snprintf(buf, size,
                                "big-endian ELF file (EI_DATA 2): i386 is little-endian");
        return fmt_snprintf(buf, size, "EI_DATA %u is not little-endian (expected 1)", e->value);
    case ELF_ERR_BAD_VERSION:
        return fmt_snprintf(buf, size, "e_version %u is not supported (expected 1)", e->value);
    case ELF_ERR_NOT_EXEC:
        return describe_type(e, buf, size);
    case ELF_ERR_WRONG_MACHINE:
        if (e->value == ELF_EM_X86_64)
            return fmt_snprintf(buf, size,
                                "e_machine 62 is x86-64: build for i386 (expected 3, EM_386)");
        return fmt_snprintf(buf, size, "e_machine %u is not i386 (expected 3, EM_386)", e->value);
    case ELF_ERR_BAD_EHSIZE:
        return fmt_snprintf(buf, size, "e_ehsize %u is not the ELF32 header size %u", e->value,
                            e->limit);
    case ELF_ERR_BAD_PHENTSIZE:
        return fmt_snprintf(buf, size, "e_phentsize %u is not the ELF32 program header size %u",
                            e->value, e->limit);
    case ELF_ERR_PHDRS_PAST_END:
        return fmt_snprintf(buf, size,
                            "program header table (%u entries at offset 0x%x) runs past the end "
                            "of the %u-byte file",
                            e->extra, e->value, e->limit);
    case ELF_ERR_INTERP:
        return fmt_snprintf(buf, size,
                            "segment %d is PT_INTERP: dynamically linked programs are not "
                            "supported (link with -static)",
                            e->index);
    case ELF_ERR_DYNAMIC:
        return fmt_snprintf(buf, size,
                            "segment %d is PT_DYNAMIC: programs that need relocating are not "
                            "supported (link with -static -no-pie)",
                            e->index);
    case ELF_ERR_NO_LOAD:
        return fmt_snprintf(buf, size, "none of the %u program headers is a non-empty PT_LOAD",
                            e->value);
    case ELF_ERR_TOO_MANY_LOADS:
        return fmt_snprintf(buf, size,
                            "%u PT_LOAD segments, more than the %u supported (segment %d "
                            "is one too many)",
                            e->value, e->limit, e->index);
    case ELF_ERR_FILESZ_GT_MEMSZ:
        return fmt_snprintf(buf, size,
                            "segment %d has more file bytes (p_filesz 0x%x) than memory "
                            "(p_memsz 0x%x)",
                            e->index, e->value, e->limit);
    case ELF_ERR_FILE_PAST_END:
        return fmt_snprintf(buf, size,
                            "segment %d's 0x%x file bytes at offset 0x%x run past the end of the "
                            "%u-byte file",
                            e->index, e->extra, e->value, e->limit);
    case ELF_ERR_ALIGN_NOT_POW2:
        return fmt_snprintf(buf, size, "segment %d has p_align 0x%x, not a power of two", e->index,
                            e->value);
    case ELF_ERR_ALIGN_MISMATCH:
        return fmt_snprintf(buf, size,
                            "segment %d's address 0x%x and file offset 0x%x differ by a "
                            "non-multiple of its p_align 0x%x",
                            e->index, e->value, e->extra, e->limit);
    case ELF_ERR_ADDR_WRAPS:
        return fmt_snprintf(buf, size,
                            "segment %d at 0x%x with p_memsz 0x%x runs past the 4 GiB address "
                            "space",
                            e->index, e->value, e->extra);
    case ELF_ERR_BELOW_MIN:
        return fmt_snprintf(buf, size,
                            "segment %d starts at 0x%x, below the lowest user address 0x%x",
                            e->index, e->value, e->limit);
    case ELF_ERR_PAST_LIMIT:
        return fmt_snprintf(buf, size,
                            "segment %d ends at 0x%x, past 0x%x, the end of the addresses a "
                            "program may use",
                            e->index, e->value, e->limit);
    case ELF_ERR_OVERLAP:
        return fmt_snprintf(buf, size,
                            "segment %d starts at 0x%x, inside segment %d (0x%x..0x%x): they "
                            "overlap",
                            e->index, e->value, e->other, e->extra, e->limit);
    case ELF_ERR_ENTRY_NOT_EXEC:
        return describe_entry(e, buf, size);
    default:
        return fmt_snprintf(buf, size, "unknown ELF error %d", e->reason);
    }
}
