/* wildgap: accesses that must not be reported as what they are not. Each
 * runs in a child, which the kernel kills; the kernel's message must say:
 *
 * 1. a read from the unmapped gap below the stack, far from the stack
 *    pointer: an access in the gap, not a stack overflow;
 * 2. a jump into that gap: an instruction fetch, and not a stack overflow;
 * 3. an instruction that starts at 0xbffffffe, the last two bytes of the
 *    stack, and runs on into 0xc0000000: an instruction fetch from the
 *    kernel half, although the instruction pointer is still in user space. */
#include "libc.h"

/* In the middle of the 1 MiB gap below the stack's default 8 MiB limit. */
#define GAP_MIDDLE (USER_STACK_TOP - USER_STACK_LIMIT - USER_STACK_GAP / 2)

static void read_gap(void)
{
    volatile char c = *(volatile char *)GAP_MIDDLE;
    (void)c;
}

static void jump_gap(void)
{
    ((void (*)(void))GAP_MIDDLE)();
}

static void fetch_across(void)
{
    /* The stack's top page is present (argv lives there) and, without NX,
     * executable. 0xb8 is "mov eax, imm32": five bytes, of which two fit. */
    volatile uint8_t *code = (volatile uint8_t *)(USER_STACK_TOP - 2);
    code[0] = 0xb8;
    code[1] = 0x00;
    ((void (*)(void))code)();
}

static void run_child(const char *what, void (*attack)(void))
{
    int pid;
    while ((pid = fork()) == -EAGAIN)
        sleep(10);
    if (pid == 0) {
        attack();
        printf("wildgap: survived: %s\n", what);
        exit(0);
    }
    int status = -1;
    wait(&status);
    printf("wildgap: %s: child ended with status %d\n", what, status);
}

int main(void)
{
    run_child("read from the gap", read_gap);
    run_child("jump into the gap", jump_gap);
    run_child("instruction across 0xc0000000", fetch_across);
    return 0;
}
