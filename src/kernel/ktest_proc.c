/* Scenarios for processes: several programs at once, each in its own address
 * space; hostile programs end as they should while a bystander finishes; no
 * frame is leaked once everything has exited. */
#include <string.h>

#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/multiboot.h"
#include "kernel/process.h"
#include "mem/kheap.h"
#include "mem/pmm.h"

static uint32_t frames_in_use(void)
{
    uint32_t used = 0;
    kheap_pages_held(); /* gives back the heap's cached empty pages */
    pmm_drain();        /* then the frames they became, from the hot-frame cache */
    for (int id = 0; id < PMM_NR_ZONES; id++)
        if (pmm_zone(id))
            used += buddy_nr_used(pmm_zone(id));
    return used - kheap_pages_held();
}

static int spawn(const char *name, const char *arg)
{
    static char argv[2][USER_ARG_LEN];
    memcpy(argv[0], name, strlen(name) + 1);
    if (arg)
        memcpy(argv[1], arg, strlen(arg) + 1);
    int pid = process_spawn(name, arg ? 2 : 1, argv);
    ktest_check(pid > 0, "spawn %s: pid %d", name, pid);
    return pid;
}

static void expect_exit(int pid, const char *name, int want)
{
    int status = -1;
    int got = process_wait(pid, &status);
    ktest_check(got == pid && status == want, "%s (pid %d) exited with status %d (want %d)", name,
                pid, status, want);
}

void ktest_procs(void)
{
    uint32_t before = frames_in_use();
    int a = spawn("pidpage", NULL), b = spawn("pidpage", NULL);
    int by = spawn("bystander", NULL), fw = spawn("forkwait", NULL);
    int h = spawn("hello", "world");
    ktest_check(process_find(a)->mm->pd != process_find(b)->mm->pd,
                "the two pidpage processes have their own page directories");
    expect_exit(a, "pidpage", 0);
    expect_exit(b, "pidpage", 0);
    expect_exit(by, "bystander", 0);
    expect_exit(fw, "forkwait", 0);
    expect_exit(h, "hello", 0);
    ktest_check(process_wait(-1, NULL) == -ECHILD, "no children left");
    ktest_check(ms_to_ticks(42949673) == 4294968 && ms_to_ticks(0xFFFFFFFFu) == 429496730u &&
                    ms_to_ticks(1) == 1 && ms_to_ticks(0) == 0,
                "sleep durations past 32 bits of ticks do not wrap (0xffffffff ms = %llu ticks)",
                ms_to_ticks(0xFFFFFFFFu));
    uint32_t after = frames_in_use();
    ktest_check(after == before, "no frame leaked: %u in use before, %u after", before, after);
}

void ktest_hostile(void)
{
    static const struct {
        const char *name;
        int status;
    } cases[] = {
        {"readnull", EXIT_KILLED_SEGV},
        {"writekernel", EXIT_KILLED_SEGV},
        {"readkernel", EXIT_KILLED_SEGV},
        {"jumpkernel", EXIT_KILLED_SEGV},
        {"stackoverflow", EXIT_KILLED_SEGV},
        {"badptr", 0},
        {"badsyscall", 0},
        {"forkbomb", 0},
        {"sbrktest", 0},
        {"execer", 0},
        {"stackclash", EXIT_KILLED_SEGV},
        {"usefpu", EXIT_KILLED_ILL},
        {"bigwrite", 0},
        {"orphans", 0},
    };
    enum { N = sizeof cases / sizeof cases[0] };
    int pids[N];
    uint32_t before = frames_in_use();
    int by = spawn("bystander", NULL);
    for (int i = 0; i < N; i++)
        pids[i] = spawn(cases[i].name, NULL);
    for (int i = 0; i < N; i++)
        expect_exit(pids[i], cases[i].name, cases[i].status);
    expect_exit(by, "bystander", 0);

    char args[1][USER_ARG_LEN] = {"x"};
    ktest_check(process_spawn("nosuchprogram", 1, args) == -ENOENT,
                "a program that does not exist: -ENOENT");
    /* tests/kernel/run.sh hands over tests/kernel/module.txt, a text file. */
    if (multiboot_find_module("module.txt"))
        ktest_check(process_spawn("module.txt", 1, args) == -ENOEXEC,
                    "a module that is not an ELF executable: -ENOEXEC");
    else
        kprintf("ktest: no module.txt among the modules: the non-ELF check needs "
                "tests/kernel/run.sh hostile\n");
    uint32_t after = frames_in_use();
    ktest_check(after == before, "no frame leaked: %u in use before, %u after", before, after);
}
