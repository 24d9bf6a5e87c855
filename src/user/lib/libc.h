/* Pagoda's small C library for user programs: the one header they include.
 *
 * System calls (syscall.c) are thin wrappers around `int 0x80` (the
 * convention is in src/kernel/abi.h). Except for sbrk, they return what the
 * kernel returns: a value >= 0 on success, or a negated error number such as
 * -EFAULT or -ECHILD (kernel/errno.h). There is no errno variable, so it is
 * -EFAULT etc., not -1 + errno.
 *
 * Also here: printf and puts (stdio.c), malloc and friends (malloc.c), atoi
 * and abort (stdlib.c), and the <string.h> functions, shared with the kernel. */
#ifndef USER_LIBC_H
#define USER_LIBC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel/abi.h"
#include "kernel/errno.h"

/* System calls. */
void exit(int status) __attribute__((noreturn));
long write(int fd, const void *buf, size_t len); /* bytes written; fd 1 and 2 are the console */
int getpid(void);
int getppid(void);
int fork(void);                                 /* child's pid in the parent, 0 in the child */
int exec(const char *name, char *const argv[]); /* returns only on error */
int wait(int *status);                          /* an exited child's pid; -ECHILD if none */
void yield(void);
int meminfo(struct meminfo *m);               /* frame counts (src/kernel/abi.h); 0 or -EFAULT */
int probe(const void *addr, struct probe *p); /* what maps addr now; 0 or -EFAULT */
/* Anonymous memory (MAP_ANONYMOUS with MAP_PRIVATE or MAP_SHARED, maybe
 * MAP_FIXED): the new area's address, or a negated error number
 * (-4095..-1). */
long mmap(void *addr, size_t len, int prot, int flags);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
/* System V shared memory; the same -errno convention as mmap. */
int shmget(int key, size_t size, int flags);
long shmat(int id, const void *addr, int flags);
int shmdt(const void *addr);
int shmctl(int id, int cmd, struct shm_info *info);
void sleep(unsigned ms);
/* Moves the end of the heap by delta bytes and returns the old end; on error
 * (void *)-1, as on Unix (the one wrapper that does not return -errno). */
void *sbrk(int delta);
/* Any call by number, unchecked: the kernel's raw result. Unused arguments
 * can be anything. */
long syscall5(long nr, long a, long b, long c, long d, long e);

/* Output to fd 1. printf supports what src/kernel/fmt.h lists: flags - and 0,
 * widths, %s precision, l ll z, and d i u x X p s c %%. Each call writes its
 * output in one write() when it is under 256 bytes, so lines from different
 * processes do not mix. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int puts(const char *s); /* s and a newline */

/* The heap: blocks aligned to 16 bytes. free() of a pointer malloc did not
 * return prints "free: bad pointer" and exits with status 134. */
void *malloc(size_t size);
void free(void *p);
void *realloc(void *p, size_t size);
void *calloc(size_t n, size_t size);

int atoi(const char *s);
/* The next number of a repeatable pseudo-random sequence kept in *state
 * (any seed; tests use it to make the same data twice). */
uint32_t random_next(uint32_t *state);
void abort(void) __attribute__((noreturn)); /* exit status 134, like SIGABRT on Unix */

#endif
