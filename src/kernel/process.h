/* Processes and the scheduler (docs/07-processes.md). */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "interrupts/irq.h"
#include "kernel/abi.h"
#include "mem/mm.h"

#define NPROC            96   /* the process table's size: fork beyond it gets -EAGAIN */
#define KSTACK_SIZE      8192 /* each process's kernel stack */
#define PROC_NAME_LEN    16
#define TIME_SLICE_TICKS 5 /* 50 ms at 100 Hz */

enum proc_state { P_UNUSED, P_READY, P_RUNNING, P_SLEEPING, P_WAITING, P_ZOMBIE, P_BLOCKED };

struct process {
    int pid;
    char name[PROC_NAME_LEN];
    enum proc_state state;
    struct process *parent;
    int exit_status;
    struct mm *mm;      /* NULL for the kernel's own task (pid 0) */
    uint8_t *kstack;    /* KSTACK_SIZE bytes; NULL for pid 0 (the boot stack) */
    uint32_t saved_esp; /* kernel ESP while not running (src/kernel/switch.asm) */
    struct regs *frame; /* its user registers, saved on entry to the kernel */
    uint64_t wake_tick; /* P_SLEEPING: when to wake */
    int wait_pid;       /* P_WAITING: the child waited for, or -1 for any */
    bool woken;         /* P_BLOCKED: set by process_wake() */
    const void *chan;   /* P_BLOCKED in process_sleep_on(): what it waits for */
    bool orphan;        /* its parent died: pid 0 collects it */
    int kill_status;    /* > 0: killed while mid_kernel; dies on its way back to user mode */
    bool mid_kernel;    /* gave up the CPU with kernel work unfinished: a device wait, a yield */
    uint32_t slice;     /* ticks left in its time slice */
    uint32_t switches;  /* times it was given the CPU */
};

/* Out of memory and swap: kills the process with the most pages in memory
 * and in swap, with a message giving its totals, as Linux's OOM killer
 * does. True if that was another process (the caller may try again); false
 * if it is the caller, which must then die itself. */
bool process_oom_kill(void);
/* Processes the OOM killer has chosen since boot (vmstat's oom_kill). */
uint32_t process_oom_kills(void);
/* Gives up the CPU halfway through kernel work, staying ready to run. As
 * for a process waiting on a device, a kill until then only marks it: it
 * dies on its way back to user mode, once the work is finished. */
void process_yield(void);
/* Sets up pid 0, the kernel's own task (the shell runs in it). */
void process_init(void);
/* The running process. */
struct process *current(void);
/* The process with this pid, or NULL. */
struct process *process_find(int pid);
/* Starts program `name` (a boot module) as a new child of the current
 * process; its pid, or -ENOENT / -ENOEXEC / -ENOMEM / -EAGAIN. */
int process_spawn(const char *name, int argc, char argv[][USER_ARG_LEN]);
/* Starts a kernel thread: a task with no address space of its own (like
 * pid 0) that runs fn in ring 0, with interrupts off, and never returns.
 * Nobody is its parent, and it cannot be killed. Its pid, or -EAGAIN /
 * -ENOMEM. */
int process_spawn_kernel(const char *name, void (*fn)(void));
/* Waits for a child (pid, or -1 for any) to exit and reaps it: its pid and
 * *status, or -ECHILD if there is no such child. */
int process_wait(int pid, int *status);
/* The same without waiting: 0 if the child is still running. */
int process_wait_nohang(int pid, int *status);
/* Ends the current process with status; never returns. */
void process_exit(int status) __attribute__((noreturn));
/* Ends another process (the shell's kill): 0 or -ESRCH. */
int process_kill(int pid, int status);
/* Kills the current user process after a fault, saying why; never returns. */
void process_die(const char *why, int status) __attribute__((noreturn));
/* For pid 0: frees its zombie children, printing their status; with
 * own_children false only the orphans it inherited. */
void process_reap(bool own_children);
/* Runs memcheck over every process's address space: the number of problems. */
int process_memcheck(void);
/* Prints the process table (the shell's ps). */
void process_print_table(void);
/* Gives up the CPU: runs the next ready process (or idles until one is). */
void schedule(void);
/* Called on every timer tick: wakes sleepers, preempts user code. */
void sched_tick(struct regs *r);
/* Timer ticks in ms milliseconds, rounded up. */
uint64_t ms_to_ticks(uint32_t ms);
/* Puts the current process to sleep for ms milliseconds. */
void process_sleep(uint32_t ms);
/* Blocks the current process until process_wake() or until timeout_ms
 * passes; true if it was woken, false on the timeout. Interrupts must be
 * off, and the waker must be an interrupt handler (e.g. the disk's). */
bool process_block(uint32_t timeout_ms);
/* Makes a process blocked in process_block() ready again. */
void process_wake(struct process *p);
/* Blocks the current process until process_wake_all(chan), for any object
 * chan stands for (a page under I/O, a busy disk channel). The caller
 * checks its condition again when this returns, in a loop, as a wake-up
 * only says something changed. Interrupts must be off. */
void process_sleep_on(const void *chan);
/* Makes every process sleeping on chan ready again. */
void process_wake_all(const void *chan);
/* True once the scheduler runs (drivers poll before that). */
bool sched_started(void);
/* For pid 0 when it has nothing to do: runs the others if any are ready,
 * else halts until the next interrupt. */
void sched_idle(void);
/* True if a process other than the current one is ready to run. */
bool sched_others_ready(void);

/* fork() for the current process: the child's pid or a negative error. */
int process_fork(struct regs *r);
/* exec(): replaces the current program; returns only on error. */
int process_exec(struct regs *r, const char *name, int argc, char argv[][USER_ARG_LEN]);

/* The loader (src/kernel/loader.c): a fresh address space holding program
 * name's segments, its stack with argv on it, and its heap start. */
int loader_load(const char *name, int argc, char argv[][USER_ARG_LEN], struct mm **mm_out,
                uint32_t *entry, uint32_t *user_esp);

#endif
