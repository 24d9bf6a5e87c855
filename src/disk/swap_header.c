/* Linux swap area header parser (pure core).
 *
 * The on-disk format
 * ------------------
 * `mkswap` turns a partition into a swap area by writing one page, the
 * first, and nothing else. That page is the header; it is never used to
 * hold swapped data, so page 0 of the area is lost and swap slots start at
 * page 1. On a machine with 4 KiB pages the header page looks like this
 * (all numbers are 32-bit, in the byte order of the machine that ran mkswap,
 * which for a PC is little-endian):
 *
 *   0    .. 1023   "boot bits": left untouched so that a boot loader or a
 *                  disk label living there survives; we ignore them
 *   1024           version: 1 (the only version Linux still accepts)
 *   1028           last_page: number of the last page swap may use. mkswap
 *                  writes (area size in pages) - 1, so pages 1..last_page
 *                  are usable: last_page pages in all
 *   1032           nr_badpages: how many entries the bad-page list has
 *   1036 .. 1051   UUID, 16 raw bytes in the order they are printed
 *   1052 .. 1067   label (mkswap -L), padded with NUL bytes; mkswap keeps at
 *                  most 15 characters, but a full 16 without a NUL is legal
 *   1068 .. 1535   unused (117 words of zeros)
 *   1536 ..        bad-page list: nr_badpages page numbers that must never
 *                  be used (mkswap -c finds them by test-reading the area)
 *   4086 .. 4095   the magic "SWAPSPACE2", 10 bytes, no NUL
 *
 * The magic sits at the very end of the page because the original (version
 * 0) format, marked "SWAP-SPACE", used the rest of the page as a bitmap of
 * good pages. The bad-page list can grow up to the magic: (4086 - 1536) / 4
 * = 637 entries at most.
 *
 * What we check
 * -------------
 * The same things Linux checks when it turns swap on, plus that the header
 * fits the partition it sits in: the magic (telling the old format apart),
 * version 1, a last_page that is not 0 and lies inside the partition, a
 * bad-page count that fits in the page and is not more than the pages it
 * describes, and bad-page numbers in 1..last_page. We also refuse repeated
 * bad-page numbers (they would make the count of usable pages wrong) and a
 * list that marks every usable page bad.
 *
 * A header made on a big-endian machine (PowerPC, s390, ...) has the right
 * magic (it is bytes, not a number) but every number byte-swapped, so the
 * version reads as 0x01000000. Linux swaps it back; we only recognise it and
 * refuse it with a message that says so, as a teaching kernel for one
 * architecture has no business using such a disk.
 *
 * All numbers are read byte by byte as little-endian, so the code neither
 * depends on the host's byte order nor reads through unaligned pointers.
 */
#include "disk/swap_header.h"

#include <string.h>

#include "kernel/errno.h"
#include "kernel/fmt.h"

static uint32_t read_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint32_t byte_swap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
}

static bool is_printable(uint8_t c)
{
    return c >= 0x20 && c < 0x7F;
}

/* Record why the header was refused and return the error code. */
static int refuse(struct swap_header *out, enum swap_header_reason reason, uint32_t value,
                  uint32_t limit, uint32_t index)
{
    out->reason = reason;
    out->value = value;
    out->limit = limit;
    out->index = index;
    return -EINVAL;
}

/* Copy the fields that need no judgement: UUID and label. */
static void read_identity(const uint8_t *buf, struct swap_header *out)
{
    memcpy(out->uuid, buf + SWAP_HEADER_UUID_OFFSET, SWAP_HEADER_UUID_LEN);
    for (unsigned i = 0; i < SWAP_HEADER_UUID_LEN; i++) {
        if (out->uuid[i] != 0)
            out->has_uuid = true;
    }
    for (unsigned i = 0; i < SWAP_HEADER_LABEL_LEN; i++) {
        char c = (char)buf[SWAP_HEADER_LABEL_OFFSET + i];

        if (c == '\0')
            break;
        out->label[i] = c;
    }
}

/* Read and check the bad-page list; nr_badpages is already known to fit. */
static int read_badpages(const uint8_t *buf, struct swap_header *out)
{
    for (uint32_t i = 0; i < out->nr_badpages; i++) {
        uint32_t page = read_le32(buf + SWAP_HEADER_BADPAGES_OFFSET + 4 * i);

        if (page == 0 || page > out->last_page)
            return refuse(out, SWAP_HEADER_BADPAGE_OUT_OF_RANGE, page, out->last_page, i);
        /* At most 637 entries: the quadratic search costs nothing at boot. */
        for (uint32_t j = 0; j < i; j++) {
            if (out->badpages[j] == page)
                return refuse(out, SWAP_HEADER_BADPAGE_DUPLICATE, page, j, i);
        }
        out->badpages[i] = page;
    }
    return 0;
}

int swap_header_parse(const uint8_t *buf, size_t len, uint32_t partition_pages,
                      struct swap_header *out)
{
    const uint8_t *magic;
    int err;

    memset(out, 0, sizeof(*out));
    if (len < SWAP_HEADER_PAGE_SIZE)
        return refuse(out, SWAP_HEADER_TOO_SHORT, (uint32_t)len, SWAP_HEADER_PAGE_SIZE, 0);

    magic = buf + SWAP_HEADER_MAGIC_OFFSET;

    for (unsigned i = 0; i < SWAP_HEADER_MAGIC_LEN; i++)
        out->found_magic[i] = is_printable(magic[i]) ? (char)magic[i] : '.';
    if (memcmp(magic, SWAP_HEADER_MAGIC, SWAP_HEADER_MAGIC_LEN) != 0) {
        if (memcmp(magic, SWAP_HEADER_OLD_MAGIC, SWAP_HEADER_MAGIC_LEN) == 0)
            return refuse(out, SWAP_HEADER_OLD_FORMAT, 0, 0, 0);
        return refuse(out, SWAP_HEADER_NO_SIGNATURE, 0, 0, 0);
    }

    out->version = read_le32(buf + SWAP_HEADER_VERSION_OFFSET);
    out->last_page = read_le32(buf + SWAP_HEADER_LAST_PAGE_OFFSET);
    out->nr_badpages = read_le32(buf + SWAP_HEADER_NR_BADPAGES_OFFSET);
    read_identity(buf, out);

    if (out->version != 1) {
        if (byte_swap32(out->version) == 1)
            return refuse(out, SWAP_HEADER_BIG_ENDIAN, out->version, 1, 0);
        return refuse(out, SWAP_HEADER_BAD_VERSION, out->version, 1, 0);
    }
    if (out->last_page == 0)
        return refuse(out, SWAP_HEADER_EMPTY, 0, partition_pages, 0);
    /* Pages 0..last_page must all lie inside the partition. */
    if (out->last_page >= partition_pages)
        return refuse(out, SWAP_HEADER_PAST_PARTITION, out->last_page, partition_pages, 0);
    if (out->nr_badpages > SWAP_HEADER_MAX_BADPAGES)
        return refuse(out, SWAP_HEADER_TOO_MANY_BADPAGES, out->nr_badpages,
                      SWAP_HEADER_MAX_BADPAGES, 0);
    if (out->nr_badpages > out->last_page)
        return refuse(out, SWAP_HEADER_BADPAGES_EXCEED, out->nr_badpages, out->last_page, 0);
    err = read_badpages(buf, out);
    if (err)
        return err;
    /* Entries are distinct and in 1..last_page, so this cannot underflow. */
    out->usable_pages = out->last_page - out->nr_badpages;
    if (out->usable_pages == 0)
        return refuse(out, SWAP_HEADER_NO_GOOD_PAGES, out->nr_badpages, out->last_page, 0);
    out->reason = SWAP_HEADER_OK;
    return 0;
}

bool swap_header_page_is_bad(const struct swap_header *hdr, uint32_t page)
{
    for (uint32_t i = 0; i < hdr->nr_badpages && i < SWAP_HEADER_MAX_BADPAGES; i++) {
        if (hdr->badpages[i] == page)
            return true;
    }
    return false;
}

const char *swap_header_reason_text(enum swap_header_reason reason)
{
    switch (reason) {
    case SWAP_HEADER_OK:
        return "ok";
    case SWAP_HEADER_TOO_SHORT:
        return "buffer shorter than a page";
    case SWAP_HEADER_NO_SIGNATURE:
        return "no swap signature";
    case SWAP_HEADER_OLD_FORMAT:
        return "old version 0 swap area";
    case SWAP_HEADER_BIG_ENDIAN:
        return "written by a big-endian machine";
    case SWAP_HEADER_BAD_VERSION:
        return "unsupported header version";
    case SWAP_HEADER_EMPTY:
        return "no usable page";
    case SWAP_HEADER_PAST_PARTITION:
        return "last_page is past the partition";
    case SWAP_HEADER_TOO_MANY_BADPAGES:
        return "more bad pages than fit in the header";
    case SWAP_HEADER_BADPAGES_EXCEED:
        return "more bad pages than pages";
    case SWAP_HEADER_BADPAGE_OUT_OF_RANGE:
        return "bad-page entry out of range";
    case SWAP_HEADER_BADPAGE_DUPLICATE:
        return "bad-page entry repeated";
    case SWAP_HEADER_NO_GOOD_PAGES:
        return "every page is bad";
    }
    return "unknown reason";
}

static const char hex_digits[] = "0123456789abcdef";

void swap_header_uuid_string(const uint8_t uuid[SWAP_HEADER_UUID_LEN], char out[37])
{
    unsigned n = 0;

    for (unsigned i = 0; i < SWAP_HEADER_UUID_LEN; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[n++] = '-';
        out[n++] = hex_digits[uuid[i] >> 4];
        out[n++] = hex_digits[uuid[i] & 15];
    }
    out[n] = '\0';
}

/* fmt_snprintf() returns the length the whole text would have had; the
 * describe function returns the length of what actually went into buf. */
static size_t written_length(int full, size_t len)
{
    if (len == 0)
        return 0;
    return (size_t)full < len ? (size_t)full : len - 1;
}

/* Copy the label with anything unprintable shown as '?'. */
static void printable_label(const char *label, char out[SWAP_HEADER_LABEL_LEN + 1])
{
    unsigned i;

    for (i = 0; i < SWAP_HEADER_LABEL_LEN && label[i]; i++)
        out[i] = is_printable((uint8_t)label[i]) ? label[i] : '?';
    out[i] = '\0';
}

static int describe_good(const struct swap_header *h, char *buf, size_t len)
{
    char label[SWAP_HEADER_LABEL_LEN + 1];
    char uuid[37] = "";
    bool named = h->label[0] != '\0';

    printable_label(h->label, label);
    if (h->has_uuid)
        swap_header_uuid_string(h->uuid, uuid);
    /* Ends in either `label "swap", uuid 0123abcd-...` or `no label, no uuid`. */
    return fmt_snprintf(buf, len, "version 1, %u usable pages (last_page %u, %u bad), %s%s%s, %s%s",
                        h->usable_pages, h->last_page, h->nr_badpages,
                        named ? "label \"" : "no label", label, named ? "\"" : "",
                        h->has_uuid ? "uuid " : "no uuid", uuid);
}

/* The refusal of a bad header, with the values that broke the rule. */
static int describe_refusal(const struct swap_header *h, char *buf, size_t len)
{
    switch (h->reason) {
    case SWAP_HEADER_TOO_SHORT:
        return fmt_snprintf(buf, len, "buffer of %u bytes is shorter than the %u-byte header page",
                            h->value, h->limit);
    case SWAP_HEADER_NO_SIGNATURE:
        return fmt_snprintf(buf, len,
                            "no swap signature (found \"%s\" at byte 4086, expected \"%s\"): "
                            "run mkswap",
                            h->found_magic, SWAP_HEADER_MAGIC);
    case SWAP_HEADER_OLD_FORMAT:
        return fmt_snprintf(buf, len,
                            "old version 0 swap area (\"%s\"), not supported: run mkswap again",
                            SWAP_HEADER_OLD_MAGIC);
    case SWAP_HEADER_BIG_ENDIAN:
        return fmt_snprintf(buf, len,
                            "header written by a big-endian machine (version reads as 0x%08x), "
                            "not supported: run mkswap on this machine",
                            h->value);
    case SWAP_HEADER_BAD_VERSION:
        return fmt_snprintf(buf, len, "version %u is not supported (expected 1)", h->value);
    case SWAP_HEADER_EMPTY:
        return fmt_snprintf(buf, len, "last_page 0: the swap area has no usable page");
    case SWAP_HEADER_PAST_PARTITION:
        return fmt_snprintf(buf, len, "last_page %u is past the partition (%u pages)", h->value,
                            h->limit);
    case SWAP_HEADER_TOO_MANY_BADPAGES:
        return fmt_snprintf(buf, len, "nr_badpages %u is more than fit in the header page (%u)",
                            h->value, h->limit);
    case SWAP_HEADER_BADPAGES_EXCEED:
        return fmt_snprintf(buf, len,
                            "nr_badpages %u is more than the %u usable pages (last_page %u)",
                            h->value, h->limit, h->limit);
    case SWAP_HEADER_BADPAGE_OUT_OF_RANGE:
        return fmt_snprintf(buf, len, "bad-page entry %u is page %u, outside 1..%u", h->index,
                            h->value, h->limit);
    case SWAP_HEADER_BADPAGE_DUPLICATE:
        return fmt_snprintf(buf, len, "bad-page entry %u repeats page %u (entry %u)", h->index,
                            h->value, h->limit);
    case SWAP_HEADER_NO_GOOD_PAGES:
        return fmt_snprintf(buf, len, "all %u usable pages are listed as bad", h->limit);
    default:
        return fmt_snprintf(buf, len, "%s", swap_header_reason_text(h->reason));
    }
}

size_t swap_header_describe(const struct swap_header *h, char *buf, size_t len)
{
    int n;

    if (h->reason == SWAP_HEADER_OK)
        n = describe_good(h, buf, len);
    else
        n = describe_refusal(h, buf, len);
    return written_length(n, len);
}
