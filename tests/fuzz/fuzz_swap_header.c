/* libFuzzer target for the swap header parser (src/disk/swap_header.c).
 *
 * The input is the first page of a swap area, of any length (the seeds are
 * the header pages mkswap wrote on the images scripts/mkdisk.sh makes). It is
 * parsed for partitions of several sizes: a few fixed ones, and the header's
 * own last_page, last_page + 1 and + 2, where the verdict flips. For every
 * parse:
 *   - an accepted header has the SWAPSPACE2 magic and version 1; its numbers
 *     and bad-page list are the bytes of the page;
 *   - pages 0..last_page lie inside the partition, so the usable page count
 *     (last_page - nr_badpages, at least 1) never exceeds the partition's
 *     pages after the header;
 *   - the bad pages are distinct, in 1..last_page, and no more than fit;
 *   - a refusal names a rule the header really breaks;
 *   - a header accepted for a partition is accepted, the same, for a larger one;
 *   - the label and the magic as shown are NUL-terminated, and the describe
 *     function stays inside its buffer and returns the length it wrote.
 * Any violation abort()s. */
#include "fuzz.h"

#include "disk/swap_header.h"
#include "kernel/errno.h"

/* About 2.6 KiB each: static, as the kernel keeps its own. */
static struct swap_header hdr, again;
static uint32_t sorted[SWAP_HEADER_MAX_BADPAGES];

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int magic_is(const uint8_t *page, const char *magic)
{
    return memcmp(page + SWAP_HEADER_MAGIC_OFFSET, magic, SWAP_HEADER_MAGIC_LEN) == 0;
}

static uint32_t badpage_entry(const uint8_t *page, uint32_t i)
{
    return fuzz_le32(page + SWAP_HEADER_BADPAGES_OFFSET + 4 * i);
}

/* A refused header must break the rule its reason names. The page is at
 * least 4096 bytes long for every reason after TOO_SHORT. */
static void check_refusal(const uint8_t *page, size_t len, uint32_t partition_pages)
{
    uint32_t version = 0, last = 0, nbad = 0;
    int broken = 0;

    if (hdr.reason != SWAP_HEADER_TOO_SHORT && len < SWAP_HEADER_PAGE_SIZE)
        FAIL("%zu bytes refused for %s, not for being short", len,
             swap_header_reason_text(hdr.reason));
    if (len >= SWAP_HEADER_PAGE_SIZE) {
        version = fuzz_le32(page + SWAP_HEADER_VERSION_OFFSET);
        last = fuzz_le32(page + SWAP_HEADER_LAST_PAGE_OFFSET);
        nbad = fuzz_le32(page + SWAP_HEADER_NR_BADPAGES_OFFSET);
    }
    switch (hdr.reason) {
    case SWAP_HEADER_OK:
        break;
    case SWAP_HEADER_TOO_SHORT:
        broken = len < SWAP_HEADER_PAGE_SIZE;
        break;
    case SWAP_HEADER_NO_SIGNATURE:
        broken = !magic_is(page, SWAP_HEADER_MAGIC) && !magic_is(page, SWAP_HEADER_OLD_MAGIC);
        break;
    case SWAP_HEADER_OLD_FORMAT:
        broken = magic_is(page, SWAP_HEADER_OLD_MAGIC);
        break;
    case SWAP_HEADER_BIG_ENDIAN:
        broken = version == 0x01000000;
        break;
    case SWAP_HEADER_BAD_VERSION:
        broken = version != 1;
        break;
    case SWAP_HEADER_EMPTY:
        broken = last == 0;
        break;
    case SWAP_HEADER_PAST_PARTITION:
        broken = last >= partition_pages;
        break;
    case SWAP_HEADER_TOO_MANY_BADPAGES:
        broken = nbad > SWAP_HEADER_MAX_BADPAGES;
        break;
    case SWAP_HEADER_BADPAGES_EXCEED:
        broken = nbad > last;
        break;
    case SWAP_HEADER_BADPAGE_OUT_OF_RANGE:
        broken = hdr.index < nbad && hdr.index < SWAP_HEADER_MAX_BADPAGES &&
                 (badpage_entry(page, hdr.index) == 0 || badpage_entry(page, hdr.index) > last);
        break;
    case SWAP_HEADER_BADPAGE_DUPLICATE:
        broken = hdr.limit < hdr.index && hdr.index < nbad &&
                 hdr.index < SWAP_HEADER_MAX_BADPAGES &&
                 badpage_entry(page, hdr.limit) == badpage_entry(page, hdr.index);
        break;
    case SWAP_HEADER_NO_GOOD_PAGES:
        broken = nbad == last;
        break;
    }
    if (!broken)
        FAIL("refused (%s) for a partition of %u pages, but that rule holds",
             swap_header_reason_text(hdr.reason), partition_pages);
}

static void check_accepted(const uint8_t *page, size_t len, uint32_t partition_pages)
{
    if (len < SWAP_HEADER_PAGE_SIZE || !magic_is(page, SWAP_HEADER_MAGIC) || hdr.version != 1)
        FAIL("accepted without a page, the magic or version 1");
    if (hdr.version != fuzz_le32(page + SWAP_HEADER_VERSION_OFFSET) ||
        hdr.last_page != fuzz_le32(page + SWAP_HEADER_LAST_PAGE_OFFSET) ||
        hdr.nr_badpages != fuzz_le32(page + SWAP_HEADER_NR_BADPAGES_OFFSET))
        FAIL("the numbers are not the bytes of the page");
    /* Pages 0 (the header) to last_page are in the partition. */
    if (hdr.last_page == 0 || hdr.last_page >= partition_pages)
        FAIL("last_page %u for a partition of %u pages", hdr.last_page, partition_pages);
    if (hdr.nr_badpages > SWAP_HEADER_MAX_BADPAGES || hdr.nr_badpages >= hdr.last_page)
        FAIL("%u bad pages of %u accepted", hdr.nr_badpages, hdr.last_page);
    if (hdr.usable_pages != hdr.last_page - hdr.nr_badpages || hdr.usable_pages == 0 ||
        hdr.usable_pages > partition_pages - 1)
        FAIL("%u usable pages (last_page %u, %u bad) in a partition of %u pages", hdr.usable_pages,
             hdr.last_page, hdr.nr_badpages, partition_pages);

    for (uint32_t i = 0; i < hdr.nr_badpages; i++) {
        if (hdr.badpages[i] != badpage_entry(page, i))
            FAIL("bad page %u is not the bytes of the page", i);
        if (hdr.badpages[i] == 0 || hdr.badpages[i] > hdr.last_page)
            FAIL("bad page %u is page %u, outside 1..%u", i, hdr.badpages[i], hdr.last_page);
    }
    memcpy(sorted, hdr.badpages, hdr.nr_badpages * sizeof sorted[0]);
    qsort(sorted, hdr.nr_badpages, sizeof sorted[0], compare_u32);
    for (uint32_t i = 1; i < hdr.nr_badpages; i++)
        if (sorted[i] == sorted[i - 1])
            FAIL("page %u is listed as bad twice", sorted[i]);
    if (swap_header_page_is_bad(&hdr, 0) || swap_header_page_is_bad(&hdr, hdr.last_page + 1))
        FAIL("a page outside 1..last_page is bad");
    if (hdr.nr_badpages && (!swap_header_page_is_bad(&hdr, hdr.badpages[0]) ||
                            !swap_header_page_is_bad(&hdr, hdr.badpages[hdr.nr_badpages - 1])))
        FAIL("a listed bad page is not bad");

    /* A larger partition changes nothing. */
    if (swap_header_parse(page, len, UINT32_MAX, &again) != 0 ||
        memcmp(&hdr, &again, sizeof hdr) != 0)
        FAIL("accepted for %u pages but not the same for %u", partition_pages, UINT32_MAX);
}

static void check_text(void)
{
    static const size_t sizes[] = {300, 0, 17};

    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        char *buf = fuzz_text_buffer(sizes[k]);
        size_t n = swap_header_describe(&hdr, buf, sizes[k]);
        if (n != fuzz_text_length("swap_header_describe", buf, sizes[k]))
            FAIL("swap_header_describe returned %zu for a text of %zu bytes", n, strlen(buf));
    }
}

static void check_parse(const uint8_t *page, size_t len, uint32_t partition_pages, int with_text)
{
    int rc = swap_header_parse(page, len, partition_pages, &hdr);

    if (strnlen(hdr.label, sizeof hdr.label) > SWAP_HEADER_LABEL_LEN ||
        strnlen(hdr.found_magic, sizeof hdr.found_magic) > SWAP_HEADER_MAGIC_LEN)
        FAIL("label or magic not NUL-terminated");
    if (rc == 0 && hdr.reason == SWAP_HEADER_OK)
        check_accepted(page, len, partition_pages);
    else if (rc == -EINVAL && hdr.reason != SWAP_HEADER_OK)
        check_refusal(page, len, partition_pages);
    else
        FAIL("returned %d with reason %d", rc, hdr.reason);
    if (with_text)
        check_text();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Fixed sizes: none, the header alone, 1 MiB, the standard test disk's
     * 16 MiB, the largest there can be. */
    static const uint32_t fixed[] = {0, 1, 256, 4096, UINT32_MAX};

    for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
        check_parse(data, size, fixed[k], fixed[k] == 4096);
    if (size < SWAP_HEADER_PAGE_SIZE)
        return 0;
    uint32_t last = fuzz_le32(data + SWAP_HEADER_LAST_PAGE_OFFSET);
    for (uint32_t d = 0; d <= 2 && last + d >= last; d++)
        check_parse(data, size, last + d, 0);
    return 0;
}
