#include "kernel/params.h"

#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/io.h"
#include "kernel/ktest.h"

/* Where break= can stop. Each is a debug_break() call in the code. */
static const char *const break_points[] = {
    "gdt",    /* after the GDT, IDT and PIC are set up, on the boot directory (kmain) */
    "pmm",    /* after the buddy zones are built (pmm_init) */
    "paging", /* right after CR3 is loaded with the kernel's directory (vmm_init) */
    "panic",  /* at the end of every panic report (panic_end) */
    "switch", /* after CR3 is loaded for a process (schedule) */
    "ata",    /* before every ATA read or write command (src/disk/ata.c) */
    NULL,
};

static const char *const kheap_modes[] = {"debug", "fast", NULL};
static const char *const on_off[] = {"on", "off", NULL};

enum { OPT_TEST, OPT_BREAK, OPT_KHEAP, OPT_SWAP, OPT_HOT };
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
    [OPT_HOT] = {.key = "hot",
                 .choices = on_off,
                 .help = "the hot-frame cache in front of the buddy lists (default on)"},
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
        } else if (errs[i].kind == CMDLINE_BAD_VALUE) {
            for (unsigned k = 0; k < NOPTIONS; k++) {
                if (strncmp(errs[i].word, options[k].key, strlen(options[k].key)) == 0 &&
                    options[k].choices) {
                    kprintf(" (%s= takes: ", options[k].key);
                    print_choices(options[k].choices);
                    kprintf(")");
                }
            }
        }
        kprintf("\n");
    }
    if (n > 8)
        kprintf("cmdline: %d more errors not shown\n", n - 8);
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

bool params_hot(void)
{
    return !options[OPT_HOT].set || strcmp(options[OPT_HOT].value, "on") == 0;
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
