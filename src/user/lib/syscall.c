/* The system call wrappers. Every call goes through syscall5(): the number in
 * EAX, the arguments in EBX, ECX, EDX, ESI, EDI, `int 0x80`, the result in
 * EAX (src/kernel/abi.h). */
#include "libc.h"

long syscall5(long nr, long a, long b, long c, long d, long e)
{
    long ret;
    /* "memory": the kernel may read or write any buffer we passed, so the
     * compiler must not keep memory values in registers across the call. */
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
                     : "memory", "cc");
    return ret;
}

void exit(int status)
{
    syscall5(SYS_EXIT, status, 0, 0, 0, 0);
    /* Not reached. If the kernel ever returned, ud2 would make it fault
     * loudly instead of running on into whatever follows. */
    __builtin_trap();
}

long write(int fd, const void *buf, size_t len)
{
    return syscall5(SYS_WRITE, fd, (long)buf, (long)len, 0, 0);
}

int getpid(void)
{
    return (int)syscall5(SYS_GETPID, 0, 0, 0, 0, 0);
}

int getppid(void)
{
    return (int)syscall5(SYS_GETPPID, 0, 0, 0, 0, 0);
}

int fork(void)
{
    return (int)syscall5(SYS_FORK, 0, 0, 0, 0, 0);
}

int exec(const char *name, char *const argv[])
{
    return (int)syscall5(SYS_EXEC, (long)name, (long)argv, 0, 0, 0);
}

int wait(int *status)
{
    return (int)syscall5(SYS_WAIT, (long)status, 0, 0, 0, 0);
}

void yield(void)
{
    syscall5(SYS_YIELD, 0, 0, 0, 0, 0);
}

void sleep(unsigned ms)
{
    syscall5(SYS_SLEEP, (long)ms, 0, 0, 0, 0);
}

void *sbrk(int delta)
{
    long ret = syscall5(SYS_SBRK, delta, 0, 0, 0, 0);
    /* Errors are -1..-4095. Test that range rather than ret < 0: as a signed
     * number, any address at or above 2 GiB is negative too. */
    if (ret < 0 && ret >= -4095)
        return (void *)-1;
    return (void *)ret;
}

int meminfo(struct meminfo *m)
{
    return (int)syscall5(SYS_MEMINFO, (long)m, 0, 0, 0, 0);
}

int probe(const void *addr, struct probe *p)
{
    return (int)syscall5(SYS_PROBE, (long)addr, (long)p, 0, 0, 0);
}

long mmap(void *addr, size_t len, int prot, int flags)
{
    return syscall5(SYS_MMAP, (long)addr, (long)len, prot, flags, 0);
}

int munmap(void *addr, size_t len)
{
    return (int)syscall5(SYS_MUNMAP, (long)addr, (long)len, 0, 0, 0);
}

int mprotect(void *addr, size_t len, int prot)
{
    return (int)syscall5(SYS_MPROTECT, (long)addr, (long)len, prot, 0, 0);
}

int shmget(int key, size_t size, int flags)
{
    return (int)syscall5(SYS_SHMGET, key, (long)size, flags, 0, 0);
}

long shmat(int id, const void *addr, int flags)
{
    return syscall5(SYS_SHMAT, id, (long)addr, flags, 0, 0);
}

int shmdt(const void *addr)
{
    return (int)syscall5(SYS_SHMDT, (long)addr, 0, 0, 0, 0);
}

int shmctl(int id, int cmd, struct shm_info *info)
{
    return (int)syscall5(SYS_SHMCTL, id, cmd, (long)info, 0, 0);
}
