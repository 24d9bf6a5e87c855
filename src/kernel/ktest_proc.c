/* Scenarios for processes: several programs at once, each in its own address
 * space; hostile programs end as they should while a bystander finishes; no
 * frame is leaked once everything has exited. */
#include <string.h>

#include "disk/disk.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/multiboot.h"
#include "kernel/params.h"
#include "kernel/process.h"
#include "kernel/shell.h"
#include "kernel/fmt.h"
#include "mem/vmm.h"
#include "mem/fault_decide.h"
#include "mem/kheap.h"
#include "mem/mm.h"
#include "mem/layout.h"
#include "mem/pmm.h"
#include "mem/shm.h"
#include "mem/swap.h"

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
        {"ldtgate", 0},
        {"wildgap", 0},
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

    /* A selector that fails to load on the way back to ring 3 is the
     * program's fault: the fixup in src/interrupts/idt.c kills it. With a
     * null LDT no program can make one, so the test plants one (TI = 1). */
    int bad_fs = spawn("hello", NULL);
    process_find(bad_fs)->frame->fs = 0x4007;
    expect_exit(bad_fs, "hello with an LDT selector saved in fs", EXIT_KILLED_SEGV);

    char args[1][USER_ARG_LEN] = {"x"};
    ktest_check(process_spawn("nosuchprogram", 1, args) == -ENOENT,
                "a program that does not exist: -ENOENT");
    ktest_check(process_spawn("gapseg", 1, args) == -ENOEXEC,
                "a program whose data segment lies in the gap below the stack: -ENOEXEC");
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

/* Runs "free 0x<pa> 0" at the shell; true if the free counts did not move. */
static bool shell_free_refused(uint32_t pa)
{
    char line[48];
    fmt_snprintf(line, sizeof line, "free 0x%08x 0", pa);
    uint32_t before = frames_in_use();
    shell_execute(line);
    return frames_in_use() == before;
}

/* The shell's free takes back only what its alloc handed out: frames that
 * belong to a running process are refused, and killing that process later
 * frees them without complaint. */
void ktest_shell_free(void)
{
    uint32_t before = frames_in_use();
    int pid = spawn("spin", NULL);
    process_sleep(100); /* let it run: its pages are now in use */
    struct process *p = process_find(pid);
    uint32_t pd = vmm_pd_phys(p->mm->pd), code = 0;
    vmm_translate(p->mm->pd, USER_BASE, &code, NULL);
    ktest_check(shell_free_refused(pd), "free of spin's page directory 0x%08x refused", pd);
    ktest_check(code && shell_free_refused(code), "free of spin's code page 0x%08x refused", code);

    process_kill(pid, EXIT_KILLED_KILL);
    expect_exit(pid, "spin", EXIT_KILLED_KILL);
    uint32_t after = frames_in_use();
    ktest_check(after == before, "no frame leaked: %u in use before, %u after", before, after);
}

/* Lazy loading: four copies of one program map the same frame of its
 * file for their first text page (PTE_FILE, read-only), take no frame for
 * it, and give everything back when they end. */
void ktest_lazy(void)
{
    uint32_t before = frames_in_use();
    int pids[4];
    uint32_t frame[4] = {0};
    pte_t pte[4] = {0};
    for (int i = 0; i < 4; i++)
        pids[i] = spawn("spin", NULL);
    process_sleep(200); /* each has run its first instructions */
    for (int i = 0; i < 4; i++)
        vmm_translate(process_find(pids[i])->mm->pd, USER_BASE, &frame[i], &pte[i]);
    ktest_check(frame[0] && frame[0] == frame[1] && frame[1] == frame[2] && frame[2] == frame[3],
                "four spins map their first text page to one frame (0x%08x)", frame[0]);
    ktest_check((pte[0] & PTE_FILE) && !(pte[0] & PTE_WRITE) && pmm_page_refs(frame[0]) == 0,
                "it is the program file's own frame: read-only, not from the allocator "
                "(pte 0x%08x)",
                pte[0]);
    for (int i = 0; i < 4; i++) {
        process_kill(pids[i], EXIT_KILLED_KILL);
        expect_exit(pids[i], "spin", EXIT_KILLED_KILL);
    }
    uint32_t after = frames_in_use();
    ktest_check(after == before, "no frame leaked: %u in use before, %u after", before, after);
}

/* memcheck notices a reference count that disagrees with the page tables:
 * one reference too many on a running process's stack page. */
void ktest_memcheck(void)
{
    int pid = spawn("spin", NULL);
    process_sleep(100);
    uint32_t stack = 0;
    vmm_translate(process_find(pid)->mm->pd, USER_STACK_TOP - PAGE_SIZE, &stack, NULL);
    ktest_check(process_memcheck() == 0, "memcheck is clean with spin running");
    pmm_page_get(stack);
    ktest_check(process_memcheck() == 1, "one reference too many on 0x%08x is one problem", stack);
    pmm_page_put(stack);
    ktest_check(process_memcheck() == 0, "clean again once it is dropped");
    /* The stack's entry cleared behind the kernel's back: its frame is on
     * the LRU lists but mapped nowhere. */
    pte_t *e = vmm_pte(process_find(pid)->mm->pd, USER_STACK_TOP - PAGE_SIZE, 0);
    pte_t saved = *e;
    *e = 0;
    ktest_check(process_memcheck() == 1, "an LRU page that no entry maps is one problem");
    *e = saved;
    ktest_check(process_memcheck() == 0, "clean again once the entry is back");
    /* A segment nothing can reach any more, left behind as if shm_collect
     * had been forgotten, with one frame. */
    int id = shm_create(IPC_PRIVATE, PAGE_SIZE, true, 0);
    ktest_check(id > 0 && shm_frame(id, 0) != 0, "a keyless segment with a frame (id %d)", id);
    ktest_check(process_memcheck() == 1, "an unattached removed segment is a leak");
    shm_collect();
    ktest_check(process_memcheck() == 0 && shm_count() == 0, "clean once it is collected");
    process_kill(pid, EXIT_KILLED_KILL);
    expect_exit(pid, "spin", EXIT_KILLED_KILL);
}

/* One page through copy-on-write (the cowpage program checks its frames
 * with probe()); the counters show a copy and a reuse. With break=cow,
 * Bochs stops at each of those faults (tests/bochs/run.sh). */
void ktest_cow(void)
{
    const uint32_t *n = mm_fault_counts();
    uint32_t copies = n[FAULT_COW_COPY], reuses = n[FAULT_COW_REUSE];
    expect_exit(spawn("cowpage", NULL), "cowpage", 0);
    ktest_check(n[FAULT_COW_COPY] > copies, "cow-copy counted (%u more)", n[FAULT_COW_COPY] - copies);
    ktest_check(n[FAULT_COW_REUSE] > reuses, "cow-reuse counted (%u more)",
                n[FAULT_COW_REUSE] - reuses);
}

/* The swap path end to end (run with a small userpages= budget): swapfill
 * writes 1 MiB and reads it back, pages go out and come back, and when it
 * has exited every slot is free again. */
void ktest_swap(void)
{
    const struct swap_stats *st = swap_stats();
    uint32_t out = st->pswpout, in = st->pswpin;
    expect_exit(spawn("swapfill", "1"), "swapfill", 0);
    ktest_check(st->pswpout > out && st->pswpin > in, "pages went out (%u) and came back (%u)",
                st->pswpout - out, st->pswpin - in);
    ktest_check(swap_slots_in_use() == 0, "every slot is free again (%u in use)",
                swap_slots_in_use());
}

/* swapcheck=on catches a page that changed on the disk: while swapfill
 * sleeps with most of its pages in swap, the test overwrites one of their
 * slots with zeros behind the kernel's back. When swapfill reads that page
 * back, the checksum differs: it is killed with a message, nothing else. */
void ktest_swapcheck(void)
{
    static char argv[3][USER_ARG_LEN] = {"swapfill", "1", "3000"};
    int pid = process_spawn("swapfill", 3, argv);
    ktest_check(pid > 0, "spawn swapfill 1 3000: pid %d", pid);
    process_sleep(1500); /* it has written its pages and sleeps */
    struct process *p = process_find(pid);
    uint32_t slot = 0;
    pte_t *e;
    for (uint32_t va = USER_BASE;
         !slot && p && p->mm && (e = vmm_next_used(p->mm->pd, &va, USER_STACK_TOP));
         va += PAGE_SIZE)
        if (pte_is_swap(*e) && va > USER_BASE + 0x10000)
            slot = pte_swap_slot(*e);
    ktest_check(slot != 0, "found a page of swapfill's heap in swap (slot %u)", slot);
    static uint8_t zeros[PAGE_SIZE];
    ktest_check(ata_write_page(disk_swap()->drive, disk_swap_slot_lba(slot), zeros) == 0,
                "overwrote slot %u with zeros", slot);
    uint32_t before = swap_stats()->swapcheck_errors;
    expect_exit(pid, "swapfill", EXIT_KILLED_SEGV);
    ktest_check(swap_stats()->swapcheck_errors == before + 1, "one checksum mismatch (%u)",
                swap_stats()->swapcheck_errors - before);
    ktest_check(swap_slots_in_use() == 0, "every slot is free again (%u in use)",
                swap_slots_in_use());
}

/* A swap-in read the disk refuses. The disk runs under QEMU's blkdebug
 * (tests/kernel/blkdebug-swap-read.conf): from its first cache flush on,
 * every read of sector 2128, slot 10, fails. Two copies of swapfill put
 * their pages in swap, the first one first, so slot 10 is one of its pages.
 * The test then makes the disk flush (an ordinary write outside the swap
 * area does), and waits: the first copy is killed when it reads that page
 * back, the second finishes its check, and the slot is marked bad. */
void ktest_swap_read_error(void)
{
    static char argv[3][USER_ARG_LEN] = {"swapfill", "1", "3000"};
    struct swap_area *sw = disk_swap();
    if (!ktest_check(sw->on, "a swap area"))
        return;
    int owner = process_spawn("swapfill", 3, argv);
    process_sleep(1000); /* it has written its pages and sleeps */
    int other = process_spawn("swapfill", 3, argv);
    process_sleep(1000);
    struct process *p = process_find(owner);
    bool owns = false;
    pte_t *e;
    for (uint32_t va = USER_BASE;
         !owns && p && p->mm && (e = vmm_next_used(p->mm->pd, &va, USER_STACK_TOP));
         va += PAGE_SIZE)
        owns = pte_is_swap(*e) && pte_swap_slot(*e) == 10;
    ktest_check(owns, "slot 10 holds a page of pid %d, in swap", owner);
    static uint8_t page[PAGE_SIZE];
    ktest_check(ata_write_page(sw->drive, 8, page) == 0,
                "a write outside the swap area, flushed: from now on slot 10 cannot be read");
    uint32_t bad = swap_nr_bad_since_boot();
    expect_exit(owner, "swapfill", EXIT_KILLED_SEGV);
    expect_exit(other, "swapfill", 0);
    ktest_check(swap_nr_bad_since_boot() == bad + 1, "slot 10 is marked bad (%u)",
                swap_nr_bad_since_boot() - bad);
    ktest_check(swap_slots_in_use() == 0, "every slot is free again (%u in use)",
                swap_slots_in_use());
}

/* A kill that lands while its victim is halfway through a fault. The
 * victim (swapfill 12 in 16 MiB of memory, in slot 1) wakes kswapd and gives up the CPU holding
 * a frame that no entry maps yet; kswapd (slot 2, started by a first run)
 * takes its turn, then this test (slot 0, always ready), which kills the
 * victim as soon as it sees that kswapd has run. The kill must wait until
 * the fault is done: made at once, it lost that frame. */
void ktest_kill_midfault(void)
{
    if (!ktest_check(disk_swap()->on, "a swap area"))
        return;
    expect_exit(spawn("swapfill", "12"), "swapfill", 0); /* kswapd is running from now on */
    uint32_t before = frames_in_use();
    const struct swap_stats *st = swap_stats();
    int pid = spawn("swapfill", "12");
    struct process *p = process_find(pid);
    uint32_t runs = st->pageoutrun;
    bool killed = false, waited = false;
    while (!killed && p->state != P_ZOMBIE) {
        schedule(); /* the others take their turns; this one stays ready */
        if (st->pageoutrun != runs && p->state == P_READY) {
            killed = process_kill(pid, EXIT_KILLED_KILL) == 0;
            waited = p->state != P_ZOMBIE;
        }
        runs = st->pageoutrun;
    }
    ktest_check(killed, "killed pid %d just after a kswapd run", pid);
    ktest_check(waited, "the kill waited for the fault to finish");
    expect_exit(pid, "swapfill", EXIT_KILLED_KILL);
    uint32_t after = frames_in_use();
    ktest_check(after == before, "no frame leaked: %u in use before, %u after", before, after);
    ktest_check(swap_slots_in_use() == 0, "every slot is free again (%u in use)",
                swap_slots_in_use());
}

/* Read-ahead under memory pressure, at -m 16 with no budget (about 12 MiB
 * for processes): swapfill 4 and swapfill 12 each write their mebibytes,
 * hold them a second and read them back, so the larger one always swaps,
 * and reads ahead slots of either. A first round starts kswapd and lets
 * the kernel's own tables grow to what two swapping processes need. In the
 * second, a forking program runs too, and the larger swapfill is killed
 * halfway through reading its pages back. The data must come back right,
 * pages must have been read ahead, used and let go, and once all have
 * exited no frame or slot may be left behind: a page read ahead for a slot
 * whose last entry went is dropped. */
void ktest_swap_readahead(void)
{
    static char small[3][USER_ARG_LEN] = {"swapfill", "4", "1000"};
    static char large[3][USER_ARG_LEN] = {"swapfill", "12", "1000"};
    if (!ktest_check(disk_swap()->on, "a swap area"))
        return;
    int a = process_spawn("swapfill", 3, small), b = process_spawn("swapfill", 3, large);
    expect_exit(a, "swapfill", 0);
    expect_exit(b, "swapfill", 0);
    uint32_t before = frames_in_use();
    const struct swap_stats *st = swap_stats();
    uint32_t ra = st->swap_ra, hit = st->swap_ra_hit, miss = st->swap_ra_miss;
    a = process_spawn("swapfill", 3, small);
    b = process_spawn("swapfill", 3, large);
    int c = spawn("forkmany", "8");
    /* b dies 200 pages after the most it had in swap: the pages read ahead
     * for its next faults are never used, and must be let go. */
    struct process *pb = process_find(b);
    for (uint32_t peak = 0, resident, swapped; pb->mm; process_sleep(5)) {
        mm_count_pages(pb->mm, &resident, &swapped);
        peak = swapped > peak ? swapped : peak;
        if (swapped + 200 < peak)
            break;
    }
    process_kill(b, EXIT_KILLED_KILL);
    ktest_check(process_memcheck() == 0, "memcheck is clean just after the kill");
    expect_exit(a, "swapfill", 0);
    expect_exit(b, "swapfill", EXIT_KILLED_KILL);
    expect_exit(c, "forkmany", 0);
    ktest_check(process_memcheck() == 0, "memcheck is clean once all have exited");
    ktest_check(st->swap_ra > ra && st->swap_ra_hit > hit && st->swap_ra_miss > miss,
                "%u pages read ahead: %u used by a fault, %u let go", st->swap_ra - ra,
                st->swap_ra_hit - hit, st->swap_ra_miss - miss);
    uint32_t after = frames_in_use();
    ktest_check(after == before, "no frame leaked: %u in use before, %u after", before, after);
    ktest_check(swap_slots_in_use() == 0, "every slot is free again (%u in use)",
                swap_slots_in_use());
}

/* Exact counts, as ucore's check_swap does: 4 frames, a fixed string of
 * references to 5 pages of an address space of the test's own, and the
 * hardware's accessed bit set by hand at each reference. The expected
 * faults are what the page-replacement lab computes for the same string
 * (printf ... | build/host/lru-sim -f 4 -p fifo,clock,kernel -): the
 * kernel runs the policy the lab measures. */
void ktest_swapcount(void)
{
    static const uint8_t refs[] = {1, 1, 3, 3, 1, 2, 3, 2, 4, 3, 4, 2,
                                   5, 5, 5, 4, 3, 1, 3, 1, 2, 4, 1, 3};
    static const uint32_t want[LRU_NR_POLICIES] = {[LRU_TWO_LIST] = 7, [LRU_CLOCK] = 8,
                                                   [LRU_FIFO] = 9};
    const uint32_t base = 0x10000000;
    enum lru_policy policy = params_evict();
    struct mm *mm = mm_create();
    ktest_check(mm && mm_add_area(mm, base, base + 5 * PAGE_SIZE, VMA_READ | VMA_WRITE,
                                  VMA_ANON) == 0,
                "an address space with an area of 5 pages");
    uint32_t old_budget = swap_set_budget(4), evicted = swap_stats()->evicted, faults = 0;
    for (unsigned i = 0; i < sizeof refs; i++) {
        uint32_t va = base + (refs[i] - 1u) * PAGE_SIZE;
        pte_t *e = vmm_pte(mm->pd, va, 0);
        if (!e || !pte_present(*e)) {
            faults++;
            if (mm_handle_fault(mm, va, false) < 0)
                break;
            e = vmm_pte(mm->pd, va, 0);
        }
        *e |= PTE_ACCESSED; /* what the CPU does on every access */
    }
    evicted = swap_stats()->evicted - evicted;
    ktest_check(faults == want[policy], "evict=%s: %u faults (the lab says %u)",
                lru_policy_name(policy), faults, want[policy]);
    ktest_check(evicted == faults - 4, "%u pages evicted: every fault after the first 4", evicted);
    swap_set_budget(old_budget);
    mm_destroy(mm);
    ktest_check(swap_slots_in_use() == 0 && swap_nr_lru() == 0,
                "the slots and the lists are empty again (%u, %u)", swap_slots_in_use(),
                swap_nr_lru());
}

/* Swap full, and a clean page in the swap cache behind pages that would
 * need a slot: eviction must look past those for the clean one, which goes
 * without a write. A budget of 4 frames, evict=clock (one ring, so every
 * page in memory is looked at in turn), and an address space of the
 * test's own: page 0 goes to swap and is read back (clean, cached, its
 * slot kept), then new pages are written until no slot is free, page 0
 * kept in memory by its accessed bit. One more page then needs a frame:
 * the three other pages in memory have no slot to go to, so page 0, no
 * longer referenced, must be dropped to make room. Before the fix the
 * search took the first page that needed a slot as its victim, found no
 * slot for it, and the fault failed with -ENOMEM. */
void ktest_swap_full_evict(void)
{
    const uint32_t base = 0x10000000;
    struct swap_area *sw = disk_swap();
    if (!ktest_check(sw->on && swap_slots_in_use() == 0 && params_evict() == LRU_CLOCK,
                     "an empty swap area, and evict=clock"))
        return;
    uint32_t usable = sw->hdr.last_page, npages = usable + 16;
    struct mm *mm = mm_create();
    if (!ktest_check(mm && mm_add_area(mm, base, base + npages * PAGE_SIZE,
                                       VMA_READ | VMA_WRITE, VMA_ANON) == 0,
                     "an address space with an area of %u pages", npages))
        return;
    uint32_t old_budget = swap_set_budget(4), next = 0;
    int rc = 0;
    /* Pages 0 to 7 written: pages 0 to 3 go to swap. (Eight, not fewer:
     * with the ring's order that follows, page 0 is not the next page the
     * clock looks at when swap fills, so the search has to look past a
     * page that needs a slot. With six it would be, and the old search
     * would have found it first.) */
    while (next < 8 && rc == 0)
        rc = mm_handle_fault(mm, base + next++ * PAGE_SIZE, true);
    /* Page 0 read back: in the swap cache, clean. */
    if (rc == 0)
        rc = mm_handle_fault(mm, base, false);
    pte_t *page0 = vmm_pte(mm->pd, base, 0);
    uint32_t drops = swap_stats()->swapcache_drop;
    /* New pages until swap is full; page 0 is referenced before each. */
    while (rc == 0 && swap_slots_in_use() < usable && next < npages) {
        *page0 |= PTE_ACCESSED;
        rc = mm_handle_fault(mm, base + next++ * PAGE_SIZE, true);
    }
    ktest_check(rc == 0 && swap_slots_in_use() == usable && pte_present(*page0) &&
                    swap_stats()->swapcache_drop == drops,
                "swap full (%u slots) after %u pages, page 0 still in memory and cached",
                swap_slots_in_use(), next);
    *page0 &= ~PTE_ACCESSED;
    rc = mm_handle_fault(mm, base + next++ * PAGE_SIZE, true);
    ktest_check(rc == 0 && swap_stats()->swapcache_drop == drops + 1 && !pte_present(*page0),
                "one more page: page 0 dropped without a write to make room (rc %d, %u dropped)",
                rc, swap_stats()->swapcache_drop - drops);
    swap_set_budget(old_budget);
    mm_destroy(mm);
    ktest_check(swap_slots_in_use() == 0 && swap_nr_lru() == 0,
                "the slots and the lists are empty again (%u, %u)", swap_slots_in_use(),
                swap_nr_lru());
}

/* A process killed while swapoff reads one of its pages back. swapoff
 * sleeps in each read, and only then can anything else run (the kernel is
 * not preempted), so a kernel thread that kills the process at some point
 * during swapoff kills it during one of those reads; its address space is
 * freed (kheap=debug fills it with a poison pattern). When the read ends,
 * swapoff must notice that the address space is gone and carry on with the
 * others, without touching it. */
static int swapoff_victim; /* set: the killer waits 30 ms, then kills it */

static void swapoff_killer(void)
{
    while (!swapoff_victim)
        process_sleep(5);
    process_sleep(30);
    process_kill(swapoff_victim, EXIT_KILLED_KILL);
    for (;;)
        process_sleep(1000000);
}

void ktest_swapoff_exit(void)
{
    static char argv[3][USER_ARG_LEN] = {"swapfill", "2", "30000"};
    /* The thread first: its stack stays, since it never ends. */
    if (!ktest_check(disk_swap()->on && process_spawn_kernel("killer", swapoff_killer) > 0,
                     "a swap area, and a thread to kill swapfill"))
        return;
    uint32_t before = frames_in_use(), old_budget = swap_set_budget(64);
    int pid = process_spawn("swapfill", 3, argv);
    struct process *p = process_find(pid);
    uint32_t resident = 0, swapped = 0;
    /* Until it has written its pages and sleeps holding them: killed while
     * still writing, it would only die once back in user mode, and with
     * swap off it could not evict to get there. */
    while (p && p->mm && (swapped < 400 || p->state != P_SLEEPING || p->mid_kernel)) {
        process_sleep(10);
        mm_count_pages(p->mm, &resident, &swapped);
    }
    ktest_check(swapped >= 400, "swapfill (pid %d) has %u pages in swap", pid, swapped);
    swap_set_budget(0);
    uint32_t reads = swap_stats()->pswpin;
    swapoff_victim = pid; /* killed 30 ms into swapoff */
    int rc = swap_off();
    ktest_check(rc == 0, "swapoff succeeds (%d) after %u reads", rc, swap_stats()->pswpin - reads);
    expect_exit(pid, "swapfill", EXIT_KILLED_KILL);
    ktest_check(swap_stats()->pswpin - reads < swapped,
                "it was killed before swapoff had read all its pages");
    ktest_check(swap_on_again() == 0 && swap_slots_in_use() == 0, "swap on again, no slot in use");
    ktest_check(process_memcheck() == 0, "memcheck is clean");
    swap_set_budget(old_budget);
    uint32_t after = frames_in_use();
    ktest_check(after == before, "no frame leaked: %u in use before, %u after", before, after);
}
