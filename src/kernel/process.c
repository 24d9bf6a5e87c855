/* Processes, the scheduler, and the life of a process: spawn, fork, exec,
 * exit, wait, kill.
 *
 * Every process has its own address space (struct mm: a page directory and
 * VM areas) and its own 8 KiB kernel stack. When a process enters the kernel
 * (system call, fault, interrupt), the CPU switches to that stack (TSS.esp0)
 * and isr.asm saves the user registers at its top (struct regs). To switch
 * processes, schedule() loads the next one's page directory into CR3 and
 * calls context_switch() (switch.asm), which swaps kernel stacks.
 *
 * The kernel is not preemptible: interrupts are off whenever kernel code runs
 * on behalf of a process, and the timer preempts only code running in ring
 * 3. pid 0, the kernel's own task, runs the shell on the boot stack. */
#include "kernel/process.h"

#include <string.h>

#include "interrupts/exceptions.h"
#include "interrupts/pit.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/fmt.h"
#include "kernel/gdt.h"
#include "kernel/io.h"
#include "kernel/panic.h"
#include "kernel/params.h"
#include "mem/layout.h"
#include "mem/memcheck.h"
#include "mem/pmm.h"
#include "mem/vmm.h"

void context_switch(uint32_t *save_esp, uint32_t next_esp);
extern char isr_return[];

static struct process table[NPROC];
static struct process *cur;
static int next_pid = 1;

/* Indexed by enum proc_state. */
static const char *const state_names[] = {"unused",  "ready",  "running", "sleeping",
                                          "waiting", "zombie", "blocked"};
_Static_assert(sizeof state_names / sizeof state_names[0] == P_BLOCKED + 1,
               "a name for every process state");

struct process *current(void)
{
    return cur;
}

struct process *process_find(int pid)
{
    for (int i = 0; i < NPROC; i++)
        if (table[i].state != P_UNUSED && table[i].pid == pid)
            return &table[i];
    return NULL;
}

static void set_name(struct process *p, const char *name)
{
    size_t n = strlen(name);
    if (n >= PROC_NAME_LEN)
        n = PROC_NAME_LEN - 1;
    memcpy(p->name, name, n);
    p->name[n] = '\0';
}

/* A CPU exception in ring 3 other than a page fault: #UD, #DE, #GP ... */
static void user_exception(struct regs *r)
{
    if (r->vector == 2) { /* an NMI is the machine's, not the program's */
        kprintf("NMI while pid %d (%s) ran: ignored\n", cur->pid, cur->name);
        return;
    }
    char why[128], code[32] = "";
    if (exception_has_error_code(r->vector))
        fmt_snprintf(code, sizeof code, ", error code 0x%x", r->error_code);
    fmt_snprintf(why, sizeof why, "CPU exception %u %s (%s)%s at eip 0x%08x", r->vector,
                 exception_mnemonic(r->vector), exception_name(r->vector), code, r->eip);
    process_die(why, r->vector == 13 ? EXIT_KILLED_SEGV : EXIT_KILLED_ILL);
}

/* Returning to ring 3 faulted while reloading a segment register with a
 * selector the program had put there (src/interrupts/idt.c). The program
 * is to blame, so it dies; the kernel stack it was using is never
 * returned to, so leaving it half unwound is safe. */
static void bad_return(const char *reg, struct regs *r)
{
    if (!cur->mm)
        return; /* the kernel's own task: a kernel bug, which panics */
    char why[128];
    fmt_snprintf(why, sizeof why,
                 "%s held a selector that is not valid (CPU exception %u %s, error code 0x%x) "
                 "on the way back to user mode",
                 reg, r->vector, exception_mnemonic(r->vector), r->error_code);
    process_die(why, EXIT_KILLED_SEGV);
}

void process_init(void)
{
    interrupt_set_user_exception_handler(user_exception);
    interrupt_set_bad_return_handler(bad_return);
    cur = &table[0];
    cur->pid = 0;
    set_name(cur, "kernel");
    cur->state = P_RUNNING;
    pit_set_tick_hook(sched_tick);
}

/* A free slot with a kernel stack in *out: 0, -EAGAIN if the table is
 * full, or -ENOMEM if there is no memory for the stack. */
static int alloc_process(struct process **out)
{
    for (int i = 1; i < NPROC; i++) {
        struct process *p = &table[i];
        if (p->state != P_UNUSED)
            continue;
        uint32_t pa = pmm_alloc(1, PMM_NORMAL); /* 2 frames = KSTACK_SIZE */
        if (!pa)
            return -ENOMEM;
        memset(p, 0, sizeof *p);
        p->kstack = PHYS_TO_VIRT(pa);
        p->pid = next_pid++;
        p->parent = cur;
        *out = p;
        return 0;
    }
    return -EAGAIN;
}

static void free_process(struct process *p)
{
    if (p->kstack)
        pmm_free(VIRT_TO_PHYS(p->kstack), 1);
    memset(p, 0, sizeof *p);
}

/* Lays out a new process's kernel stack so that the first context_switch()
 * to it "returns" into isr_return, which pops user_regs and irets to ring 3:
 *
 *   top -> [struct regs: the user registers to start with]
 *          [isr_return]   <- context_switch's ret
 *          [ebp ebx esi edi = 0]  <- saved_esp */
static void prepare_kernel_stack(struct process *p, const struct regs *user_regs)
{
    uint32_t top = (uint32_t)p->kstack + KSTACK_SIZE;
    p->frame = (struct regs *)(top - sizeof(struct regs));
    *p->frame = *user_regs;
    uint32_t *sp = (uint32_t *)p->frame;
    *--sp = (uint32_t)isr_return;
    for (int i = 0; i < 4; i++)
        *--sp = 0;
    p->saved_esp = (uint32_t)sp;
}

/* A kernel thread's function returned, which it must never do. */
static void kthread_returned(void)
{
    panic("kernel thread pid %d (%s) returned", cur->pid, cur->name);
}

int process_spawn_kernel(const char *name, void (*fn)(void))
{
    uint32_t flags = irq_save();
    struct process *p;
    int rc = alloc_process(&p);
    if (rc < 0) {
        irq_restore(flags);
        return rc;
    }
    /* The first context_switch() to it "returns" into fn, with interrupts
     * off as schedule() left them; fn's own return address is a trap. */
    uint32_t *sp = (uint32_t *)((uint32_t)p->kstack + KSTACK_SIZE);
    *--sp = (uint32_t)kthread_returned;
    *--sp = (uint32_t)fn;
    for (int i = 0; i < 4; i++)
        *--sp = 0; /* ebp ebx esi edi */
    p->saved_esp = (uint32_t)sp;
    p->parent = NULL; /* nobody waits for it; it never exits */
    set_name(p, name);
    p->state = P_READY;
    irq_restore(flags);
    return p->pid;
}

static struct regs initial_user_regs(uint32_t entry, uint32_t user_esp)
{
    struct regs r;
    memset(&r, 0, sizeof r);
    r.gs = r.fs = r.es = r.ds = GDT_USER_DATA;
    r.cs = GDT_USER_CODE;
    r.user_ss = GDT_USER_DATA;
    r.eflags = 0x202; /* IF: user code always runs with interrupts on */
    r.eip = entry;
    r.user_esp = user_esp;
    return r;
}

int process_spawn(const char *name, int argc, char argv[][USER_ARG_LEN])
{
    struct mm *mm;
    uint32_t entry, esp;
    uint32_t flags = irq_save();
    int rc = loader_load(name, argc, argv, &mm, &entry, &esp);
    if (rc == 0) {
        struct process *p;
        rc = alloc_process(&p);
        if (rc < 0) {
            mm_destroy(mm);
        } else {
            p->mm = mm;
            set_name(p, name);
            struct regs r = initial_user_regs(entry, esp);
            prepare_kernel_stack(p, &r);
            p->state = P_READY;
            rc = p->pid;
        }
    }
    irq_restore(flags);
    return rc;
}

int process_fork(struct regs *r)
{
    struct process *p;
    int rc = alloc_process(&p);
    if (rc < 0)
        return rc;
    p->mm = mm_fork(cur->mm);
    if (!p->mm) {
        free_process(p);
        return -ENOMEM;
    }
    set_name(p, cur->name);
    struct regs child = *r;
    child.eax = 0; /* fork() returns 0 in the child */
    prepare_kernel_stack(p, &child);
    p->state = P_READY;
    return p->pid;
}

int process_exec(struct regs *r, const char *name, int argc, char argv[][USER_ARG_LEN])
{
    struct mm *mm;
    uint32_t entry, esp;
    int rc = loader_load(name, argc, argv, &mm, &entry, &esp);
    if (rc < 0)
        return rc;
    struct mm *old = cur->mm;
    cur->mm = mm;
    vmm_switch(mm->pd);
    mm_destroy(old);
    set_name(cur, name);
    *r = initial_user_regs(entry, esp);
    return 0;
}

/* Wakes the parent if it is waiting for this child (pid 0 also wakes for
 * any orphan it inherited, so that it can collect it). */
static void notify_parent(struct process *p)
{
    struct process *parent = p->parent;
    if (parent && parent->state == P_WAITING &&
        (parent->wait_pid == -1 || parent->wait_pid == p->pid ||
         (parent == &table[0] && p->orphan)))
        parent->state = P_READY;
}

/* What exit and kill share: the address space goes at once, the children go
 * to pid 0, and the slot stays (a zombie) until the parent collects the status. */
static void make_zombie(struct process *p, int status)
{
    if (p->mm) {
        /* Its directory may be loaded: it is running, or pid 0 borrowed it. */
        if (vmm_current_pd() == p->mm->pd)
            vmm_switch(vmm_kernel_pd());
        mm_destroy(p->mm);
        p->mm = NULL;
    }
    for (int i = 1; i < NPROC; i++) {
        struct process *c = &table[i];
        if (c->state == P_UNUSED || c->parent != p)
            continue;
        c->parent = &table[0];
        c->orphan = true;
        if (c->state == P_ZOMBIE)
            notify_parent(c);
    }
    p->exit_status = status;
    p->state = P_ZOMBIE;
    notify_parent(p);
}

void process_exit(int status)
{
    cpu_cli();
    if (cur == &table[0])
        panic("process_exit called by the kernel's own task");
    make_zombie(cur, status);
    schedule();
    panic("a zombie was scheduled (pid %d)", cur->pid);
}

void process_die(const char *why, int status)
{
    kprintf("pid %d (%s) killed: %s\n", cur->pid, cur->name, why);
    process_exit(status);
}

static uint32_t oom_kills;

uint32_t process_oom_kills(void)
{
    return oom_kills;
}

bool process_oom_kill(void)
{
    /* A process already killed inside the kernel (on the disk, or halfway
     * through a fault) has not let go of its memory yet: wait for it rather
     * than kill a second one. */
    for (int i = 1; i < NPROC; i++) {
        if (table[i].kill_status && table[i].state != P_ZOMBIE && &table[i] != cur) {
            process_sleep(10);
            return true;
        }
    }
    struct process *victim = NULL;
    uint32_t most = 0, resident = 0, swapped = 0;
    for (int i = 1; i < NPROC; i++) {
        struct process *p = &table[i];
        if (p->state == P_UNUSED || p->state == P_ZOMBIE || !p->mm || p->kill_status)
            continue;
        uint32_t r, s;
        mm_count_pages(p->mm, &r, &s);
        if (!victim || r + s > most) {
            victim = p;
            most = r + s;
            resident = r;
            swapped = s;
        }
    }
    if (!victim)
        return false;
    kprintf("oom: out of memory and swap: killing pid %d (%s), %u pages in memory and %u in "
            "swap\n",
            victim->pid, victim->name, resident, swapped);
    if (victim != cur && process_kill(victim->pid, EXIT_KILLED_KILL) != 0)
        return false;
    oom_kills++;
    if (victim == cur)
        return false;
    /* Killed at once, its memory is free; killed inside the kernel, it
     * frees it on its way out, and the caller tries again after a pause. */
    if (victim->state != P_ZOMBIE)
        process_sleep(10);
    return true;
}

int process_kill(int pid, int status)
{
    struct process *p = process_find(pid);
    if (!p || pid == 0 || p == cur || p->state == P_ZOMBIE)
        return -ESRCH;
    if (!p->mm)
        return -EPERM; /* a kernel thread */
    if (p->mid_kernel) {
        /* It is inside the kernel, waiting for a device (or woken and not
         * yet run) or halfway through a fault; pulling its address space
         * now would leave the device mid-request or leak what the fault
         * holds. It dies on its way back to user mode (syscall_entry,
         * user_fault). */
        p->kill_status = status;
        kprintf("pid %d (%s) will be killed when it leaves the kernel\n", p->pid, p->name);
        return 0;
    }
    uint32_t flags = irq_save();
    /* It is not running (one CPU, and we are running), so its kernel stack is
     * idle: nothing will ever switch back to it. */
    kprintf("pid %d (%s) killed\n", p->pid, p->name);
    make_zombie(p, status);
    irq_restore(flags);
    return 0;
}

static int wait_for(int pid, int *status, bool block)
{
    uint32_t flags = irq_save();
    for (;;) {
        if (cur == &table[0])
            process_reap(false);
        bool any = false;
        for (int i = 1; i < NPROC; i++) {
            struct process *c = &table[i];
            if (c->state == P_UNUSED || c->parent != cur || (pid != -1 && c->pid != pid))
                continue;
            any = true;
            if (c->state != P_ZOMBIE)
                continue;
            int id = c->pid;
            if (status)
                *status = c->exit_status;
            free_process(c);
            irq_restore(flags);
            return id;
        }
        if (!any || !block) {
            irq_restore(flags);
            return any ? 0 : -ECHILD;
        }
        cur->state = P_WAITING;
        cur->wait_pid = pid;
        schedule();
    }
}

int process_wait(int pid, int *status)
{
    return wait_for(pid, status, true);
}

int process_wait_nohang(int pid, int *status)
{
    return wait_for(pid, status, false);
}

void process_reap(bool own_children)
{
    for (int i = 1; i < NPROC; i++) {
        struct process *c = &table[i];
        if (c->state == P_ZOMBIE && c->parent == &table[0] && (own_children || c->orphan)) {
            /* Orphans are collected silently, as init does; the shell's own
             * background jobs are reported. */
            if (!c->orphan)
                kprintf("pid %d (%s) exited with status %d\n", c->pid, c->name, c->exit_status);
            free_process(c);
        }
    }
}

void process_sleep(uint32_t ms)
{
    uint32_t flags = irq_save();
    cur->wake_tick = pit_ticks() + ms_to_ticks(ms);
    cur->state = P_SLEEPING;
    schedule();
    irq_restore(flags);
}

uint64_t ms_to_ticks(uint32_t ms)
{
    /* In 64 bits: ms * 100 overflows 32 bits past 42949672 ms (12 hours). */
    return ((uint64_t)ms * PIT_HZ + 999) / 1000;
}

bool sched_started(void)
{
    return cur != NULL;
}

bool process_block(uint32_t timeout_ms)
{
    cur->woken = false;
    cur->wake_tick = pit_ticks() + ms_to_ticks(timeout_ms);
    cur->state = P_BLOCKED;
    cur->mid_kernel = true;
    schedule();
    cur->mid_kernel = false;
    return cur->woken;
}

void process_yield(void)
{
    cur->mid_kernel = true;
    schedule();
    cur->mid_kernel = false;
}

void process_wake(struct process *p)
{
    if (p->state == P_BLOCKED) {
        p->woken = true;
        p->state = P_READY;
    }
}

void process_sleep_on(const void *chan)
{
    cur->chan = chan;
    cur->woken = false;
    cur->wake_tick = UINT64_MAX; /* no timeout: sched_tick never wakes it */
    cur->state = P_BLOCKED;
    cur->mid_kernel = true;
    schedule();
    cur->mid_kernel = false;
    cur->chan = NULL;
}

void process_wake_all(const void *chan)
{
    for (int i = 0; i < NPROC; i++)
        if (table[i].state == P_BLOCKED && table[i].chan == chan)
            process_wake(&table[i]);
}

void sched_idle(void)
{
    uint32_t flags = irq_save();
    if (sched_others_ready())
        schedule();
    else
        __asm__ volatile("sti; hlt" ::: "memory");
    irq_restore(flags);
}

bool sched_others_ready(void)
{
    for (int i = 0; i < NPROC; i++)
        if (&table[i] != cur && table[i].state == P_READY)
            return true;
    return false;
}

/* Round robin: the first ready process after the current one in the table. */
static struct process *pick_next(void)
{
    int start = (int)(cur - table);
    for (int k = 1; k <= NPROC; k++) {
        struct process *p = &table[(start + k) % NPROC];
        if (p->state == P_READY)
            return p;
    }
    return NULL;
}

void schedule(void)
{
    uint32_t flags = irq_save();
    struct process *prev = cur, *next;
    if (prev->state == P_RUNNING)
        prev->state = P_READY;
    /* Nothing ready: wait for an interrupt (the timer wakes sleepers, the
     * serial port wakes the shell). This runs on prev's kernel stack. */
    while (!(next = pick_next()))
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    next->state = P_RUNNING;
    next->slice = TIME_SLICE_TICKS;
    if (next != prev) {
        next->switches++;
        cur = next;
        if (next->kstack)
            tss_set_kernel_stack((uint32_t)next->kstack + KSTACK_SIZE);
        /* pid 0 only ever touches the kernel half, which every directory
         * shares: it keeps whatever directory is loaded, and switching to it
         * and back to the same process costs no CR3 load at all. */
        pte_t *pd = next->mm ? next->mm->pd : vmm_current_pd();
        if (vmm_switch(pd) && next->mm && params_break_at("switch")) {
            kprintf("switch to pid %d (%s), page directory at phys 0x%08x\n", next->pid, next->name,
                    vmm_pd_phys(pd));
            gdt_print();
            bochs_magic_break();
        }
        context_switch(&prev->saved_esp, next->saved_esp);
    }
    irq_restore(flags);
}

void sched_tick(struct regs *r)
{
    uint64_t now = pit_ticks();
    /* Sleepers wake when their time comes; blocked processes too, with
     * woken still false: their wait timed out. */
    for (int i = 0; i < NPROC; i++)
        if ((table[i].state == P_SLEEPING || table[i].state == P_BLOCKED) &&
            table[i].wake_tick <= now)
            table[i].state = P_READY;
    /* Only code in ring 3 is preempted; the kernel runs to completion. */
    if ((r->cs & 3) && cur->slice && --cur->slice == 0)
        schedule();
}

int process_memcheck(void)
{
    struct mm *mms[NPROC];
    int n = 0;
    for (int i = 0; i < NPROC; i++)
        if (table[i].state != P_UNUSED && table[i].mm)
            mms[n++] = table[i].mm;
    return memcheck(mms, n);
}

void process_print_table(void)
{
    kprintf("  PID  PPID  STATE     NAME             PAGE DIR    FRAMES  SWITCHES\n");
    for (int i = 0; i < NPROC; i++) {
        struct process *p = &table[i];
        if (p->state == P_UNUSED)
            continue;
        pte_t *pd = p->mm ? p->mm->pd : (p == &table[0] ? vmm_kernel_pd() : NULL);
        uint32_t frames = 0;
        if (p->mm)
            for (int a = 0; a < p->mm->vmas.n; a++)
                frames += vmm_count_present(pd, p->mm->vmas.area[a].start, p->mm->vmas.area[a].end);
        kprintf("  %3d  %4d  %-8s  %-15s  0x%08x  %6u  %8u\n", p->pid,
                p->parent ? p->parent->pid : 0, state_names[p->state], p->name,
                pd ? vmm_pd_phys(pd) : 0, frames, p->switches);
    }
}
