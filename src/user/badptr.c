/* badptr: system calls must refuse pointers the program may not use (kernel
 * memory, unmapped memory, NULL, a buffer running off the end of the heap)
 * with -EFAULT, and never crash on them. */
#include "libc.h"

#define PAGE 4096u

static int checks, failures;

static void check(const char *what, long got, long want)
{
    checks++;
    printf("badptr: check %d: %s -> %ld\n", checks, what, got);
    if (got != want) {
        failures++;
        printf("badptr: check %d FAILED: expected %ld\n", checks, want);
    }
}

int main(void)
{
    check("write(1, \"ok\\n\", 3)", write(1, "ok\n", 3), 3);
    check("write from kernel memory", write(1, (void *)0xC0100000, 16), -EFAULT);
    check("write from unmapped memory", write(1, (void *)0x40000000, 16), -EFAULT);
    check("write from NULL", write(1, NULL, 1), -EFAULT);

    /* A buffer whose first 8 bytes are the last of the heap's last page and
     * whose other 8 lie past it. Grow the heap by a page first so there is a
     * heap page, and touch its last byte so it is really there. */
    sbrk(PAGE);
    uintptr_t end = ((uintptr_t)sbrk(0) + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    char *last = (char *)end - 8;
    memset(last, 'x', 8);
    check("write across the end of the heap", write(1, last, 16), -EFAULT);

    check("exec with the name in kernel memory", exec((const char *)0xC0000000, NULL), -EFAULT);
    check("exec with argv in kernel memory", exec("hello", (char *const *)0xC0000000), -EFAULT);

    /* wait() with no children says -ECHILD before it looks at the pointer,
     * so make a child first. */
    int pid = fork();
    if (pid == 0)
        exit(0);
    check("fork", pid > 0, 1);
    check("wait with status in kernel memory", wait((int *)0xC0100000), -EFAULT);
    /* The failed wait must not have reaped the child. */
    int status = -1;
    check("wait with a good pointer", wait(&status), pid);
    check("the child's status", status, 0);

    if (failures) {
        printf("badptr: %d checks failed\n", failures);
        return 1;
    }
    printf("badptr: all %d checks passed\n", checks);
    return 0;
}
