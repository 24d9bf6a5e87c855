/* The Multiboot (version 1) boot information, as GRUB and QEMU's -kernel
 * loader leave it in memory (Multiboot spec 0.6.96, section 3.3). */
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

#define MB_INFO_MEMORY      (1u << 0) /* mem_lower, mem_upper valid */
#define MB_INFO_CMDLINE     (1u << 2)
#define MB_INFO_MODS        (1u << 3)
#define MB_INFO_MMAP        (1u << 6)
#define MB_INFO_LOADER_NAME (1u << 9)

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper; /* KiB below 1 MiB / above 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline; /* physical address of a C string */
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
} __attribute__((packed));

/* One memory map entry. `size` counts the bytes after itself, so the next
 * entry starts size + 4 bytes further on. */
struct multiboot_mmap_entry {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
} __attribute__((packed));

#define MB_MEM_AVAILABLE        1
#define MB_MEM_RESERVED         2
#define MB_MEM_ACPI_RECLAIMABLE 3
#define MB_MEM_NVS              4
#define MB_MEM_BAD              5

struct multiboot_module {
    uint32_t mod_start, mod_end; /* physical, end exclusive */
    uint32_t string;             /* physical address of its command line */
    uint32_t reserved;
} __attribute__((packed));

/* A memory map entry after validation. */
struct mb_region {
    uint64_t base, len;
    uint32_t type;
};

#define MB_MAX_REGIONS 64

/* Checks the magic and the info structure; on success remembers it and
 * returns 0, otherwise prints why and returns -EINVAL. */
int multiboot_init(uint32_t magic, uint32_t info_phys);
/* Prints the memory map, command line, boot loader and modules. */
void multiboot_print(void);
/* The kernel command line ("" when the loader gave none). */
const char *multiboot_cmdline(void);
/* The boot loader's name ("" when it gave none). */
const char *multiboot_loader_name(void);
/* The validated memory map: a pointer to the regions and their count. */
const struct mb_region *multiboot_regions(int *count);
/* Module i (NULL past the end), and how many there are. */
const struct multiboot_module *multiboot_module(uint32_t i);
uint32_t multiboot_module_count(void);
/* The module named name: the last part of its path, the first word of its
 * string (GRUB: "/boot/user/hello"; QEMU -initrd: "build/clang/user/hello").
 * NULL if there is none. */
const struct multiboot_module *multiboot_find_module(const char *name);
/* Writes module i's name (as above) into buf; false past the last module. */
bool multiboot_module_name(uint32_t i, char *buf, size_t size);
/* Calls fn for each physical range the boot information occupies (the info
 * structure, the memory map, strings, the module list and each module), so
 * that the frame allocator keeps them. end is exclusive. */
void multiboot_for_each_used(void (*fn)(uint64_t start, uint64_t end, const char *what));
/* Human-readable name of a memory map type. */
const char *multiboot_type_name(uint32_t type);

#endif
