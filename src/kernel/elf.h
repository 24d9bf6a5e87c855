/* ELF32 executable checker, a pure core (no hardware, no globals).
 *
 * The user program arrives as a Multiboot module: a byte buffer the kernel
 * did not write and must not trust. elf_parse() checks that it is a static
 * i386 executable that fits the user half of the address space and describes
 * the PT_LOAD segments to load; the glue then maps the pages and copies the
 * bytes. A refusal comes back as a reason and the values that broke the rule;
 * elf_describe_error() turns it into one sentence for the console.
 *
 * "Segment N" always means program header N, counted from 0, the numbering
 * `readelf -l` uses in its "Section to Segment mapping".
 *
 * What the glue must do with a parsed image
 * -----------------------------------------
 * For each seg[i]: the pages from page_down(vaddr) to page_up(vaddr + memsz)
 * must be mapped user-accessible, writable if the segment is writable; the
 * filesz bytes at buf + offset are copied to vaddr, and the memsz - filesz
 * bytes after them (the .bss) are zero.
 *
 * Segments never share a byte, but two of them may share a PAGE: the last
 * page of .text may hold the first bytes of .data (GNU ld and lld both pack
 * segments like that unless told to page-align them). The parser marks those
 * pages with shares_first_page / shares_last_page, and img->shared_pages
 * tells whether there are any. The glue must then:
 *   - map such a page once (a second allocation would throw away the bytes
 *     the first segment copied there);
 *   - give it the union of both segments' rights: writable if either is
 *     (i386 paging without PAE has no no-execute bit, so only the writable
 *     bit matters). A read-only text page that shares a page with data is
 *     therefore writable: the price of packed segments;
 *   - zero only the byte ranges [vaddr + filesz, vaddr + memsz), or zero
 *     every fresh page before copying, never a whole page after another
 *     segment's bytes went in.
 * The simplest correct glue: allocate and zero every page of
 * [img->lowest, img->highest) that any segment touches, once, writable if any
 * writable segment touches it; then copy each segment's file bytes.
 */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 8 /* non-empty PT_LOAD segments an image may have */
#define ELF_PAGE_SIZE    4096

/* The on-file format (System V ABI, ELF32, i386 supplement). */
#define ELF_EHDR_SIZE  52          /* e_ehsize of every ELF32 file */
#define ELF_PHDR_SIZE  32          /* e_phentsize of every ELF32 file */
#define ELF_MAGIC      0x464c457fu /* "\x7fELF" read as a little-endian word */
#define ELF_CLASS32    1
#define ELF_DATA2LSB   1
#define ELF_EV_CURRENT 1
#define ELF_ET_REL     1
#define ELF_ET_EXEC    2
#define ELF_ET_DYN     3
#define ELF_ET_CORE    4
#define ELF_EM_386     3
#define ELF_EM_X86_64  62
#define ELF_PT_NULL    0
#define ELF_PT_LOAD    1
#define ELF_PT_DYNAMIC 2
#define ELF_PT_INTERP  3
#define ELF_PF_X       1
#define ELF_PF_W       2
#define ELF_PF_R       4

/* Why an image was refused, in the order the checks run: the first rule
 * broken is the one reported. "value", "limit", "extra" are the fields of
 * struct elf_error; "index" is -1 unless a segment is named. */
enum elf_reason {
    ELF_OK = 0,
    ELF_ERR_BAD_LIMITS,      /* caller bug (-EINVAL): value min_addr, limit user_limit;
                                both must be page-aligned and min_addr < user_limit */
    ELF_ERR_TOO_SHORT,       /* value len, limit 52 */
    ELF_ERR_BAD_MAGIC,       /* value the first 4 bytes as a LE word, limit ELF_MAGIC */
    ELF_ERR_NOT_32BIT,       /* value EI_CLASS, limit 1 */
    ELF_ERR_NOT_LITTLE,      /* value EI_DATA, limit 1 */
    ELF_ERR_BAD_VERSION,     /* value e_version, limit 1 */
    ELF_ERR_NOT_EXEC,        /* value e_type, limit ET_EXEC */
    ELF_ERR_WRONG_MACHINE,   /* value e_machine, limit EM_386 */
    ELF_ERR_BAD_EHSIZE,      /* value e_ehsize, limit 52 */
    ELF_ERR_BAD_PHENTSIZE,   /* value e_phentsize, limit 32 */
    ELF_ERR_PHDRS_PAST_END,  /* value e_phoff, extra e_phnum, limit len */
    ELF_ERR_INTERP,          /* PT_INTERP at index: needs a dynamic linker */
    ELF_ERR_DYNAMIC,         /* PT_DYNAMIC at index: needs relocating */
    ELF_ERR_NO_LOAD,         /* value e_phnum: no PT_LOAD with memsz > 0 */
    ELF_ERR_TOO_MANY_LOADS,  /* value PT_LOAD count, limit ELF_MAX_SEGMENTS, index the first
                                one over the limit */
    ELF_ERR_FILESZ_GT_MEMSZ, /* value p_filesz, limit p_memsz */
    ELF_ERR_FILE_PAST_END,   /* value p_offset, extra p_filesz, limit len */
    ELF_ERR_ALIGN_NOT_POW2,  /* value p_align */
    ELF_ERR_ALIGN_MISMATCH,  /* value p_vaddr, extra p_offset, limit p_align:
                                p_vaddr - p_offset is not a multiple of p_align */
    ELF_ERR_ADDR_WRAPS,      /* value p_vaddr, extra p_memsz: the end is past 4 GiB */
    ELF_ERR_BELOW_MIN,       /* value p_vaddr, limit min_addr */
    ELF_ERR_PAST_LIMIT,      /* value p_vaddr + p_memsz (the end), extra p_vaddr,
                                 limit user_limit */
    ELF_ERR_OVERLAP,         /* value the start of segment index, limit the end of
                                segment other, which starts at or below it (extra) */
    ELF_ERR_ENTRY_NOT_EXEC,  /* value e_entry; index the non-executable segment holding it,
                                or -1 if no segment holds it */
};

#define ELF_REASON_COUNT (ELF_ERR_ENTRY_NOT_EXEC + 1)

/* One PT_LOAD segment to load; never empty (memsz > 0). */
struct elf_segment {
    uint32_t vaddr;  /* first byte; min_addr <= vaddr */
    uint32_t memsz;  /* vaddr + memsz <= user_limit */
    uint32_t filesz; /* <= memsz; bytes to copy, the rest is zero */
    uint32_t offset; /* of the file bytes in the buffer; offset + filesz <= len */
    bool writable;   /* PF_W */
    bool executable; /* PF_X */
    /* Another segment has bytes in the page holding vaddr (first) or the one
     * holding vaddr + memsz - 1 (last); see the top of this file. */
    bool shares_first_page;
    bool shares_last_page;
    int phdr; /* program header index: "segment N" in messages */
};

struct elf_image {
    uint32_t entry; /* inside an executable segment */
    int nsegments;  /* 1..ELF_MAX_SEGMENTS, in program header order */
    struct elf_segment seg[ELF_MAX_SEGMENTS];
    uint32_t lowest;   /* page_down of the lowest vaddr */
    uint32_t highest;  /* page_up of the highest end (exclusive), <= user_limit */
    bool shared_pages; /* some page holds bytes of two segments */
};

struct elf_error {
    int reason;     /* enum elf_reason; ELF_OK after a successful parse */
    uint32_t value; /* the offending value (see enum elf_reason) */
    uint32_t limit; /* the bound it broke, or the value expected */
    uint32_t extra; /* a second number some reasons need */
    int index;      /* the segment (program header) concerned, or -1 */
    int other;      /* ELF_ERR_OVERLAP: the segment it collides with; else -1 */
};

/* Checks buf[0..len) (any alignment; NULL counts as empty) and fills img.
 * min_addr is the lowest address user code may use (0x1000: page 0 is never
 * mapped), user_limit the first it may not (0xC0000000); both page-aligned.
 * Returns 0, -ENOEXEC with err saying why, or -EINVAL (ELF_ERR_BAD_LIMITS)
 * for bad min_addr/user_limit. On failure img is all zeros. err may be NULL. */
int elf_parse(const void *buf, size_t len, uint32_t min_addr, uint32_t user_limit,
              struct elf_image *img, struct elf_error *err);

/* A short stable name for a reason, e.g. "kernel-half", for logs and test
 * patterns; "unknown" for a number that is not a reason. */
const char *elf_error_name(int reason);

/* One sentence, no newline, naming the values, e.g. "segment 1 ends at
 * 0xc0001000, inside the kernel half (limit 0xc0000000)". Writes at most size
 * bytes including the NUL and returns the length the whole sentence has, as
 * snprintf does. */
int elf_describe_error(const struct elf_error *err, char *buf, size_t size);

#endif
