/* A line-based shell on COM1: type `help`. Input is echoed, backspace edits
 * the line, and commands piped into `make run` work the same as typed ones. */
#include "kernel/shell.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "interrupts/irq.h"
#include "interrupts/pit.h"
#include "disk/disk.h"
#include "kernel/console.h"
#include "kernel/io.h"
#include "kernel/multiboot.h"
#include "kernel/power.h"
#include "kernel/serial.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "mem/buddy_check.h"
#include "mem/fault.h"
#include "mem/kheap.h"
#include "mem/vmm.h"
#include "mem/pmm.h"
#include "mem/shm.h"
#include "mem/swap.h"

#define LINE_MAX     128
/* The longest command: run, the program and its arguments, and "&". */
#define MAX_WORDS    (USER_ARGS_MAX + 2)
/* How many blocks alloc may hand out before some are freed. */
#define SHELL_BLOCKS 32

struct command {
    const char *name;
    const char *help;
    void (*run)(int argc, char **argv);
};

static void cmd_help(int argc, char **argv);

static void cmd_uptime(int argc, char **argv)
{
    (void)argc, (void)argv;
    uint64_t t = pit_ticks();
    kprintf("up %llu.%02llu s (%llu ticks at %u Hz), %u spurious IRQs\n", t / PIT_HZ,
            t % PIT_HZ * 100 / PIT_HZ, t, PIT_HZ, irq_spurious_count());
}

static void cmd_bootinfo(int argc, char **argv)
{
    (void)argc, (void)argv;
    multiboot_print();
}

static void cmd_mem(int argc, char **argv)
{
    (void)argc, (void)argv;
    pmm_print_info();
    kheap_print_info();
}

static void cmd_vmstat(int argc, char **argv)
{
    (void)argc, (void)argv;
    fault_print_stats();
}

/* Parses a decimal or 0x-prefixed hexadecimal number; false if s is not one. */
static bool parse_number(const char *s, uint32_t *out)
{
    uint32_t base = 10, v = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return false;
    for (; *s; s++) {
        uint32_t d;
        if (*s >= '0' && *s <= '9')
            d = (uint32_t)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (uint32_t)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (uint32_t)(*s - 'A' + 10);
        else
            return false;
        if (v > (UINT32_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

/* The blocks alloc handed out and free has not taken back. free accepts
 * only these: any other frame belongs to someone (a page table, a process's
 * page, the kernel heap), and freeing it would corrupt that owner later. */
static struct {
    uint32_t pa; /* 0: slot unused */
    uint32_t order;
} held[SHELL_BLOCKS];

static void cmd_alloc(int argc, char **argv)
{
    uint32_t order;
    if (argc != 2 || !parse_number(argv[1], &order) || order > BUDDY_MAX_ORDER) {
        kprintf("usage: alloc ORDER   (ORDER 0..%u: 2^ORDER frames)\n", BUDDY_MAX_ORDER);
        return;
    }
    int slot = 0;
    while (slot < SHELL_BLOCKS && held[slot].pa)
        slot++;
    if (slot == SHELL_BLOCKS) {
        kprintf("alloc: the shell already holds %d blocks; free one first\n", SHELL_BLOCKS);
        return;
    }
    uint32_t pa = pmm_alloc(order, PMM_NORMAL);
    if (!pa) {
        kprintf("alloc: no free block of order %u\n", order);
        return;
    }
    held[slot].pa = pa;
    held[slot].order = order;
    kprintf("allocated order %u at phys 0x%08x (pfn %u, %u frames)\n", order, pa, pa >> 12,
            1u << order);
    pmm_print_info();
}

/* Takes back a block that alloc handed out. A frame alloc did not hand out
 * is refused here; a wrong order goes on to pmm_try_free, whose refusal
 * names the buddy allocator's reason (kernel code calling pmm_free would
 * panic instead). */
static void cmd_free(int argc, char **argv)
{
    uint32_t pa, order;
    if (argc == 1) {
        swap_print_free();
        return;
    }
    if (argc != 3 || !parse_number(argv[1], &pa) || !parse_number(argv[2], &order)) {
        kprintf("usage: free             (memory and swap in use)\n"
                "       free PHYS ORDER  (give back a block, as printed by alloc)\n");
        return;
    }
    int slot = 0;
    while (slot < SHELL_BLOCKS && (held[slot].pa == 0 || held[slot].pa != pa))
        slot++;
    if (slot == SHELL_BLOCKS) {
        kprintf("free: refused for frame 0x%08x: the shell's alloc did not hand it out "
                "(it may belong to a process or the kernel)\n",
                pa);
        return;
    }
    if (pmm_try_free(pa, order) < 0) {
        const struct buddy_error *e = pmm_last_error(pa);
        kprintf("free: refused for frame 0x%08x order %u: %s\n", pa, order,
                e ? buddy_error_name(e->reason) : "no zone holds that frame");
        return;
    }
    held[slot].pa = 0;
    kprintf("freed order %u at phys 0x%08x\n", order, pa);
    pmm_print_info();
}

static bool parse_pid(int argc, char **argv, const char *usage, struct process **out)
{
    uint32_t pid;
    struct process *p;
    if (argc != 2 || !parse_number(argv[1], &pid)) {
        kprintf("usage: %s\n", usage);
        return false;
    }
    if (!(p = process_find((int)pid))) {
        kprintf("%s: no process %u\n", argv[0], pid);
        return false;
    }
    *out = p;
    return true;
}

static void cmd_ps(int argc, char **argv)
{
    (void)argc, (void)argv;
    process_print_table();
}

static void cmd_pgdir(int argc, char **argv)
{
    struct process *p;
    if (!parse_pid(argc, argv, "pgdir PID", &p))
        return;
    pte_t *pd = p->mm ? p->mm->pd : vmm_kernel_pd();
    kprintf("pid %d (%s): page directory at phys 0x%08x\n", p->pid, p->name, vmm_pd_phys(pd));
    vmm_dump(pd, 0, 0xFFFFFFFF);
}

static void cmd_vmmap(int argc, char **argv)
{
    struct process *p;
    if (!parse_pid(argc, argv, "vmmap PID", &p))
        return;
    if (!p->mm) {
        kprintf("pid %d (%s) has no user address space\n", p->pid, p->name);
        return;
    }
    kprintf("pid %d (%s):\n", p->pid, p->name);
    mm_print(p->mm);
}

static void cmd_programs(int argc, char **argv)
{
    (void)argc, (void)argv;
    char name[64];
    for (uint32_t i = 0; multiboot_module_name(i, name, sizeof name); i++)
        kprintf("  %s\n", name);
}

/* run PROG [ARGS] waits for the program; a last argument "&" does not. */
/* Collects the job pid if it has ended, with the name it ended with: exec
 * renames a process, so the one the shell started it as may be out of
 * date. Interrupts stay off so that the job cannot exec in between. */
static int reap_job(int pid, int *status, char name[PROC_NAME_LEN])
{
    uint32_t flags = irq_save();
    struct process *p = process_find(pid);
    if (p)
        memcpy(name, p->name, PROC_NAME_LEN);
    int got = process_wait_nohang(pid, status);
    irq_restore(flags);
    return got;
}

/* Waits for the shell's child pid to end and prints its status. Waits
 * without blocking, so that Ctrl-C can reach the program (it ends it). */
static void wait_job(int pid)
{
    char name[PROC_NAME_LEN] = "?";
    int status;
    while (reap_job(pid, &status, name) != pid) {
        if (serial_take(0x03)) {
            kprintf("^C\n");
            process_kill(pid, EXIT_KILLED_INT);
        }
        sched_idle();
    }
    kprintf("pid %d (%s) exited with status %d\n", pid, name, status);
}

static void cmd_run(int argc, char **argv)
{
    static char args[USER_ARGS_MAX][USER_ARG_LEN];
    bool background = argc > 1 && strcmp(argv[argc - 1], "&") == 0;
    if (background)
        argc--;
    if (argc < 2 || argc - 1 > USER_ARGS_MAX) {
        kprintf("usage: run PROGRAM [ARGS...] [&]   (at most %d words; see 'programs')\n",
                USER_ARGS_MAX);
        return;
    }
    for (int i = 1; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (n >= USER_ARG_LEN) {
            kprintf("run: argument %d is longer than %d characters\n", i, USER_ARG_LEN - 1);
            return;
        }
        memcpy(args[i - 1], argv[i], n + 1);
    }
    int pid = process_spawn(argv[1], argc - 1, args);
    if (pid < 0) {
        kprintf("run: cannot start %s: %s\n", argv[1],
                pid == -ENOENT    ? "no such program"
                : pid == -ENOEXEC ? "not an executable"
                : pid == -EAGAIN  ? "the process table is full"
                                  : "out of memory");
        return;
    }
    if (background)
        kprintf("started pid %d (%s)\n", pid, argv[1]);
    else
        wait_job(pid);
}

static void cmd_wait(int argc, char **argv)
{
    struct process *p;
    if (!parse_pid(argc, argv, "wait PID", &p))
        return;
    if (p->parent != current()) {
        kprintf("wait: pid %d is not a job the shell started\n", p->pid);
        return;
    }
    wait_job(p->pid);
}

static void cmd_kill(int argc, char **argv)
{
    struct process *p;
    if (!parse_pid(argc, argv, "kill PID", &p))
        return;
    int rc = process_kill(p->pid, EXIT_KILLED_KILL);
    if (rc == -EPERM)
        kprintf("kill: pid %d (%s) is a kernel thread: it cannot be killed\n", p->pid, p->name);
    else if (rc < 0)
        kprintf("kill: pid %d cannot be killed\n", p->pid);
}

static void cmd_disks(int argc, char **argv)
{
    (void)argc, (void)argv;
    disk_print();
}

static void cmd_swapon(int argc, char **argv)
{
    (void)argc, (void)argv;
    if (disk_swap()->on && !swap_is_on())
        swap_on_again();
    disk_print_swap();
    if (swap_nr_bad_since_boot())
        kprintf("swap: %u slots marked bad since boot (disk errors): never used again\n",
                swap_nr_bad_since_boot());
}

static void cmd_swapoff(int argc, char **argv)
{
    (void)argc, (void)argv;
    swap_off();
}

static void cmd_ipcs(int argc, char **argv)
{
    (void)argc, (void)argv;
    shm_print();
}

static void cmd_memcheck(int argc, char **argv)
{
    (void)argc, (void)argv;
    process_memcheck();
}

static void cmd_poweroff(int argc, char **argv)
{
    (void)argc, (void)argv;
    process_memcheck(); /* every test that ends here is checked too */
    kprintf("powering off\n");
    power_exit(POWEROFF_OK);
}

static const struct command commands[] = {
    {"help", "list the commands", cmd_help},
    {"uptime", "time since boot and timer ticks", cmd_uptime},
    {"bootinfo", "the memory map, command line and modules from the boot loader", cmd_bootinfo},
    {"mem", "buddyinfo, page counts, the heap's classes", cmd_mem},
    {"vmstat", "page-fault counters since boot, by what each fault did", cmd_vmstat},
    {"alloc", "alloc ORDER: take 2^ORDER frames from the buddy allocator", cmd_alloc},
    {"free", "memory and swap in use; free PHYS ORDER: give a block back", cmd_free},
    {"ps", "the process table", cmd_ps},
    {"run", "run PROG [ARGS] [&]: start a user program (and wait for it)", cmd_run},
    {"programs", "the programs the boot loader loaded", cmd_programs},
    {"kill", "kill PID: end a process", cmd_kill},
    {"wait", "wait PID: wait for a background job to end (Ctrl-C ends it)", cmd_wait},
    {"vmmap", "vmmap PID: a process's VM areas", cmd_vmmap},
    {"pgdir", "pgdir PID: a process's page directory as ranges", cmd_pgdir},
    {"disks", "the ATA drives and their partitions", cmd_disks},
    {"swapon", "the swap area: size, use, bad pages (and back on after swapoff)", cmd_swapon},
    {"swapoff", "bring every page in swap back into memory and stop swapping", cmd_swapoff},
    {"ipcs", "the shared memory segments", cmd_ipcs},
    {"memcheck", "check every mapped frame's reference count against the page tables",
     cmd_memcheck},
    {"poweroff", "turn the machine off (leaves QEMU and Bochs)", cmd_poweroff},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void cmd_help(int argc, char **argv)
{
    (void)argc, (void)argv;
    for (unsigned i = 0; i < NCOMMANDS; i++)
        kprintf("  %-10s %s\n", commands[i].name, commands[i].help);
}

/* Reads one line into buf (LINE_MAX bytes). False if it was longer than
 * LINE_MAX - 1 characters: the whole line is then read and dropped. */
static bool read_line(char *buf)
{
    int len = 0;
    bool too_long = false;
    for (;;) {
        char c = serial_getc();
        if (c == '\r' || c == '\n') {
            kprintf("\n");
            buf[len] = '\0';
            return !too_long;
        }
        if (c == '\t')
            c = ' ';                  /* a tab separates words, as a space does */
        if (c == '\b' || c == 0x7F) { /* backspace or DEL, as terminals send */
            if (len > 0) {
                len--;
                kprintf("\b \b");
            }
            continue;
        }
        if (c >= ' ' && c < 0x7F) {
            if (len == LINE_MAX - 1) {
                too_long = true;
                continue;
            }
            buf[len++] = c;
            kprintf("%c", c);
        }
    }
}

/* Splits line in place at spaces into argv (MAX_WORDS entries); returns
 * argc, or -1 if the line has more words than that. */
static int split(char *line, char **argv)
{
    int argc = 0;
    for (char *p = line; *p;) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            break;
        if (argc == MAX_WORDS)
            return -1;
        argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
    return argc;
}

void shell_execute(char *line)
{
    char *argv[MAX_WORDS];
    int argc = split(line, argv);
    if (argc < 0) {
        kprintf("shell: more than %d words on the line: nothing run\n", MAX_WORDS);
        return;
    }
    if (argc == 0)
        return;
    unsigned i;
    for (i = 0; i < NCOMMANDS; i++) {
        if (strcmp(argv[0], commands[i].name) == 0) {
            commands[i].run(argc, argv);
            break;
        }
    }
    if (i == NCOMMANDS)
        kprintf("%s: no such command (try 'help')\n", argv[0]);
}

void shell_run(void)
{
    char line[LINE_MAX];
    kprintf("Type 'help' for the commands.\n");
    for (;;) {
        kprintf("pagoda> ");
        if (read_line(line))
            shell_execute(line);
        else
            kprintf("shell: line longer than %d characters: nothing run\n", LINE_MAX - 1);
        process_reap(true);
    }
}
