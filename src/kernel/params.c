#include "kernel/params.h"

#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/io.h"
#include "kernel/ktest.h"

/* Where break= can stop. Each is a debug_break() call in the code. */
static const char *const break_points[] = {
    "gdt",     /* after the GDT, IDT and PIC are set up, on the boot directory (kmain) */
    "pmm",     /* after the buddy zones are built (pmm_init) */
    "paging",  /* right after CR3 is loaded with the kernel's directory (vmm_init) */
    "panic",   /* at the end of every panic report (panic_end) */
    "switch",  /* after CR3 is loaded for a process (schedule) */
    "ata",     /* before every ATA read or write command (src/disk/ata.c) */
    "cow",     /* before and after each copy-on-write fault (mm_handle_fault) */
    "swapout", /* after a page's entries became swap entries (src/mem/swap.c) */
    "swapin",  /* after a page came back from swap (map_from_swap) */
    NULL,
};

static const char *const kheap_modes[] = {"debug", "fast", NULL};
static const char *const on_off[] = {"on", "off", NULL};
static const char *const evict_policies[] = {"lru", "clock", "fifo", NULL};
static const char *const ata_modes[] = {"dma", "pio", "single", NULL};
static const char *const page_methods[] = {"on", "rep", "off", NULL};

enum {
    OPT_TEST,
    OPT_BREAK,
    OPT_KHEAP,
    OPT_SWAP,
    OPT_COW,
    OPT_LAZY,
    OPT_STACK,
    OPT_HOT,
    OPT_EVICT,
    OPT_USERPAGES,
    OPT_SWAPCHECK,
    OPT_WATERMARKS,
    OPT_FASTPAGE,
    OPT_ATA,
    OPT_CLUSTER,
    OPT_READAHEAD
};
static struct cmdline_opt options[] = {
    [OPT_TEST] = {.key = "test", .choices = ktest_names, .help = "run an in-kernel test scenario"},
    [OPT_BREAK] = {.key = "break",
                   .choices = break_points,
                   .list = true,
                   .help = "Bochs magic breakpoints, comma-separated"},
    [OPT_SWAP] = {.key = "swap", .help = "off, or hdX,N: the swap partition (default: the first)"},
    [OPT_KHEAP] = {.key = "kheap",
                   .choices = kheap_modes,
                   .help = "kernel heap checks (default debug)"},
    [OPT_COW] = {.key = "cow", .choices = on_off, .help = "fork shares pages copy-on-write"},
    [OPT_LAZY] = {.key = "lazy", .choices = on_off, .help = "pages are given on first touch"},
    [OPT_STACK] = {.key = "stack", .help = "the user stack's limit, 16K to 256M (default 8M)"},
    [OPT_HOT] = {.key = "hot",
                 .choices = on_off,
                 .help = "the hot-frame cache in front of the buddy lists (default on)"},
    [OPT_EVICT] = {.key = "evict",
                   .choices = evict_policies,
                   .help = "which page swap takes: lru (two lists, default), clock, fifo"},
    [OPT_USERPAGES] = {.key = "userpages",
                       .help = "the most user pages in memory at once (default: no limit)"},
    [OPT_SWAPCHECK] = {.key = "swapcheck",
                       .choices = on_off,
                       .help = "check each page read back from swap against a checksum"},
    [OPT_WATERMARKS] = {.key = "watermarks",
                        .help = "MIN,LOW,HIGH free pages for reclaim (default: from memory size)"},
    [OPT_FASTPAGE] = {.key = "fastpage",
                      .choices = page_methods,
                      .help = "zero and copy pages by a word loop (on, default), "
                              "REP STOSD/MOVSD (rep) or byte loops (off)"},
    [OPT_ATA] = {.key = "ata",
                 .choices = ata_modes,
                 .help = "how the disk moves data: dma (default, PIO without a controller), "
                         "pio (8 sectors per interrupt) or single (1)"},
    [OPT_CLUSTER] = {.key = "cluster",
                     .help = "pages written to swap per request, 1 to 32 (default 32)"},
    [OPT_READAHEAD] = {.key = "readahead",
                       .help = "swap read-ahead: windows of 2^N pages, N 0 (off) to 5 (default 3)"},
};
#define NOPTIONS (sizeof options / sizeof options[0])

static void print_choices(const char *const *choices)
{
    for (int i = 0; choices[i]; i++)
        kprintf("%s%s", i ? ", " : "", choices[i]);
}

int params_init(const char *cmdline, bool starts_with_path)
{
    struct cmdline_error errs[8];
    int n = cmdline_parse(cmdline, starts_with_path, options, NOPTIONS, errs, 8);
    for (int i = 0; i < n && i < 8; i++) {
        kprintf("cmdline: '%s': %s", errs[i].word, cmdline_error_text(errs[i].kind));
        if (errs[i].kind == CMDLINE_UNKNOWN_KEY || errs[i].kind == CMDLINE_NO_VALUE) {
            kprintf(" (known options:");
            for (unsigned k = 0; k < NOPTIONS; k++)
                kprintf(" %s=", options[k].key);
            kprintf(")");
        } else if (errs[i].kind == CMDLINE_BAD_VALUE || errs[i].kind == CMDLINE_EMPTY_VALUE) {
            for (unsigned k = 0; k < NOPTIONS; k++) {
                size_t klen = strlen(options[k].key);
                if (strncmp(errs[i].word, options[k].key, klen) != 0 || errs[i].word[klen] != '=')
                    continue;
                if (options[k].choices) {
                    kprintf(" (%s= takes: ", options[k].key);
                    print_choices(options[k].choices);
                    kprintf(")");
                } else {
                    kprintf(" (%s=: %s)", options[k].key, options[k].help);
                }
            }
        }
        kprintf("\n");
    }
    if (n > 8)
        kprintf("cmdline: %d more errors not shown\n", n - 8);
    params_stack_limit(); /* says now, at boot, if stack= was not a size */
    return n;
}

const char *params_test(void)
{
    return options[OPT_TEST].set ? options[OPT_TEST].value : NULL;
}

const char *params_swap(void)
{
    return options[OPT_SWAP].set ? options[OPT_SWAP].value : "";
}

bool params_kheap_debug(void)
{
    return !options[OPT_KHEAP].set || strcmp(options[OPT_KHEAP].value, "debug") == 0;
}

bool params_cow(void)
{
    return !options[OPT_COW].set || strcmp(options[OPT_COW].value, "on") == 0;
}

bool params_lazy(void)
{
    return !options[OPT_LAZY].set || strcmp(options[OPT_LAZY].value, "on") == 0;
}

#define STACK_DEFAULT (8u << 20)
#define STACK_MIN     (16u << 10)
#define STACK_MAX     (256u << 20)

/* A size such as 8M, 256K or 65536 in bytes, or 0 if s is none. */
static uint32_t parse_size(const char *s)
{
    uint32_t n = 0;
    if (*s < '0' || *s > '9')
        return 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (n > STACK_MAX)
            return 0;
        n = n * 10 + (uint32_t)(*s - '0');
    }
    uint32_t unit = *s == 'K' || *s == 'k' ? 1u << 10 : *s == 'M' || *s == 'm' ? 1u << 20 : 1;
    if ((unit > 1 && *++s) || *s)
        return 0;
    return n <= STACK_MAX / unit ? n * unit : 0;
}

uint32_t params_stack_limit(void)
{
    static uint32_t limit;
    if (limit)
        return limit;
    limit = STACK_DEFAULT;
    if (options[OPT_STACK].set) {
        uint32_t n = parse_size(options[OPT_STACK].value);
        if (n < STACK_MIN || n > STACK_MAX || n % 4096)
            kprintf("stack=%s: not a size from 16K to 256M in whole pages: the limit stays 8M\n",
                    options[OPT_STACK].value);
        else
            limit = n;
    }
    return limit;
}

bool params_hot(void)
{
    return !options[OPT_HOT].set || strcmp(options[OPT_HOT].value, "on") == 0;
}

enum ata_mode params_ata_mode(void)
{
    if (!options[OPT_ATA].set || strcmp(options[OPT_ATA].value, "dma") == 0)
        return ATA_MODE_DMA;
    return strcmp(options[OPT_ATA].value, "pio") == 0 ? ATA_MODE_PIO : ATA_MODE_SINGLE;
}

enum page_method params_fastpage(void)
{
    if (!options[OPT_FASTPAGE].set || strcmp(options[OPT_FASTPAGE].value, "on") == 0)
        return PAGE_WORDS;
    return strcmp(options[OPT_FASTPAGE].value, "rep") == 0 ? PAGE_REP : PAGE_BYTES;
}

bool params_break_at(const char *point)
{
    return cmdline_has(&options[OPT_BREAK], point);
}

void debug_break(const char *point)
{
    if (!params_break_at(point))
        return;
    kprintf("break: stopping at '%s' (Bochs magic breakpoint)\n", point);
    bochs_magic_break();
}

enum lru_policy params_evict(void)
{
    enum lru_policy p = LRU_TWO_LIST;
    if (options[OPT_EVICT].set)
        lru_policy_parse(options[OPT_EVICT].value, &p);
    return p;
}

/* A decimal number at *s, moving *s past it; false if there is none or it
 * is too large. */
static bool parse_count(const char **s, uint32_t *out)
{
    uint32_t n = 0;
    const char *p = *s;
    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (n >= 0x1000000)
            return false;
        n = n * 10 + (uint32_t)(*p - '0');
    }
    *s = p;
    *out = n;
    return true;
}

uint32_t params_userpages(void)
{
    if (!options[OPT_USERPAGES].set)
        return 0;
    uint32_t n = 0;
    const char *s = options[OPT_USERPAGES].value;
    if (!parse_count(&s, &n) || *s || n < USERPAGES_MIN) {
        kprintf("userpages=%s: not a number of pages from %u up: no budget\n",
                options[OPT_USERPAGES].value, USERPAGES_MIN);
        return 0;
    }
    return n;
}

bool params_swapcheck(void)
{
    return options[OPT_SWAPCHECK].set && strcmp(options[OPT_SWAPCHECK].value, "on") == 0;
}

bool params_watermarks(uint32_t *min, uint32_t *low, uint32_t *high)
{
    if (!options[OPT_WATERMARKS].set)
        return false;
    const char *s = options[OPT_WATERMARKS].value;
    uint32_t w[3];
    bool ok = true;
    for (int i = 0; i < 3 && ok; i++) {
        ok = parse_count(&s, &w[i]);
        if (ok && i < 2)
            ok = *s++ == ',';
    }
    if (!ok || *s || w[0] == 0 || w[0] > w[1] || w[1] > w[2]) {
        kprintf("watermarks=%s: not three page counts MIN,LOW,HIGH with 0 < MIN <= LOW <= "
                "HIGH: the defaults stay\n",
                options[OPT_WATERMARKS].value);
        return false;
    }
    *min = w[0];
    *low = w[1];
    *high = w[2];
    return true;
}

/* The number option o, from lo to hi, or def (saying so if malformed). */
static uint32_t number_in(int o, uint32_t lo, uint32_t hi, uint32_t def)
{
    if (!options[o].set)
        return def;
    uint32_t n = 0;
    const char *s = options[o].value;
    if (!parse_count(&s, &n) || *s || n < lo || n > hi) {
        kprintf("%s=%s: not a number from %u to %u: %u\n", options[o].key, options[o].value, lo,
                hi, def);
        return def;
    }
    return n;
}

uint32_t params_cluster(void)
{
    return number_in(OPT_CLUSTER, 1, 32, 32);
}

uint32_t params_readahead(void)
{
    return number_in(OPT_READAHEAD, 0, 5, 3);
}
