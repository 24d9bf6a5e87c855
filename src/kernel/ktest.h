/* In-kernel test scenarios, chosen with test=NAME on the command line. Each
 * prints one line per check ("ok N - what" or "not ok N - what"), then a
 * summary, and leaves QEMU with POWEROFF_OK or POWEROFF_FAIL; scenarios that
 * expect a panic end with POWEROFF_PANIC instead. tests/kernel/ runs them. */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <stdbool.h>

/* Every scenario: X(name). The function is ktest_<name>(). */
#define KTEST_LIST(X)                                                                              \
    X(boot)                                                                                        \
    X(multiboot)                                                                                   \
    X(divzero)                                                                                     \
    X(ud)                                                                                          \
    X(pagefault)                                                                                   \
    X(panic)                                                                                       \
    X(pmm)                                                                                         \
    X(buddy_misuse)                                                                                \
    X(buddy_doublefree)                                                                            \
    X(vmm)                                                                                         \
    X(write_text)                                                                                  \
    X(read_unmapped)                                                                               \
    X(kheap)                                                                                       \
    X(kheap_double_free)                                                                           \
    X(kheap_overflow)                                                                              \
    X(procs)                                                                                       \
    X(hostile)                                                                                     \
    X(shell_free)                                                                                  \
    X(lazy)                                                                                        \
    X(memcheck)                                                                                    \
    X(cow)                                                                                         \
    X(swap)                                                                                        \
    X(swapcheck)                                                                                   \
    X(swap_read_error)                                                                             \
    X(kill_midfault)                                                                               \
    X(swap_readahead)                                                                              \
    X(swapcount)                                                                                   \
    X(swap_full_evict)                                                                             \
    X(swapoff_exit)                                                                                \
    X(ata_rw)                                                                                      \
    X(ata_frames)                                                                                  \
    X(ata_lba48)                                                                                   \
    X(ata_eio)                                                                                     \
    X(ata_dma_error)

/* The scenario names, NULL-terminated (the choices of test=). */
extern const char *const ktest_names[];

/* Runs scenario name and powers off with its result. */
void ktest_run(const char *name) __attribute__((noreturn));
/* Records one check: prints "ok N - ..." or "not ok N - ...". */
bool ktest_check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Says that the scenario's last act will be a panic the harness expects. */
void ktest_expect_panic(const char *what);

#define KTEST_DECLARE(name) void ktest_##name(void);
KTEST_LIST(KTEST_DECLARE)
#undef KTEST_DECLARE

#endif
