/* The system call interface, shared by the kernel and the user programs in
 * src/user/ (their libc includes this file).
 *
 * Calling convention: `int 0x80` with the call number in EAX and up to five
 * arguments in EBX, ECX, EDX, ESI, EDI. The result comes back in EAX: a
 * value >= 0 on success, or a negated error number (-EFAULT, -EINVAL, ...,
 * values in kernel/errno.h). No other register changes. */
#ifndef KERNEL_ABI_H
#define KERNEL_ABI_H

#define SYSCALL_VECTOR 0x80

#define SYS_EXIT 1 /* exit(int status): never returns */
#define SYS_WRITE                                                                                  \
    2 /* write(int fd, const void *buf, size_t len): bytes written; fd 1 and 2 are the console */
#define SYS_GETPID 3 /* getpid(void): the caller's pid */
#define SYS_FORK   4 /* fork(void): the child's pid in the parent, 0 in the child */
#define SYS_EXEC                                                                                   \
    5 /* exec(const char *name, char *const argv[]): replaces the program; returns only on error   \
       */
#define SYS_WAIT                                                                                   \
    6 /* wait(int *status): pid of an exited child, its status in *status; -ECHILD if none */
#define SYS_YIELD     7  /* yield(void): give the CPU to the next ready process */
#define SYS_SLEEP     8  /* sleep(unsigned ms) */
#define SYS_SBRK      9  /* sbrk(int delta): the old end of the heap, or -ENOMEM */
#define SYS_GETPPID   10 /* getppid(void): the parent's pid */
#define SYSCALL_COUNT 11

/* Exit statuses the kernel gives a process it kills: 128 + the signal a
 * Unix kernel would have sent, so they read the same as in a Unix shell. */
#define EXIT_KILLED_SEGV (128 + 11) /* bad memory access */
#define EXIT_KILLED_ILL  (128 + 4)  /* illegal instruction, or another CPU exception */
#define EXIT_KILLED_KILL (128 + 9)  /* the shell's kill command */

/* The user address space (docs/07-processes.md). */
#define USER_BASE      0x08048000u /* where programs are linked */
#define USER_STACK_TOP 0xC0000000u /* the stack grows down from here */
#define USER_STACK_MAX (64 * 1024) /* its limit; the page below is the guard page */
#define USER_ARGS_MAX  8           /* argv entries passed by exec */
#define USER_ARG_LEN   32          /* bytes per argument, NUL included */

#endif
