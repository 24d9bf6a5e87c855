/* Host tests of the ELF32 executable checker (src/kernel/elf.c).
 *
 * The images are assembled here, field by field at the offsets the System V
 * ABI gives, independently of the parser's own offset table. The parser is
 * always handed a heap block of exactly the image's length, so AddressSanitizer
 * reports any read past the end. */
#include "unit.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/elf.h"
#include "kernel/errno.h"

#define MIN_ADDR     0x1000u
#define USER_LIMIT   0xC0000000u
#define PT_NOTE      4
#define PT_PHDR      6
#define PT_TLS       7
#define PT_GNU_STACK 0x6474e551u
#define R            ELF_PF_R
#define W            ELF_PF_W
#define X            ELF_PF_X

struct tphdr {
    uint32_t type, offset, vaddr, filesz, memsz, flags, align;
};

/* Everything that goes into an image; spec_default() makes a good one. */
struct spec {
    uint8_t magic[4], class, data;
    uint16_t type, machine, ehsize, phentsize, phnum;
    uint32_t version, entry, phoff;
    int nph; /* program headers written (phnum is what the header claims) */
    struct tphdr ph[12];
    size_t len; /* total file length */
};

static uint8_t image[0x10000];
static size_t image_len;
static struct elf_image img;
static struct elf_error err;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void set_phdrs(struct spec *s, int n)
{
    s->nph = n;
    s->phnum = (uint16_t)n;
}

/* A static executable as GNU ld lays it out: text (with the headers) in one
 * page-aligned segment, data + bss in another, plus a PT_GNU_STACK.
 *   0 LOAD off 0x0    vaddr 0x08048000 filesz 0x1234 memsz 0x1234 R X
 *   1 LOAD off 0x2000 vaddr 0x0804a000 filesz 0x100  memsz 0x2100 R W
 *   2 GNU_STACK                                                  R W
 * The data's file bytes end the file, so any truncation cuts into them. */
static struct spec spec_default(void)
{
    struct spec s = {
        .magic = {0x7f, 'E', 'L', 'F'},
        .class = 1,
        .data = 1,
        .type = 2,
        .machine = 3,
        .ehsize = 52,
        .phentsize = 32,
        .version = 1,
        .entry = 0x08048100,
        .phoff = 52,
        .len = 0x2100,
    };
    s.ph[0] = (struct tphdr){1, 0x0, 0x08048000, 0x1234, 0x1234, R | X, 0x1000};
    s.ph[1] = (struct tphdr){1, 0x2000, 0x0804a000, 0x100, 0x2100, R | W, 0x1000};
    s.ph[2] = (struct tphdr){PT_GNU_STACK, 0, 0, 0, 0, R | W, 16};
    set_phdrs(&s, 3);
    return s;
}

/* As lld packs it: the data starts right after the text in the file and in
 * the same page in memory (0x08049000 holds the end of text and the start of
 * data). Congruent modulo 0x1000: 0x08049234 - 0x1234 = 0x08048000. */
static struct spec spec_packed(void)
{
    struct spec s = spec_default();

    s.ph[1] = (struct tphdr){1, 0x1234, 0x08049234, 0x100, 0x800, R | W, 0x1000};
    s.len = 0x1334;
    return s;
}

/* Writes s into image[] and returns its length. The bytes that are not
 * headers get a pattern, so that the text is not all zeros. */
static size_t build(const struct spec *s)
{
    uint8_t *b = image;

    ck_assert_uint_le(s->len, sizeof(image));
    for (size_t i = 0; i < s->len; i++)
        b[i] = (uint8_t)(i * 7 + 1);
    memcpy(b, s->magic, 4);
    b[4] = s->class;
    b[5] = s->data;
    b[6] = 1; /* EI_VERSION */
    memset(b + 7, 0, 9);
    put16(b + 16, s->type);
    put16(b + 18, s->machine);
    put32(b + 20, s->version);
    put32(b + 24, s->entry);
    put32(b + 28, s->phoff);
    put32(b + 32, 0); /* e_shoff: no section headers */
    put32(b + 36, 0);
    put16(b + 40, s->ehsize);
    put16(b + 42, s->phentsize);
    put16(b + 44, s->phnum);
    put16(b + 46, 40);
    put16(b + 48, 0);
    put16(b + 50, 0);
    for (int i = 0; i < s->nph; i++) {
        size_t at = s->phoff + 32 * (size_t)i;
        const struct tphdr *p = &s->ph[i];

        if (at + 32 > s->len)
            break; /* tests of a table past the end write what fits */
        put32(b + at, p->type);
        put32(b + at + 4, p->offset);
        put32(b + at + 8, p->vaddr);
        put32(b + at + 12, p->vaddr); /* p_paddr */
        put32(b + at + 16, p->filesz);
        put32(b + at + 20, p->memsz);
        put32(b + at + 24, p->flags);
        put32(b + at + 28, p->align);
    }
    image_len = s->len;
    return s->len;
}

/* Parses the first len bytes of image[] from a heap block of exactly len
 * bytes (ASan then catches any read past the end). */
static int parse_len(size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    ck_assert_ptr_nonnull(copy);
    memcpy(copy, image, len);
    rc = elf_parse(copy, len, MIN_ADDR, USER_LIMIT, &img, &err);
    free(copy);
    return rc;
}

static int parse_spec(const struct spec *s)
{
    return parse_len(build(s));
}

static const char *describe(void)
{
    static char text[300];

    elf_describe_error(&err, text, sizeof(text));
    return text;
}

/* Asserts a refusal with its reason and the values it names. */
#define ck_refused(rc, why, val, lim, idx)                                                         \
    do {                                                                                           \
        ck_assert_int_eq((rc), -ENOEXEC);                                                          \
        ck_assert_str_eq(elf_error_name(err.reason), elf_error_name(why));                         \
        ck_assert_uint_eq(err.value, (val));                                                       \
        ck_assert_uint_eq(err.limit, (lim));                                                       \
        ck_assert_int_eq(err.index, (idx));                                                        \
        ck_assert_int_eq(img.nsegments, 0);                                                        \
    } while (0)

/* ---- good images ---- */

START_TEST(text_data_bss)
{
    struct spec s = spec_default();

    ck_assert_int_eq(parse_spec(&s), 0);
    ck_assert_int_eq(err.reason, ELF_OK);
    ck_assert_int_eq(err.index, -1);
    ck_assert_uint_eq(img.entry, 0x08048100);
    ck_assert_int_eq(img.nsegments, 2);

    ck_assert_uint_eq(img.seg[0].vaddr, 0x08048000);
    ck_assert_uint_eq(img.seg[0].memsz, 0x1234);
    ck_assert_uint_eq(img.seg[0].filesz, 0x1234);
    ck_assert_uint_eq(img.seg[0].offset, 0);
    ck_assert(img.seg[0].executable && !img.seg[0].writable);
    ck_assert_int_eq(img.seg[0].phdr, 0);

    ck_assert_uint_eq(img.seg[1].vaddr, 0x0804a000);
    ck_assert_uint_eq(img.seg[1].memsz, 0x2100); /* 0x2000 bytes of bss */
    ck_assert_uint_eq(img.seg[1].filesz, 0x100);
    ck_assert_uint_eq(img.seg[1].offset, 0x2000);
    ck_assert(!img.seg[1].executable && img.seg[1].writable);
    ck_assert_int_eq(img.seg[1].phdr, 1);

    ck_assert_uint_eq(img.lowest, 0x08048000);
    ck_assert_uint_eq(img.highest, 0x0804d000); /* page_up(0x0804c100) */
    ck_assert(!img.shared_pages);
    for (int i = 0; i < 2; i++)
        ck_assert(!img.seg[i].shares_first_page && !img.seg[i].shares_last_page);
}
END_TEST

START_TEST(unaligned_buffer)
{
    struct spec s = spec_default();
    size_t len = build(&s);
    uint8_t *copy = malloc(len + 3);

    /* Odd address: any cast of the buffer to a struct pointer would be a
     * misaligned access, which UBSan stops on. */
    for (int shift = 1; shift <= 3; shift++) {
        memcpy(copy + shift, image, len);
        ck_assert_int_eq(elf_parse(copy + shift, len, MIN_ADDR, USER_LIMIT, &img, &err), 0);
        ck_assert_int_eq(img.nsegments, 2);
    }
    free(copy);
}
END_TEST

START_TEST(packed_segments_share_a_page)
{
    struct spec s = spec_packed();

    ck_assert_int_eq(parse_spec(&s), 0);
    ck_assert_int_eq(img.nsegments, 2);
    ck_assert(img.shared_pages);
    /* Text: 0x08048000..0x08049234, its last page 0x08049000 holds data. */
    ck_assert(!img.seg[0].shares_first_page);
    ck_assert(img.seg[0].shares_last_page);
    /* Data: 0x08049234..0x08049a34, a single page, shared at both ends. */
    ck_assert(img.seg[1].shares_first_page);
    ck_assert(img.seg[1].shares_last_page);
    ck_assert_uint_eq(img.lowest, 0x08048000);
    ck_assert_uint_eq(img.highest, 0x0804a000);

    /* Data ends exactly at a page boundary below the text's next page: a
     * segment's end is exclusive, so 0x0804a000 is not a shared page. */
    s.ph[0] = (struct tphdr){1, 0x1000, 0x0804a000, 0x100, 0x100, R | X, 0x1000};
    s.ph[1] = (struct tphdr){1, 0x0, 0x08049000, 0x1000, 0x1000, R | W, 0x1000};
    s.entry = 0x0804a000;
    s.len = 0x1100;
    ck_assert_int_eq(parse_spec(&s), 0);
    ck_assert(!img.shared_pages);
}
END_TEST

START_TEST(other_segment_types_are_ignored)
{
    struct spec s = spec_default();

    s.ph[2] = (struct tphdr){ELF_PT_NULL, 0xdeadbeef, 0, 0, 0, 0, 0};
    s.ph[3] = (struct tphdr){PT_NOTE, 0x100, 0x08048100, 0x20, 0x20, R, 4};
    s.ph[4] = (struct tphdr){PT_PHDR, 52, 0x08048034, 0xc0, 0xc0, R, 4};
    s.ph[5] = (struct tphdr){PT_TLS, 0x2000, 0x0804a000, 0x10, 0x20, R, 4};
    s.ph[6] = (struct tphdr){PT_GNU_STACK, 0, 0, 0, 0, R | W, 16};
    /* Values that would be refused in a PT_LOAD: ignored in other types. */
    s.ph[7] =
        (struct tphdr){0x6474e552 /* GNU_RELRO */, 0xffffff00, 0xfffff000, 0x1000, 0x5000, R, 3};
    /* An empty PT_LOAD describes nothing to load: not counted, not returned,
     * its address not judged. */
    s.ph[8] = (struct tphdr){1, 0xffffff00, 0xc0000000, 0, 0, R | W, 0x1000};
    set_phdrs(&s, 9);
    ck_assert_int_eq(parse_spec(&s), 0);
    ck_assert_int_eq(img.nsegments, 2);
    ck_assert_int_eq(img.seg[0].phdr, 0);
    ck_assert_int_eq(img.seg[1].phdr, 1);
}
END_TEST

START_TEST(alignment_zero_or_one_means_none)
{
    struct spec s = spec_default();

    s.ph[1].offset = 0x2010; /* vaddr 0x0804a000: not congruent mod 0x1000 */
    s.len = 0x2110;
    s.ph[1].align = 0;
    ck_assert_int_eq(parse_spec(&s), 0);
    s.ph[1].align = 1;
    ck_assert_int_eq(parse_spec(&s), 0);
    s.ph[1].align = 16; /* 0x0804a000 - 0x2010 = 0x08047ff0: a multiple of 16 */
    ck_assert_int_eq(parse_spec(&s), 0);
    ck_assert_uint_eq(img.seg[1].offset, 0x2010);
}
END_TEST

START_TEST(limits_are_inclusive_of_the_edges)
{
    struct spec s = spec_default();

    /* First byte at min_addr, last byte just below user_limit. */
    s.ph[0].vaddr = MIN_ADDR;
    s.entry = MIN_ADDR;
    s.ph[1].vaddr = (USER_LIMIT - 0x2100) & ~0xfffu; /* keeps offset 0x2000 congruent */
    s.ph[1].memsz = USER_LIMIT - s.ph[1].vaddr;
    ck_assert_int_eq(parse_spec(&s), 0);
    ck_assert_uint_eq(img.lowest, MIN_ADDR);
    ck_assert_uint_eq(img.highest, USER_LIMIT);
    ck_assert_uint_eq(img.seg[1].vaddr + img.seg[1].memsz, USER_LIMIT);

    /* File bytes ending exactly at the end of the file. */
    s = spec_default();
    ck_assert_uint_eq(s.ph[1].offset + s.ph[1].filesz, s.len);
    ck_assert_int_eq(parse_spec(&s), 0);
    /* The entry at the last byte of the text segment. */
    s.entry = 0x08048000 + 0x1234 - 1;
    ck_assert_int_eq(parse_spec(&s), 0);
}
END_TEST

START_TEST(eight_loads_are_enough)
{
    struct spec s = spec_default();

    s.len = 0x200;
    s.entry = 0x08048010;
    for (int i = 0; i < ELF_MAX_SEGMENTS; i++)
        s.ph[i] = (struct tphdr){
            1, 0, 0x08048000 + 0x1000 * (uint32_t)i, 0x100, 0x100, i == 0 ? (R | X) : R, 0x1000};
    set_phdrs(&s, ELF_MAX_SEGMENTS);
    ck_assert_int_eq(parse_spec(&s), 0);
    ck_assert_int_eq(img.nsegments, ELF_MAX_SEGMENTS);
    ck_assert_uint_eq(img.highest, 0x08050000);
}
END_TEST

/* ---- the header ---- */

START_TEST(too_short)
{
    ck_refused(elf_parse(NULL, 0, MIN_ADDR, USER_LIMIT, &img, &err), ELF_ERR_TOO_SHORT, 0, 52, -1);
    struct spec s = spec_default();

    build(&s);
    ck_refused(parse_len(51), ELF_ERR_TOO_SHORT, 51, 52, -1);
    ck_assert_str_eq(describe(), "file of 51 bytes is shorter than the 52-byte ELF header");
    /* A NULL buffer counts as empty whatever len says. */
    ck_refused(elf_parse(NULL, 4096, MIN_ADDR, USER_LIMIT, &img, &err), ELF_ERR_TOO_SHORT, 0, 52,
               -1);
}
END_TEST

START_TEST(bad_magic)
{
    struct spec s = spec_default();

    memcpy(s.magic, "MZ\x90", 4); /* a DOS/Windows executable */
    ck_refused(parse_spec(&s), ELF_ERR_BAD_MAGIC, 0x00905a4d, ELF_MAGIC, -1);
    ck_assert_str_eq(describe(), "not an ELF file: it starts with 4d 5a 90 00 (\"MZ..\"), "
                                 "not 7f 45 4c 46 (\"\\x7fELF\")");
    s = spec_default();
    s.magic[0] = 0x7e;
    ck_refused(parse_spec(&s), ELF_ERR_BAD_MAGIC, 0x464c457e, ELF_MAGIC, -1);
    s = spec_default();
    s.magic[3] = 'f';
    ck_refused(parse_spec(&s), ELF_ERR_BAD_MAGIC, 0x664c457f, ELF_MAGIC, -1);
}
END_TEST

START_TEST(not_32bit)
{
    struct spec s = spec_default();

    s.class = 2;
    ck_refused(parse_spec(&s), ELF_ERR_NOT_32BIT, 2, 1, -1);
    ck_assert_ptr_nonnull(strstr(describe(), "64-bit"));
    s.class = 0;
    ck_refused(parse_spec(&s), ELF_ERR_NOT_32BIT, 0, 1, -1);
}
END_TEST

START_TEST(not_little_endian)
{
    struct spec s = spec_default();

    s.data = 2;
    ck_refused(parse_spec(&s), ELF_ERR_NOT_LITTLE, 2, 1, -1);
    ck_assert_ptr_nonnull(strstr(describe(), "big-endian"));
    s.data = 0;
    ck_refused(parse_spec(&s), ELF_ERR_NOT_LITTLE, 0, 1, -1);
}
END_TEST

START_TEST(bad_version)
{
    struct spec s = spec_default();

    s.version = 0;
    ck_refused(parse_spec(&s), ELF_ERR_BAD_VERSION, 0, 1, -1);
    s.version = 0x01000000; /* 1 byte-swapped */
    ck_refused(parse_spec(&s), ELF_ERR_BAD_VERSION, 0x01000000, 1, -1);
}
END_TEST

START_TEST(not_an_executable)
{
    struct spec s = spec_default();

    s.type = 3; /* ET_DYN: a PIE */
    ck_refused(parse_spec(&s), ELF_ERR_NOT_EXEC, 3, 2, -1);
    ck_assert_ptr_nonnull(strstr(describe(), "-static -no-pie"));
    s.type = 1; /* ET_REL: a .o */
    ck_refused(parse_spec(&s), ELF_ERR_NOT_EXEC, 1, 2, -1);
    ck_assert_ptr_nonnull(strstr(describe(), "object file"));
    s.type = 0xfe00; /* ET_LOOS: the 16 bits are read whole */
    ck_refused(parse_spec(&s), ELF_ERR_NOT_EXEC, 0xfe00, 2, -1);
}
END_TEST

START_TEST(wrong_machine)
{
    struct spec s = spec_default();

    s.machine = 62; /* EM_X86_64 */
    ck_refused(parse_spec(&s), ELF_ERR_WRONG_MACHINE, 62, 3, -1);
    ck_assert_str_eq(describe(), "e_machine 62 is x86-64: build for i386 (expected 3, EM_386)");
    s.machine = 0x0103; /* 3 in the low byte only */
    ck_refused(parse_spec(&s), ELF_ERR_WRONG_MACHINE, 0x103, 3, -1);
}
END_TEST

START_TEST(bad_header_sizes)
{
    struct spec s = spec_default();

    s.ehsize = 64; /* the ELF64 header size */
    ck_refused(parse_spec(&s), ELF_ERR_BAD_EHSIZE, 64, 52, -1);
    s = spec_default();
    s.phentsize = 56; /* the ELF64 program header size */
    ck_refused(parse_spec(&s), ELF_ERR_BAD_PHENTSIZE, 56, 32, -1);
    s.phentsize = 0;
    ck_refused(parse_spec(&s), ELF_ERR_BAD_PHENTSIZE, 0, 32, -1);
}
END_TEST

START_TEST(phdrs_past_end)
{
    struct spec s = spec_default();

    /* Table of 3 * 32 bytes starting 95 bytes before the end. */
    s.phoff = (uint32_t)s.len - 95;
    ck_refused(parse_spec(&s), ELF_ERR_PHDRS_PAST_END, s.len - 95, s.len, -1);
    ck_assert_uint_eq(err.extra, 3);
    ck_assert_str_eq(describe(), "program header table (3 entries at offset 0x20a1) runs past "
                                 "the end of the 8448-byte file");
    /* Offset past the end. */
    s.phoff = (uint32_t)s.len + 1;
    ck_refused(parse_spec(&s), ELF_ERR_PHDRS_PAST_END, s.len + 1, s.len, -1);
    /* 0xffffffe0 + 32 wraps to 0 in 32 bits: a naive sum would pass. */
    s.phoff = 0xffffffe0;
    ck_refused(parse_spec(&s), ELF_ERR_PHDRS_PAST_END, 0xffffffe0, s.len, -1);
    /* 65535 entries claimed, 3 present. */
    s = spec_default();
    s.phnum = 0xffff;
    ck_refused(parse_spec(&s), ELF_ERR_PHDRS_PAST_END, 52, s.len, -1);
    ck_assert_uint_eq(err.extra, 0xffff);
    /* Exactly at the end is fine. */
    s = spec_default();
    s.len = 0x2100 + 96;
    s.phoff = 0x2100;
    ck_assert_int_eq(parse_spec(&s), 0);
}
END_TEST

/* ---- the program header table ---- */

START_TEST(interp_and_dynamic)
{
    struct spec s = spec_default();

    s.ph[2] = (struct tphdr){ELF_PT_INTERP, 0x200, 0x08048200, 0x13, 0x13, R, 1};
    ck_refused(parse_spec(&s), ELF_ERR_INTERP, 3, 0, 2);
    ck_assert_str_eq(describe(), "segment 2 is PT_INTERP: dynamically linked programs are not "
                                 "supported (link with -static)");
    s.ph[2] = (struct tphdr){ELF_PT_DYNAMIC, 0x2000, 0x0804a000, 0x80, 0x80, R | W, 4};
    ck_refused(parse_spec(&s), ELF_ERR_DYNAMIC, 2, 0, 2);
    /* Found even before any PT_LOAD, and even if a PT_LOAD is bad. */
    s = spec_default();
    s.ph[0].vaddr = 0;
    s.ph[2] = s.ph[1];
    s.ph[1] = (struct tphdr){ELF_PT_INTERP, 0x200, 0x08048200, 0x13, 0x13, R, 1};
    ck_refused(parse_spec(&s), ELF_ERR_INTERP, 3, 0, 1);
}
END_TEST

START_TEST(no_load)
{
    struct spec s = spec_default();

    set_phdrs(&s, 0);
    ck_refused(parse_spec(&s), ELF_ERR_NO_LOAD, 0, 0, -1);
    s = spec_default();
    s.ph[0].type = PT_NOTE;
    s.ph[1].type = PT_NOTE;
    ck_refused(parse_spec(&s), ELF_ERR_NO_LOAD, 3, 0, -1);
    ck_assert_str_eq(describe(), "none of the 3 program headers is a non-empty PT_LOAD");
    /* Only empty PT_LOADs. */
    s = spec_default();
    s.ph[0].filesz = s.ph[0].memsz = 0;
    s.ph[1].filesz = s.ph[1].memsz = 0;
    ck_refused(parse_spec(&s), ELF_ERR_NO_LOAD, 3, 0, -1);
}
END_TEST

START_TEST(too_many_loads)
{
    struct spec s = spec_default();

    s.len = 0x200; /* room for 11 program headers */
    s.ph[0] = (struct tphdr){PT_NOTE, 0, 0, 0, 0, 0, 0};
    for (int i = 1; i <= 10; i++)
        s.ph[i] =
            (struct tphdr){1, 0, 0x08048000 + 0x1000 * (uint32_t)i, 0x100, 0x100, R | X, 0x1000};
    s.ph[3].memsz = s.ph[3].filesz = 0; /* empty: not counted */
    set_phdrs(&s, 11);
    /* Loads at 1, 2, 4, 5, 6, 7, 8, 9, 10: the ninth is header 10. */
    ck_refused(parse_spec(&s), ELF_ERR_TOO_MANY_LOADS, 9, ELF_MAX_SEGMENTS, 10);
    ck_assert_str_eq(describe(),
                     "9 PT_LOAD segments, more than the 8 supported (segment 10 is one too many)");
}
END_TEST

/* ---- each PT_LOAD ---- */

START_TEST(filesz_gt_memsz)
{
    struct spec s = spec_default();

    s.ph[1].filesz = 0x2101;
    s.len = 0x4101;
    ck_refused(parse_spec(&s), ELF_ERR_FILESZ_GT_MEMSZ, 0x2101, 0x2100, 1);
    /* An empty segment must not claim file bytes either. */
    s = spec_default();
    s.ph[2] = (struct tphdr){1, 0, 0x08050000, 1, 0, R, 0x1000};
    ck_refused(parse_spec(&s), ELF_ERR_FILESZ_GT_MEMSZ, 1, 0, 2);
}
END_TEST

START_TEST(file_past_end)
{
    struct spec s = spec_default();

    s.ph[1].filesz = 0x101; /* one byte past the end */
    ck_refused(parse_spec(&s), ELF_ERR_FILE_PAST_END, 0x2000, 0x2100, 1);
    ck_assert_uint_eq(err.extra, 0x101);
    ck_assert_str_eq(describe(), "segment 1's 0x101 file bytes at offset 0x2000 run past the end "
                                 "of the 8448-byte file");
    /* offset + filesz = 0xfffff000 + 0x2000 wraps to 0x1000, inside the file. */
    s = spec_default();
    s.ph[1] = (struct tphdr){1, 0xfffff000, 0x0804a000, 0x2000, 0x2000, R | W, 0x1000};
    ck_refused(parse_spec(&s), ELF_ERR_FILE_PAST_END, 0xfffff000, 0x2100, 1);
    /* Offset past the end, no file bytes: still refused. */
    s.ph[1] = (struct tphdr){1, 0x3000, 0x0804b000, 0, 0x1000, R | W, 0x1000};
    ck_refused(parse_spec(&s), ELF_ERR_FILE_PAST_END, 0x3000, 0x2100, 1);
}
END_TEST

START_TEST(bad_alignment)
{
    struct spec s = spec_default();

    s.ph[0].align = 0x1800;
    ck_refused(parse_spec(&s), ELF_ERR_ALIGN_NOT_POW2, 0x1800, 0, 0);
    ck_assert_str_eq(describe(), "segment 0 has p_align 0x1800, not a power of two");
    s.ph[0].align = 3;
    ck_refused(parse_spec(&s), ELF_ERR_ALIGN_NOT_POW2, 3, 0, 0);
    s.ph[0].align = 0xffffffff;
    ck_refused(parse_spec(&s), ELF_ERR_ALIGN_NOT_POW2, 0xffffffff, 0, 0);

    s = spec_default();
    s.ph[1].vaddr = 0x0804a010; /* offset 0x2000 */
    ck_refused(parse_spec(&s), ELF_ERR_ALIGN_MISMATCH, 0x0804a010, 0x1000, 1);
    ck_assert_uint_eq(err.extra, 0x2000);
    ck_assert_str_eq(describe(), "segment 1's address 0x804a010 and file offset 0x2000 differ by "
                                 "a non-multiple of its p_align 0x1000");
    /* Offset above vaddr: the difference wraps, the rule still holds. */
    s = spec_default();
    s.ph[1] = (struct tphdr){1, 0x2000, 0x1000, 0x100, 0x100, R | W, 0x1000};
    ck_assert_int_eq(parse_spec(&s), 0);
    s.ph[1].offset = 0x2004;
    s.len = 0x2104;
    ck_refused(parse_spec(&s), ELF_ERR_ALIGN_MISMATCH, 0x1000, 0x1000, 1);
    /* 2^31 is a power of two. */
    s = spec_default();
    s.ph[0].align = 0x80000000;
    s.ph[0].vaddr = 0x80000000;
    s.entry = 0x80000100;
    ck_assert_int_eq(parse_spec(&s), 0);
}
END_TEST

START_TEST(address_wraps)
{
    struct spec s = spec_default();

    s.ph[1] = (struct tphdr){1, 0x2000, 0xfffff000, 0x100, 0x2000, R | W, 0x1000};
    ck_refused(parse_spec(&s), ELF_ERR_ADDR_WRAPS, 0xfffff000, 0, 1);
    ck_assert_uint_eq(err.extra, 0x2000);
    ck_assert_str_eq(describe(), "segment 1 at 0xfffff000 with p_memsz 0x2000 runs past the "
                                 "4 GiB address space");
    /* Ending exactly at 4 GiB: the end is not a 32-bit number either. */
    s.ph[1].memsz = 0x1000;
    ck_refused(parse_spec(&s), ELF_ERR_ADDR_WRAPS, 0xfffff000, 0, 1);
    s.ph[1].memsz = 0xfff;
    ck_refused(parse_spec(&s), ELF_ERR_PAST_LIMIT, 0xffffffff, USER_LIMIT, 1);
}
END_TEST

START_TEST(below_min_addr)
{
    struct spec s = spec_default();

    s.ph[0].vaddr = 0; /* a program linked at 0: its page 0 is never mapped */
    s.entry = 0x100;
    ck_refused(parse_spec(&s), ELF_ERR_BELOW_MIN, 0, MIN_ADDR, 0);
    ck_assert_str_eq(describe(), "segment 0 starts at 0x0, below the lowest user address 0x1000");
    s.ph[0].align = 0;
    s.ph[0].vaddr = 0xfff;
    ck_refused(parse_spec(&s), ELF_ERR_BELOW_MIN, 0xfff, MIN_ADDR, 0);
}
END_TEST

START_TEST(past_limit)
{
    struct spec s = spec_default();

    /* Data + bss end one page into the kernel half. */
    s.ph[1].vaddr = 0xc0001000 - 0x2100;
    s.ph[1].align = 0;
    ck_refused(parse_spec(&s), ELF_ERR_PAST_LIMIT, 0xc0001000, USER_LIMIT, 1);
    ck_assert_uint_eq(err.extra, 0xc0001000 - 0x2100);
    ck_assert_str_eq(describe(),
                     "segment 1 ends at 0xc0001000, past 0xc0000000, the end of the addresses a "
                     "program may use");
    /* One byte too many. */
    s.ph[1].vaddr = USER_LIMIT - 0x2100 + 1;
    ck_refused(parse_spec(&s), ELF_ERR_PAST_LIMIT, USER_LIMIT + 1, USER_LIMIT, 1);
    /* Entirely inside it (the kernel's own link address). */
    s = spec_default();
    s.ph[0].vaddr = 0xc0100000;
    s.entry = 0xc0100000;
    ck_refused(parse_spec(&s), ELF_ERR_PAST_LIMIT, 0xc0101234, USER_LIMIT, 0);
    /* Other limits are honoured. */
    s = spec_default();
    ck_assert_int_eq(elf_parse(image, build(&s), 0x08049000, USER_LIMIT, &img, &err), -ENOEXEC);
    ck_assert_int_eq(err.reason, ELF_ERR_BELOW_MIN);
    ck_refused(elf_parse(image, build(&s), MIN_ADDR, 0x0804c000, &img, &err), ELF_ERR_PAST_LIMIT,
               0x0804c100, 0x0804c000, 1);
}
END_TEST

START_TEST(overlapping_segments)
{
    struct spec s = spec_default();

    /* Data starting in the text's last bytes (congruence kept: align 0). */
    s.ph[1].vaddr = 0x08049230;
    s.ph[1].align = 0;
    ck_refused(parse_spec(&s), ELF_ERR_OVERLAP, 0x08049230, 0x08049234, 1);
    ck_assert_int_eq(err.other, 0);
    ck_assert_uint_eq(err.extra, 0x08048000);
    ck_assert_str_eq(describe(), "segment 1 starts at 0x8049230, inside segment 0 "
                                 "(0x8048000..0x8049234): they overlap");
    /* The same, listed the other way round: the later-starting one is named. */
    s.ph[2] = s.ph[0];
    s.ph[0] = s.ph[1];
    s.ph[1] = s.ph[2];
    s.ph[2] = (struct tphdr){PT_GNU_STACK, 0, 0, 0, 0, R | W, 16};
    ck_refused(parse_spec(&s), ELF_ERR_OVERLAP, 0x08049230, 0x08049234, 0);
    ck_assert_int_eq(err.other, 1);
    /* Same start address. */
    s = spec_default();
    s.ph[1].vaddr = 0x08048000;
    s.ph[1].offset = 0x1000;
    s.ph[1].filesz = 0x100;
    s.ph[1].memsz = 0x100;
    ck_refused(parse_spec(&s), ELF_ERR_OVERLAP, 0x08048000, 0x08049234, 1);
    ck_assert_int_eq(err.other, 0);
    /* One inside the other, with a segment in between in the table. */
    s = spec_default();
    s.ph[2] = (struct tphdr){1, 0x100, 0x08048100, 0x10, 0x10, R, 0x1000};
    ck_refused(parse_spec(&s), ELF_ERR_OVERLAP, 0x08048100, 0x08049234, 2);
    ck_assert_int_eq(err.other, 0);
    /* Touching is not overlapping. */
    s = spec_default();
    s.ph[1].vaddr = 0x08049234;
    s.ph[1].align = 0;
    ck_assert_int_eq(parse_spec(&s), 0);
    ck_assert(img.shared_pages);
}
END_TEST

START_TEST(entry_not_executable)
{
    struct spec s = spec_default();

    s.entry = 0x0804a010; /* in the data */
    ck_refused(parse_spec(&s), ELF_ERR_ENTRY_NOT_EXEC, 0x0804a010, 0, 1);
    ck_assert_str_eq(describe(),
                     "entry point 0x804a010 is in segment 1, which is not executable (no PF_X)");
    s.entry = 0x08049234; /* one past the text */
    ck_refused(parse_spec(&s), ELF_ERR_ENTRY_NOT_EXEC, 0x08049234, 0, -1);
    ck_assert_str_eq(describe(), "entry point 0x8049234 is outside every loadable segment");
    s.entry = 0;
    ck_refused(parse_spec(&s), ELF_ERR_ENTRY_NOT_EXEC, 0, 0, -1);
    /* In a PT_NOTE that says X: not a loadable segment. */
    s.ph[2] = (struct tphdr){PT_NOTE, 0, 0x09000000, 0x10, 0x10, R | X, 4};
    s.entry = 0x09000000;
    ck_refused(parse_spec(&s), ELF_ERR_ENTRY_NOT_EXEC, 0x09000000, 0, -1);
    /* Text without PF_X. */
    s = spec_default();
    s.ph[0].flags = R;
    ck_refused(parse_spec(&s), ELF_ERR_ENTRY_NOT_EXEC, 0x08048100, 0, 0);
}
END_TEST

START_TEST(bad_limits_are_a_caller_bug)
{
    struct spec s = spec_default();
    size_t len = build(&s);

    ck_assert_int_eq(elf_parse(image, len, 0x1001, USER_LIMIT, &img, &err), -EINVAL);
    ck_assert_int_eq(err.reason, ELF_ERR_BAD_LIMITS);
    ck_assert_int_eq(elf_parse(image, len, MIN_ADDR, 0xffffffff, &img, &err), -EINVAL);
    ck_assert_int_eq(elf_parse(image, len, USER_LIMIT, USER_LIMIT, &img, &err), -EINVAL);
    ck_assert_uint_eq(err.value, USER_LIMIT);
    /* err may be NULL. */
    ck_assert_int_eq(elf_parse(image, len, MIN_ADDR, USER_LIMIT, &img, NULL), 0);
    ck_assert_int_eq(elf_parse(image, 10, MIN_ADDR, USER_LIMIT, &img, NULL), -ENOEXEC);
}
END_TEST

/* Refusal leaves nothing half-filled behind. */
START_TEST(refusal_clears_the_image)
{
    struct spec s = spec_default();

    ck_assert_int_eq(parse_spec(&s), 0);
    s.entry = 0x0804a010;
    ck_assert_int_eq(parse_spec(&s), -ENOEXEC);
    ck_assert_int_eq(img.nsegments, 0);
    ck_assert_uint_eq(img.entry, 0);
    ck_assert_uint_eq(img.lowest, 0);
    ck_assert_uint_eq(img.highest, 0);
    ck_assert_uint_eq(img.seg[0].memsz, 0);
}
END_TEST

/* ---- names and sentences ---- */

START_TEST(names_and_descriptions)
{
    char text[300], small[8];

    ck_assert_str_eq(elf_error_name(ELF_OK), "ok");
    ck_assert_str_eq(elf_error_name(ELF_ERR_PAST_LIMIT), "past-limit");
    ck_assert_str_eq(elf_error_name(-1), "unknown");
    ck_assert_str_eq(elf_error_name(ELF_REASON_COUNT), "unknown");
    for (int r = 0; r < ELF_REASON_COUNT; r++) {
        struct elf_error e = {
            .reason = r, .value = 7, .limit = 8, .extra = 9, .index = 1, .other = 0};
        int n = elf_describe_error(&e, text, sizeof(text));

        ck_assert_str_ne(elf_error_name(r), "unknown");
        for (int q = 0; q < r; q++)
            ck_assert_str_ne(elf_error_name(r), elf_error_name(q));
        ck_assert_int_gt(n, 0);
        ck_assert_int_eq(n, (int)strlen(text));
        ck_assert_ptr_null(strstr(text, "unknown"));
        /* Cut to fit, always terminated, same length reported. */
        memset(small, 'x', sizeof(small));
        ck_assert_int_eq(elf_describe_error(&e, small, sizeof(small)), n);
        ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
        ck_assert_int_eq(elf_describe_error(&e, NULL, 0), n);
    }
    struct elf_error e = {.reason = 99};
    elf_describe_error(&e, text, sizeof(text));
    ck_assert_str_eq(text, "unknown ELF error 99");
}
END_TEST

/* ---- hostile input ---- */

static void truncate_every_length(const struct spec *s)
{
    size_t full = build(s);

    for (size_t len = 0; len < full; len++) {
        int rc = parse_len(len);

        ck_assert_msg(rc == -ENOEXEC, "length %zu of %zu accepted", len, full);
        if (len < 52)
            ck_assert_int_eq(err.reason, ELF_ERR_TOO_SHORT);
        else if (len < 52 + 32 * (size_t)s->nph)
            ck_assert_int_eq(err.reason, ELF_ERR_PHDRS_PAST_END);
        else
            ck_assert_int_eq(err.reason, ELF_ERR_FILE_PAST_END);
    }
    ck_assert_int_eq(parse_len(full), 0);
}

START_TEST(truncated_at_every_length)
{
    struct spec s = spec_default();

    truncate_every_length(&s);
    s = spec_packed();
    truncate_every_length(&s);
}
END_TEST

/* xorshift32: the same sequence on every host. */
static uint32_t rng_state = 0x2545f491;

static uint32_t rng(void)
{
    uint32_t x = rng_state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

/* What a loader relies on, checked on every image the parser accepts. */
static void check_invariants(const struct elf_image *m, size_t len, int iter)
{
    bool entry_ok = false;

    expect_msg(m->nsegments >= 1 && m->nsegments <= ELF_MAX_SEGMENTS, "iter %d", iter);
    for (int i = 0; i < m->nsegments; i++) {
        const struct elf_segment *a = &m->seg[i];
        uint64_t end = (uint64_t)a->vaddr + a->memsz;

        expect_msg(a->memsz > 0 && a->filesz <= a->memsz, "iter %d seg %d", iter, i);
        expect_msg(a->vaddr >= MIN_ADDR && end <= USER_LIMIT, "iter %d seg %d at 0x%x+0x%x",
                      iter, i, a->vaddr, a->memsz);
        expect_msg((uint64_t)a->offset + a->filesz <= len, "iter %d seg %d", iter, i);
        expect_msg(m->lowest <= a->vaddr && end <= m->highest, "iter %d seg %d", iter, i);
        for (int j = 0; j < i; j++) {
            const struct elf_segment *b = &m->seg[j];

            expect_msg(end <= b->vaddr || (uint64_t)b->vaddr + b->memsz <= a->vaddr,
                          "iter %d: segments %d and %d overlap", iter, j, i);
        }
        if (a->executable && m->entry >= a->vaddr && m->entry < end)
            entry_ok = true;
    }
    expect_msg(entry_ok, "iter %d: entry 0x%x", iter, m->entry);
    expect_msg(m->lowest % ELF_PAGE_SIZE == 0 && m->highest % ELF_PAGE_SIZE == 0 &&
                      m->highest <= USER_LIMIT && m->lowest >= MIN_ADDR,
                  "iter %d", iter);
}

START_TEST(random_byte_flips)
{
    enum { ITERATIONS = 100000 };
    struct spec s = spec_packed();
    size_t len = build(&s);
    uint8_t *good = malloc(len), *buf = malloc(len);
    int accepted = 0, seen[ELF_REASON_COUNT] = {0}, kinds = 0;

    memcpy(good, image, len);
    for (int iter = 0; iter < ITERATIONS; iter++) {
        int flips = 1 + (int)(rng() % 4);

        memcpy(buf, good, len);
        for (int k = 0; k < flips; k++) {
            /* Mostly the headers (the first 148 bytes), where it matters. */
            uint32_t r = rng();
            size_t at = (r & 3) ? (r >> 8) % 148 : (r >> 8) % len;

            buf[at] ^= (uint8_t)(1u << (rng() % 8));
            if ((r & 0xf0) == 0) /* sometimes a whole random byte */
                buf[at] = (uint8_t)rng();
        }
        if (elf_parse(buf, len, MIN_ADDR, USER_LIMIT, &img, &err) == 0) {
            accepted++;
            check_invariants(&img, len, iter);
        } else {
            expect_msg(err.reason > ELF_ERR_BAD_LIMITS && err.reason < ELF_REASON_COUNT,
                          "iter %d: reason %d", iter, err.reason);
            expect_int_eq(img.nsegments, 0);
            seen[err.reason]++;
        }
    }
    for (int r = 0; r < ELF_REASON_COUNT; r++)
        kinds += seen[r] > 0;
    /* Not a vacuous run: plenty of both outcomes and many kinds of refusal. */
    ck_assert_int_gt(accepted, ITERATIONS / 100);
    ck_assert_int_lt(accepted, ITERATIONS - ITERATIONS / 10);
    ck_assert_int_ge(kinds, 15);
    free(good);
    free(buf);
}
END_TEST

static Suite *elf_suite(void)
{
    Suite *s = suite_create("elf");
    TCase *good = tcase_create("good");
    TCase *header = tcase_create("header");
    TCase *segments = tcase_create("segments");
    TCase *hostile = tcase_create("hostile");

    tcase_add_test(good, text_data_bss);
    tcase_add_test(good, unaligned_buffer);
    tcase_add_test(good, packed_segments_share_a_page);
    tcase_add_test(good, other_segment_types_are_ignored);
    tcase_add_test(good, alignment_zero_or_one_means_none);
    tcase_add_test(good, limits_are_inclusive_of_the_edges);
    tcase_add_test(good, eight_loads_are_enough);
    suite_add_tcase(s, good);

    tcase_add_test(header, too_short);
    tcase_add_test(header, bad_magic);
    tcase_add_test(header, not_32bit);
    tcase_add_test(header, not_little_endian);
    tcase_add_test(header, bad_version);
    tcase_add_test(header, not_an_executable);
    tcase_add_test(header, wrong_machine);
    tcase_add_test(header, bad_header_sizes);
    tcase_add_test(header, phdrs_past_end);
    suite_add_tcase(s, header);

    tcase_add_test(segments, interp_and_dynamic);
    tcase_add_test(segments, no_load);
    tcase_add_test(segments, too_many_loads);
    tcase_add_test(segments, filesz_gt_memsz);
    tcase_add_test(segments, file_past_end);
    tcase_add_test(segments, bad_alignment);
    tcase_add_test(segments, address_wraps);
    tcase_add_test(segments, below_min_addr);
    tcase_add_test(segments, past_limit);
    tcase_add_test(segments, overlapping_segments);
    tcase_add_test(segments, entry_not_executable);
    tcase_add_test(segments, bad_limits_are_a_caller_bug);
    tcase_add_test(segments, refusal_clears_the_image);
    tcase_add_test(segments, names_and_descriptions);
    suite_add_tcase(s, segments);

    /* 100,000 parses under ASan: give them room on a slow machine. */
    tcase_set_timeout(hostile, 120);
    tcase_add_test(hostile, truncated_at_every_length);
    tcase_add_test(hostile, random_byte_flips);
    suite_add_tcase(s, hostile);
    return s;
}

int main(void)
{
    return unit_run(elf_suite());
}
