/* Reading what the boot loader handed over. Everything in the Multiboot info
 * is a physical address; the kernel reaches it through its direct map of
 * physical memory (mem/layout.h), so each address is checked against the
 * size of that map before it is followed. */
#include "kernel/multiboot.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/errno.h"
#include "mem/layout.h"
#include "mem/memmap.h"

/* The boot page directory maps the first 1 GiB of physical memory. */
#define BOOT_MAPPED_LIMIT 0x40000000u

static const struct multiboot_info *info;
static struct mb_region regions[MB_MAX_REGIONS];
static int nregions;

static bool phys_range_ok(uint32_t pa, uint32_t len)
{
    return pa != 0 && pa < BOOT_MAPPED_LIMIT && len <= BOOT_MAPPED_LIMIT - pa;
}

static int fail(const char *fmt, uint32_t a, uint32_t b)
{
    kprintf("multiboot: ");
    kprintf(fmt, a, b);
    kprintf("\n");
    return -EINVAL;
}

_Static_assert(sizeof(struct multiboot_mmap_entry) == MEMMAP_RAW_ENTRY,
               "memmap_read reads entries laid out as struct multiboot_mmap_entry");

/* Walks the raw map into regions[], refusing entries that are malformed. */
static int parse_mmap(const struct multiboot_info *mbi)
{
    if (!(mbi->flags & MB_INFO_MMAP))
        return fail("no memory map from the boot loader (flags 0x%x lack bit 6)", mbi->flags, 0);
    if (mbi->mmap_length == 0)
        return fail("the memory map is empty (mmap_length 0, at 0x%x)", mbi->mmap_addr, 0);
    if (!phys_range_ok(mbi->mmap_addr, mbi->mmap_length))
        return fail("memory map at 0x%x (length %u) is outside low memory", mbi->mmap_addr,
                    mbi->mmap_length);

    /* The walk over the entries is a pure core (mem/memmap.c): the host tests feed it any bytes. */
    struct memmap_read_error why;
    int n =
        memmap_read(PHYS_TO_VIRT(mbi->mmap_addr), mbi->mmap_length, regions, MB_MAX_REGIONS, &why);
    nregions = n < 0 ? 0 : n;
    switch (why.reason) {
    case MEMMAP_READ_OK:
        return 0;
    case MEMMAP_READ_CUT_OFF:
        return fail("memory map entry at offset %u is cut off by mmap_length %u", why.offset,
                    mbi->mmap_length);
    case MEMMAP_READ_SHORT:
        return fail("memory map entry at offset %u has size %u, less than 20", why.offset,
                    why.value);
    case MEMMAP_READ_TOO_MANY:
        return fail("memory map has more than %u entries", MB_MAX_REGIONS, 0);
    }
    return -EINVAL;
}

int multiboot_init(uint32_t magic, uint32_t info_phys)
{
    info = NULL;
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        return fail("wrong boot magic 0x%08x (expected 0x%08x): not loaded by a Multiboot loader",
                    magic, MULTIBOOT_BOOTLOADER_MAGIC);
    if (!phys_range_ok(info_phys, sizeof *info))
        return fail("boot information at 0x%x is outside low memory", info_phys, 0);
    const struct multiboot_info *mbi = PHYS_TO_VIRT(info_phys);
    if ((mbi->flags & MB_INFO_CMDLINE) && !phys_range_ok(mbi->cmdline, 1))
        return fail("command line at 0x%x is outside low memory", mbi->cmdline, 0);
    /* The count is checked before it is multiplied: 0x10000001 modules of
     * 16 bytes would wrap to 16 bytes in 32-bit arithmetic. */
    if ((mbi->flags & MB_INFO_MODS) && mbi->mods_count &&
        (mbi->mods_count > BOOT_MAPPED_LIMIT / sizeof(struct multiboot_module) ||
         !phys_range_ok(mbi->mods_addr, mbi->mods_count * sizeof(struct multiboot_module))))
        return fail("module list at 0x%x (%u modules) is outside low memory", mbi->mods_addr,
                    mbi->mods_count);
    int err = parse_mmap(mbi);
    if (err)
        return err;
    info = mbi;
    return 0;
}

const char *multiboot_type_name(uint32_t type)
{
    switch (type) {
    case MB_MEM_AVAILABLE:
        return "available";
    case MB_MEM_RESERVED:
        return "reserved";
    case MB_MEM_ACPI_RECLAIMABLE:
        return "ACPI reclaimable";
    case MB_MEM_NVS:
        return "ACPI NVS";
    case MB_MEM_BAD:
        return "bad RAM";
    }
    return "unknown type";
}

const char *multiboot_cmdline(void)
{
    if (!info || !(info->flags & MB_INFO_CMDLINE))
        return "";
    return PHYS_TO_VIRT(info->cmdline);
}

const char *multiboot_loader_name(void)
{
    if (!info || !(info->flags & MB_INFO_LOADER_NAME) || !phys_range_ok(info->boot_loader_name, 1))
        return "";
    return PHYS_TO_VIRT(info->boot_loader_name);
}

const struct mb_region *multiboot_regions(int *count)
{
    *count = info ? nregions : 0;
    return regions;
}

uint32_t multiboot_module_count(void)
{
    return info && (info->flags & MB_INFO_MODS) ? info->mods_count : 0;
}

const struct multiboot_module *multiboot_module(uint32_t i)
{
    if (i >= multiboot_module_count())
        return NULL;
    return (const struct multiboot_module *)PHYS_TO_VIRT(info->mods_addr) + i;
}

bool multiboot_module_name(uint32_t i, char *buf, size_t size)
{
    const struct multiboot_module *m = multiboot_module(i);
    if (!m || size == 0)
        return false;
    const char *s = phys_range_ok(m->string, 1) ? PHYS_TO_VIRT(m->string) : "";
    size_t len = 0;
    while (s[len] && s[len] != ' ')
        len++;
    const char *base = s;
    for (size_t k = 0; k < len; k++)
        if (s[k] == '/')
            base = s + k + 1;
    size_t n = (size_t)(s + len - base);
    if (n >= size)
        n = size - 1;
    memcpy(buf, base, n);
    buf[n] = '\0';
    return true;
}

const struct multiboot_module *multiboot_find_module(const char *name)
{
    char buf[64];
    for (uint32_t i = 0; multiboot_module_name(i, buf, sizeof buf); i++)
        if (strcmp(buf, name) == 0)
            return multiboot_module(i);
    return NULL;
}

static void used_string(void (*fn)(uint64_t, uint64_t, const char *), uint32_t pa, const char *what)
{
    if (phys_range_ok(pa, 1))
        fn(pa, pa + strlen(PHYS_TO_VIRT(pa)) + 1, what);
}

void multiboot_for_each_used(void (*fn)(uint64_t start, uint64_t end, const char *what))
{
    if (!info)
        return;
    uint32_t info_pa = VIRT_TO_PHYS(info);
    fn(info_pa, info_pa + sizeof *info, "Multiboot information");
    fn(info->mmap_addr, (uint64_t)info->mmap_addr + info->mmap_length, "Multiboot memory map");
    if (info->flags & MB_INFO_CMDLINE)
        used_string(fn, info->cmdline, "command line");
    if (info->flags & MB_INFO_LOADER_NAME)
        used_string(fn, info->boot_loader_name, "boot loader name");
    uint32_t n = multiboot_module_count();
    if (n)
        fn(info->mods_addr, info->mods_addr + (uint64_t)n * sizeof(struct multiboot_module),
           "module list");
    for (uint32_t i = 0; i < n; i++) {
        const struct multiboot_module *m = multiboot_module(i);
        fn(m->mod_start, m->mod_end, "module");
        used_string(fn, m->string, "module name");
    }
}

void multiboot_print(void)
{
    if (!info)
        return;
    kprintf("boot loader: %s\n", multiboot_loader_name());
    kprintf("command line: \"%s\"\n", multiboot_cmdline());
    if (info->flags & MB_INFO_MEMORY)
        kprintf("memory: %u KiB below 1 MiB, %u KiB above\n", info->mem_lower, info->mem_upper);
    kprintf("memory map (%d entries):\n", nregions);
    for (int i = 0; i < nregions; i++) {
        const struct mb_region *r = &regions[i];
        /* MiB with two decimals: len * 100 / 2^20, in integer arithmetic. */
        uint64_t hundredths = (r->len * 100) >> 20;
        kprintf("  [%2d] 0x%016llx-0x%016llx len 0x%011llx %6llu.%02llu MiB  %s (%u)\n", i, r->base,
                r->base + r->len - (r->len ? 1 : 0), r->len, hundredths / 100, hundredths % 100,
                multiboot_type_name(r->type), r->type);
    }
    uint32_t n = multiboot_module_count();
    kprintf("modules: %u\n", n);
    for (uint32_t i = 0; i < n; i++) {
        const struct multiboot_module *m = multiboot_module(i);
        const char *s = phys_range_ok(m->string, 1) ? PHYS_TO_VIRT(m->string) : "?";
        kprintf("  [%u] 0x%08x-0x%08x %u bytes \"%s\"\n", i, m->mod_start, m->mod_end,
                m->mod_end - m->mod_start, s);
    }
}
