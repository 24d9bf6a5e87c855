/* The system call interface, shared by the kernel and the user programs in
 * src/user/ (their libc includes this file).
 *
 * Calling convention: `int 0x80` with the call number in EAX and up to five
 * arguments in EBX, ECX, EDX, ESI, EDI. The result comes back in EAX: a
 * value >= 0 on success, or a negated error number (-EFAULT, -EINVAL, ...,
 * values in kernel/errno.h). No other register changes.
 *
 *   nr  call                                   result
 *    1  exit(int status)                       never returns
 *    2  write(int fd, const void *buf, len)    bytes written, at most WRITE_MAX; fd 1, 2: console
 *    3  getpid(void)                           the caller's pid
 *    4  fork(void)                             the child's pid in the parent, 0 in the child;
 *                                              -EAGAIN: process table full, -ENOMEM: no memory
 *    5  exec(const char *name, char *argv[])   replaces the program; returns only on error
 *    6  wait(int *status)                      pid of an exited child; -ECHILD if none
 *    7  yield(void)                            0, after the others had a turn
 *    8  sleep(unsigned ms)                     0
 *    9  sbrk(int delta)                        the old end of the heap, or -ENOMEM
 *   10  getppid(void)                          the parent's pid
 *   11  meminfo(struct meminfo *m)             0: fills *m with the frame counts below
 */
#ifndef KERNEL_ABI_H
#define KERNEL_ABI_H

// clang-format off
#define SYSCALL_VECTOR 0x80

#define SYS_EXIT       1
#define SYS_WRITE      2
#define SYS_GETPID     3
#define SYS_FORK       4
#define SYS_EXEC       5
#define SYS_WAIT       6
#define SYS_YIELD      7
#define SYS_SLEEP      8
#define SYS_SBRK       9
#define SYS_GETPPID    10
#define SYS_MEMINFO    11
#define SYSCALL_COUNT  12

/* write() moves at most this much per call (the rest is the caller's to
 * retry, as with a pipe): the kernel runs with interrupts off. */
#define WRITE_MAX      4096

/* Exit statuses the kernel gives a process it ends: 128 + the signal a Unix
 * kernel would have sent, so they read the same as in a Unix shell. */
#define EXIT_KILLED_INT  (128 + 2)   /* Ctrl-C at the shell */
#define EXIT_KILLED_ILL  (128 + 4)   /* illegal instruction, or another CPU exception */
#define EXIT_KILLED_KILL (128 + 9)   /* the shell's kill command */
#define EXIT_KILLED_SEGV (128 + 11)  /* bad memory access */

/* What meminfo() reports, in 4 KiB frames. */
struct meminfo {
    unsigned total;    /* frames the allocator manages */
    unsigned free;     /* of those, free now */
    unsigned reserved; /* frames of zone Normal that no process may take */
};

/* The user address space (docs/07-processes.md). */
#define USER_BASE      0x08048000u   /* where programs are linked */
#define USER_STACK_TOP 0xC0000000u   /* the stack grows down from here */
#define USER_STACK_INITIAL (64 * 1024)  /* the stack area at exec; it grows down on faults */
#define USER_STACK_LIMIT   (8u << 20)    /* how far it may grow, unless stack= says otherwise */
#define USER_STACK_GAP     (1024 * 1024) /* below the limit: never an area */
#define USER_ARGS_MAX  8             /* argv entries passed by exec */
#define USER_ARG_LEN   32            /* bytes per argument, NUL included */
// clang-format on

#endif
