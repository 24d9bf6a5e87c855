/* libFuzzer target for the MBR parser (src/disk/mbr.c).
 *
 * The input is sector 0 as a disk would hand it over, of any length (the
 * seeds are sector 0 of the images scripts/mkdisk.sh makes). It is parsed
 * for disks of several sizes: a few fixed ones, and each entry's own end and
 * end - 1, where its verdict flips. For every parse:
 *   - the table is refused exactly when the buffer is short or the signature
 *     is wrong, and then nothing is usable;
 *   - each entry holds the bytes of its slot;
 *   - every accepted partition lies inside the disk and after sector 0, and
 *     no two accepted partitions share a sector;
 *   - every refused entry breaks the rule its reason names, and an entry that
 *     breaks no rule is accepted;
 *   - `usable` counts the accepted entries, mbr_find_type() finds the first
 *     accepted one of each type;
 *   - the describe functions stay inside their buffer (AddressSanitizer
 *     watches) and return the length of what they wrote.
 * Any violation abort()s. */
#include "fuzz.h"

#include "disk/mbr.h"
#include "kernel/errno.h"

static uint64_t end_of(const struct mbr_partition *p)
{
    return (uint64_t)p->lba_start + p->sectors;
}

static int is_extended(uint8_t type)
{
    return type == MBR_TYPE_EXTENDED_CHS || type == MBR_TYPE_EXTENDED_LBA ||
           type == MBR_TYPE_LINUX_EXTENDED;
}

static int share_a_sector(const struct mbr_partition *a, const struct mbr_partition *b)
{
    return a->lba_start < end_of(b) && b->lba_start < end_of(a);
}

/* Whether entry i breaks the rule `reason` names, given the table. */
static int breaks_rule(const struct mbr_table *t, unsigned i, enum mbr_reason reason)
{
    const struct mbr_partition *p = &t->part[i];

    switch (reason) {
    case MBR_ENTRY_EMPTY:
        return p->type == MBR_TYPE_EMPTY;
    case MBR_ENTRY_EXTENDED:
        return is_extended(p->type);
    case MBR_ENTRY_GPT:
        return p->type == MBR_TYPE_GPT_PROTECTIVE;
    case MBR_ENTRY_BAD_STATUS:
        return p->status != 0x00 && p->status != 0x80;
    case MBR_ENTRY_ZERO_SIZE:
        return p->sectors == 0;
    case MBR_ENTRY_AT_SECTOR_0:
        return p->lba_start == 0;
    case MBR_ENTRY_PAST_END:
        return end_of(p) > t->disk_sectors;
    case MBR_ENTRY_OVERLAP:
        /* It names an earlier accepted entry that shares a sector with it. */
        return p->overlaps >= 1 && p->overlaps <= i && t->part[p->overlaps - 1].reason == MBR_OK &&
               share_a_sector(p, &t->part[p->overlaps - 1]);
    default:
        return 0;
    }
}

/* Whether entry i breaks any rule; overlaps are looked for among all the
 * earlier accepted entries. */
static int breaks_any_rule(const struct mbr_table *t, unsigned i)
{
    for (enum mbr_reason r = MBR_ENTRY_EMPTY; r < MBR_ENTRY_OVERLAP; r++)
        if (breaks_rule(t, i, r))
            return 1;
    for (unsigned j = 0; j < i; j++)
        if (t->part[j].reason == MBR_OK && share_a_sector(&t->part[i], &t->part[j]))
            return 1;
    return 0;
}

/* The text is formatted with fmt_snprintf(), which costs more than the
 * parse: texts are checked for one disk size per input, entries in a buffer
 * that fits them, the table's verdict also cut short. */
static void check_text(const struct mbr_table *t, const struct mbr_partition *p)
{
    static const size_t sizes[] = {200, 0, 9};

    for (size_t k = 0; k < (p ? 1 : sizeof sizes / sizeof sizes[0]); k++) {
        char *buf = fuzz_text_buffer(sizes[k]);
        size_t n =
            p ? mbr_describe_entry(t, p, buf, sizes[k]) : mbr_describe_table(t, buf, sizes[k]);
        if (n != fuzz_text_length("mbr_describe", buf, sizes[k]))
            FAIL("mbr_describe returned %zu for a text of %zu bytes", n, strlen(buf));
    }
}

static void check_parse(const uint8_t *data, size_t size, uint32_t disk_sectors, int with_text)
{
    struct mbr_table t;
    int rc = mbr_parse(data, size, disk_sectors, &t);
    int good_signature = size >= 512 && data[510] == 0x55 && data[511] == 0xAA;

    if (with_text)
        check_text(&t, NULL);
    if (!good_signature) {
        enum mbr_reason want = size < 512 ? MBR_TABLE_TOO_SHORT : MBR_TABLE_BAD_SIGNATURE;
        if (rc != -EINVAL || t.reason != want || t.usable != 0)
            FAIL("table of %zu bytes refused with rc %d reason %d, usable %u", size, rc, t.reason,
                 t.usable);
        if (mbr_find_type(&t, MBR_TYPE_LINUX_SWAP))
            FAIL("refused table finds a swap partition");
        return;
    }
    if (rc != 0 || t.reason != MBR_OK || t.disk_sectors != disk_sectors)
        FAIL("good signature, but rc %d reason %d", rc, t.reason);

    unsigned usable = 0;
    for (unsigned i = 0; i < MBR_NUM_PRIMARY; i++) {
        const struct mbr_partition *p = &t.part[i];
        const uint8_t *e = data + MBR_TABLE_OFFSET + MBR_ENTRY_SIZE * i;

        if (p->number != i + 1 || p->status != e[0] || p->type != e[4] ||
            p->lba_start != fuzz_le32(e + 8) || p->sectors != fuzz_le32(e + 12))
            FAIL("partition %u does not hold the bytes of its slot", i + 1);
        if (p->reason != MBR_OK) {
            if (!breaks_rule(&t, i, p->reason))
                FAIL("partition %u refused (%s) but does not break that rule", i + 1,
                     mbr_reason_text(p->reason));
            if (with_text)
                check_text(&t, p);
            continue;
        }
        if (with_text)
            check_text(&t, p);
        usable++;
        if (breaks_any_rule(&t, i))
            FAIL("partition %u accepted but breaks a rule", i + 1);
        /* What the swap code relies on, spelled out. */
        if (p->sectors == 0 || p->lba_start == 0 || end_of(p) > disk_sectors)
            FAIL("partition %u (start %u, %u sectors) is not inside the %u-sector disk", i + 1,
                 p->lba_start, p->sectors, disk_sectors);
        for (unsigned j = 0; j < i; j++)
            if (t.part[j].reason == MBR_OK && share_a_sector(p, &t.part[j]))
                FAIL("partitions %u and %u are both accepted and overlap", j + 1, i + 1);
    }
    if (usable != t.usable)
        FAIL("usable says %u, %u entries accepted", t.usable, usable);

    /* The type of each slot, and swap, which the kernel looks for. */
    for (unsigned k = 0; k <= MBR_NUM_PRIMARY; k++) {
        uint8_t type = k < MBR_NUM_PRIMARY ? t.part[k].type : MBR_TYPE_LINUX_SWAP;
        const struct mbr_partition *want = NULL;
        for (unsigned i = 0; i < MBR_NUM_PRIMARY && !want; i++)
            if (t.part[i].reason == MBR_OK && t.part[i].type == type)
                want = &t.part[i];
        if (mbr_find_type(&t, type) != want)
            FAIL("mbr_find_type(0x%02x) is not the first accepted partition of that type", type);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Fixed sizes: none, tiny, the small and the standard test disk, the
     * largest an MBR can address. */
    static const uint32_t fixed[] = {0, 1, 8192, 65536, UINT32_MAX};

    for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
        check_parse(data, size, fixed[k], fixed[k] == 65536);
    if (size < 512)
        return 0;
    for (unsigned i = 0; i < MBR_NUM_PRIMARY; i++) {
        const uint8_t *e = data + MBR_TABLE_OFFSET + MBR_ENTRY_SIZE * i;
        uint64_t end = (uint64_t)fuzz_le32(e + 8) + fuzz_le32(e + 12);
        if (end <= UINT32_MAX)
            check_parse(data, size, (uint32_t)end, 0);
        if (end >= 1 && end - 1 <= UINT32_MAX)
            check_parse(data, size, (uint32_t)(end - 1), 0);
    }
    return 0;
}
