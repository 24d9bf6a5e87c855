/* Linux swap area header parser: a pure core (no hardware, no globals).
 *
 * The swap glue reads the first 4096 bytes of the swap partition and hands
 * them to swap_header_parse() with the partition's size in pages. The result
 * holds the header's fields, or the reason it was refused and the values
 * that broke the rule; swap_header_describe() turns either into one line of
 * text the glue can print after its own "swap: " prefix. */
#ifndef DISK_SWAP_HEADER_H
#define DISK_SWAP_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SWAP_HEADER_PAGE_SIZE          4096
#define SWAP_HEADER_VERSION_OFFSET     1024 /* after 1024 bytes of "boot bits" */
#define SWAP_HEADER_LAST_PAGE_OFFSET   1028
#define SWAP_HEADER_NR_BADPAGES_OFFSET 1032
#define SWAP_HEADER_UUID_OFFSET        1036
#define SWAP_HEADER_LABEL_OFFSET       1052
#define SWAP_HEADER_BADPAGES_OFFSET    1536 /* 1052 + 16 + 117 * 4 of padding */
#define SWAP_HEADER_MAGIC_OFFSET       4086 /* the last 10 bytes of the page */
#define SWAP_HEADER_MAGIC_LEN          10
#define SWAP_HEADER_MAGIC              "SWAPSPACE2"
#define SWAP_HEADER_OLD_MAGIC          "SWAP-SPACE" /* version 0, before Linux 2.2 */
#define SWAP_HEADER_UUID_LEN           16
#define SWAP_HEADER_LABEL_LEN          16

/* As many 4-byte bad-page numbers as fit between 1536 and the magic: 637. */
#define SWAP_HEADER_MAX_BADPAGES ((SWAP_HEADER_MAGIC_OFFSET - SWAP_HEADER_BADPAGES_OFFSET) / 4)

/* Why a header was refused. */
enum swap_header_reason {
    SWAP_HEADER_OK = 0,
    SWAP_HEADER_TOO_SHORT,            /* buffer shorter than 4096 bytes */
    SWAP_HEADER_NO_SIGNATURE,         /* no "SWAPSPACE2" at 4086 */
    SWAP_HEADER_OLD_FORMAT,           /* "SWAP-SPACE": version 0 swap area */
    SWAP_HEADER_BIG_ENDIAN,           /* fields byte-swapped: made on a big-endian machine */
    SWAP_HEADER_BAD_VERSION,          /* version != 1 */
    SWAP_HEADER_EMPTY,                /* last_page 0: no usable page */
    SWAP_HEADER_PAST_PARTITION,       /* last_page >= partition size in pages */
    SWAP_HEADER_TOO_MANY_BADPAGES,    /* nr_badpages > SWAP_HEADER_MAX_BADPAGES */
    SWAP_HEADER_BADPAGES_EXCEED,      /* nr_badpages > last_page */
    SWAP_HEADER_BADPAGE_OUT_OF_RANGE, /* an entry is 0 or > last_page */
    SWAP_HEADER_BADPAGE_DUPLICATE,    /* an entry repeats an earlier one */
    SWAP_HEADER_NO_GOOD_PAGES,        /* every usable page is listed as bad */
};

/* A parsed swap header. About 2.6 KiB because of the bad-page list: keep it
 * in static storage, not on a kernel stack. */
struct swap_header {
    enum swap_header_reason reason; /* SWAP_HEADER_OK if the area may be used */
    uint32_t value;                 /* the offending value (see swap_header_describe) */
    uint32_t limit;                 /* the bound it broke: partition pages, 637, last_page;
                                       for a repeated bad page, the earlier entry's index */
    uint32_t index;                 /* bad-page entry problems: position in the list (0-based) */
    /* The last 10 bytes of the page, '.' for unprintable. */
    char found_magic[SWAP_HEADER_MAGIC_LEN + 1];

    uint32_t version;                      /* always 1 when parsed */
    uint32_t last_page;                    /* index of the last usable page; page 0 is the header */
    uint32_t nr_badpages;                  /* entries in badpages[] */
    uint32_t usable_pages;                 /* last_page - nr_badpages: pages swap may use */
    uint8_t uuid[SWAP_HEADER_UUID_LEN];    /* raw bytes, in the order they are printed */
    bool has_uuid;                         /* false when the UUID is all zeros (mkswap -U clear) */
    char label[SWAP_HEADER_LABEL_LEN + 1]; /* NUL-terminated, "" if none */
    /* Page numbers, 1..last_page. */
    uint32_t badpages[SWAP_HEADER_MAX_BADPAGES];
};

/* Parse the first page of a swap area from buf (len bytes, any alignment)
 * for a partition of partition_pages 4 KiB pages. Returns 0 if the area may
 * be used, or -EINVAL with out->reason, value, limit, index set. */
int swap_header_parse(const uint8_t *buf, size_t len, uint32_t partition_pages,
                      struct swap_header *out);

/* True if page (1..last_page) is in the header's bad-page list. */
bool swap_header_page_is_bad(const struct swap_header *hdr, uint32_t page);

/* Short text for a reason, e.g. "is past the partition". */
const char *swap_header_reason_text(enum swap_header_reason reason);

/* Format a UUID as 36 characters "01234567-89ab-..." plus NUL into out[37]. */
void swap_header_uuid_string(const uint8_t uuid[SWAP_HEADER_UUID_LEN], char out[37]);

/* One line, no newline, e.g. "last_page 70000 is past the partition (16383
 * pages)" or, for a good header, "version 1, 4095 usable pages (last_page
 * 4095, 0 bad), label \"swap\", uuid ...". Writes at most len bytes
 * including the NUL; returns the length of the (possibly cut) text. */
size_t swap_header_describe(const struct swap_header *hdr, char *buf, size_t len);

#endif
