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
 *   12  probe(addr, struct probe *p)           0: fills *p with what maps addr (below)
 *   13  mmap(addr, len, prot, flags)           the address of a new area, or -errno
 *   14  munmap(addr, len)                      0, or -EINVAL
 *   15  mprotect(addr, len, prot)              0, -EINVAL, or -ENOMEM (a hole in the range)
 *   16  shmget(key, size, flags)               a shared segment's id, or -errno
 *   17  shmat(id, addr, flags)                 the address the segment is attached at, or -errno
 *   18  shmdt(addr)                            0, or -EINVAL (no segment attached at addr)
 *   19  shmctl(id, cmd, struct shm_info *)     0, or -EINVAL
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
#define SYS_PROBE      12
#define SYS_MMAP       13
#define SYS_MUNMAP     14
#define SYS_MPROTECT   15
#define SYS_SHMGET     16
#define SYS_SHMAT      17
#define SYS_SHMDT      18
#define SYS_SHMCTL     19
#define SYSCALL_COUNT  20

/* mmap's and mprotect's prot, and mmap's flags, with Linux's values. */
#define PROT_NONE      0x0
#define PROT_READ      0x1
#define PROT_WRITE     0x2
#define PROT_EXEC      0x4
#define MAP_SHARED     0x01
#define MAP_PRIVATE    0x02
#define MAP_FIXED      0x10
#define MAP_ANONYMOUS  0x20

/* System V shared memory, with Linux's values. */
#define IPC_PRIVATE    0        /* shmget's key: always a new segment */
#define IPC_CREAT      001000   /* shmget: create the segment if the key has none */
#define IPC_EXCL       002000   /* with IPC_CREAT: fail with -EEXIST if it exists */
#define SHM_RDONLY     010000   /* shmat: attach read-only */
#define IPC_RMID       0        /* shmctl: remove once nothing has it attached */
#define IPC_STAT       2        /* shmctl: fill struct shm_info */

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

/* What shmctl(id, IPC_STAT, &info) reports of a segment. */
struct shm_info {
    unsigned size;     /* bytes, a whole number of pages */
    unsigned resident; /* pages that have a frame (touched at least once) */
    unsigned nattch;   /* attachments, in every process */
    int creator;       /* the pid that made it */
};

/* What probe() reports of one user address. */
struct probe {
    unsigned present;  /* 1 if a page table entry maps it now */
    unsigned frame;    /* the physical address of the frame, if present */
    unsigned pte;      /* the whole entry (flags in the low 12 bits: pte.h) */
    unsigned refs;     /* the frame's reference count (0 for a program file's frame) */
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
