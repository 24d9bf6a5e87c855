/* System calls. A user program loads the call number into EAX and its
 * arguments into EBX, ECX, EDX, ESI, EDI and executes `int 0x80`; the gate
 * has DPL 3, so ring 3 may use it (any other vector raises #GP). The CPU
 * switches to the process's kernel stack and isr.asm saves every register in
 * a struct regs; the result goes back in that frame's EAX.
 *
 * Every pointer a program passes is checked before the kernel touches it: it
 * must lie in the user half, inside the program's VM areas, with the right
 * permission (mm_check_user). A bad pointer gets -EFAULT; it can never make
 * the kernel fault. */
#include "kernel/syscall.h"

#include <string.h>

#include "interrupts/irq.h"
#include "kernel/abi.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "mem/layout.h"
#include "mem/pmm.h"
#include "mem/shm.h"
#include "mem/vmm.h"

/* Copies a NUL-terminated string of at most max - 1 characters from user
 * address ua; its length, -EFAULT, or -ENAMETOOLONG. */
static int copy_user_string(struct mm *mm, uint32_t ua, char *dst, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        if (mm_check_user(mm, ua + (uint32_t)i, 1, false) < 0)
            return -EFAULT;
        dst[i] = *(const char *)(ua + i);
        if (!dst[i])
            return (int)i;
    }
    return -ENAMETOOLONG;
}

static long sys_exit(struct regs *r)
{
    process_exit((int)r->ebx);
}

static long sys_write(struct regs *r)
{
    uint32_t fd = r->ebx, buf = r->ecx, len = r->edx;
    if (fd != 1 && fd != 2)
        return -EBADF;
    /* A bounded amount per call: the kernel runs with interrupts off, and
     * a write of gigabytes would stall everyone (and touch every page). */
    if (len > WRITE_MAX)
        len = WRITE_MAX;
    int rc = mm_check_user(current()->mm, buf, len, false);
    if (rc < 0)
        return rc;
    /* Validated first, so a bad range prints nothing at all. */
    for (uint32_t i = 0; i < len; i++)
        console_putc(((const char *)buf)[i]);
    return (long)len;
}

static long sys_getpid(struct regs *r)
{
    (void)r;
    return current()->pid;
}

static long sys_getppid(struct regs *r)
{
    (void)r;
    return current()->parent ? current()->parent->pid : 0;
}

static long sys_fork(struct regs *r)
{
    return process_fork(r);
}

static long sys_exec(struct regs *r)
{
    struct mm *mm = current()->mm;
    char name[USER_ARG_LEN];
    static char argv[USER_ARGS_MAX][USER_ARG_LEN]; /* the kernel is not preemptible */
    int rc = copy_user_string(mm, r->ebx, name, sizeof name);
    if (rc < 0)
        return rc;
    int argc = 0;
    for (uint32_t ua = r->ecx; ua; ua += 4, argc++) {
        if (mm_check_user(mm, ua, 4, false) < 0)
            return -EFAULT;
        uint32_t p = *(const uint32_t *)ua;
        if (!p)
            break;
        if (argc == USER_ARGS_MAX)
            return -E2BIG;
        rc = copy_user_string(mm, p, argv[argc], USER_ARG_LEN);
        if (rc < 0)
            return rc == -ENAMETOOLONG ? -E2BIG : rc;
    }
    if (argc == 0) { /* no argv: the program gets its own name */
        memcpy(argv[0], name, sizeof name);
        argc = 1;
    }
    return process_exec(r, name, argc, argv);
}

static long sys_wait(struct regs *r)
{
    uint32_t ua = r->ebx;
    /* Check the pointer before reaping, so that a bad one loses no child.
     * The check also makes the page present: -ENOMEM if it cannot. */
    int rc = ua ? mm_check_user(current()->mm, ua, 4, true) : 0;
    if (rc < 0)
        return rc;
    int status;
    int pid = process_wait(-1, &status);
    /* Others ran while this one waited, and the page may have gone to swap
     * meanwhile: bring it back again before writing. */
    if (pid > 0 && ua && mm_check_user(current()->mm, ua, 4, true) == 0)
        *(int *)ua = status;
    return pid;
}

static long sys_yield(struct regs *r)
{
    (void)r;
    schedule();
    return 0;
}

static long sys_sleep(struct regs *r)
{
    process_sleep(r->ebx);
    return 0;
}

static long sys_sbrk(struct regs *r)
{
    uint32_t old;
    int rc = mm_sbrk(current()->mm, (int32_t)r->ebx, &old);
    return rc < 0 ? rc : (long)old;
}

static long sys_meminfo(struct regs *r)
{
    int rc = mm_check_user(current()->mm, r->ebx, sizeof(struct meminfo), true);
    if (rc < 0)
        return rc;
    struct meminfo *m = (struct meminfo *)r->ebx;
    m->total = pmm_nr_total();
    m->free = pmm_nr_free();
    m->reserved = PMM_NORMAL_RESERVE;
    return 0;
}

static long sys_probe(struct regs *r)
{
    struct mm *mm = current()->mm;
    int rc = mm_check_user(mm, r->ecx, sizeof(struct probe), true);
    if (rc < 0)
        return rc;
    struct probe p = {0, 0, 0, 0};
    pte_t e;
    if (r->ebx < KERNEL_VMA && vmm_translate(mm->pd, r->ebx, NULL, &e) == 0) {
        p.present = 1;
        p.frame = pte_addr(e);
        p.pte = e;
        p.refs = e & PTE_FILE ? 0 : pmm_page_refs(pte_addr(e));
    }
    *(struct probe *)r->ecx = p;
    return 0;
}

static long sys_mmap(struct regs *r)
{
    return mm_mmap(current()->mm, r->ebx, r->ecx, r->edx, r->esi);
}

static long sys_munmap(struct regs *r)
{
    return mm_munmap(current()->mm, r->ebx, r->ecx);
}

static long sys_mprotect(struct regs *r)
{
    return mm_mprotect(current()->mm, r->ebx, r->ecx, r->edx);
}

static long sys_shmget(struct regs *r)
{
    return shm_get((int32_t)r->ebx, r->ecx, r->edx, current()->pid);
}

static long sys_shmat(struct regs *r)
{
    return mm_shmat(current()->mm, (int)r->ebx, r->ecx, r->edx);
}

static long sys_shmdt(struct regs *r)
{
    return mm_shmdt(current()->mm, r->ebx);
}

static long sys_shmctl(struct regs *r)
{
    int id = (int)r->ebx;
    if (r->ecx == IPC_RMID)
        return shm_remove(id);
    if (r->ecx != IPC_STAT)
        return -EINVAL;
    struct shm_status st;
    if (shm_status(id, &st) < 0)
        return -EINVAL;
    int rc = mm_check_user(current()->mm, r->edx, sizeof(struct shm_info), true);
    if (rc < 0)
        return rc;
    *(struct shm_info *)r->edx = (struct shm_info){st.size, st.resident, st.nattch, st.creator};
    return 0;
}

static long (*const calls[SYSCALL_COUNT])(struct regs *) = {
    [SYS_EXIT] = sys_exit,       [SYS_WRITE] = sys_write,     [SYS_GETPID] = sys_getpid,
    [SYS_FORK] = sys_fork,       [SYS_EXEC] = sys_exec,       [SYS_WAIT] = sys_wait,
    [SYS_YIELD] = sys_yield,     [SYS_SLEEP] = sys_sleep,     [SYS_SBRK] = sys_sbrk,
    [SYS_GETPPID] = sys_getppid, [SYS_MEMINFO] = sys_meminfo, [SYS_PROBE] = sys_probe,
    [SYS_MMAP] = sys_mmap,       [SYS_MUNMAP] = sys_munmap,   [SYS_MPROTECT] = sys_mprotect,
    [SYS_SHMGET] = sys_shmget,   [SYS_SHMAT] = sys_shmat,     [SYS_SHMDT] = sys_shmdt,
    [SYS_SHMCTL] = sys_shmctl,
};

static void syscall_entry(struct regs *r)
{
    current()->frame = r;
    uint32_t nr = r->eax;
    long rc = nr < SYSCALL_COUNT && calls[nr] ? calls[nr](r) : -ENOSYS;
    r->eax = (uint32_t)rc;
    /* Killed while it waited inside the kernel: die before user mode. */
    if (current()->kill_status)
        process_exit(current()->kill_status);
}

void syscall_init(void)
{
    idt_set_software_gate(SYSCALL_VECTOR, 3);
    interrupt_register(SYSCALL_VECTOR, syscall_entry);
}
