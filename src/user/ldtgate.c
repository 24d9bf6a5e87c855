/* ldtgate: tries to reach ring 0 through the local descriptor table.
 *
 * A selector with bit 2 (TI) set names an entry of the LDT, at the base the
 * LDTR register holds. If the kernel left LDTR as the CPU resets it (base 0,
 * limit 0xFFFF), LDT entry i sits at linear address 8 * i: user memory. This
 * program is linked low (src/user/ldtgate.ld) so that its page at 0x4000 is
 * LDT entries 2048-2559, and tries two attacks, each in a child:
 *
 * 1. A call gate (SDM vol. 3A, 5.8.3) with DPL 3 whose target is kernel
 *    code selector 0x08 and this program's own function: a far call through
 *    selector 0x4007 would run that function at CPL 0.
 * 2. A data descriptor loaded into FS through selector 0x400f, then wiped
 *    before a system call: the kernel's reload of FS on the way back fails.
 *
 * With a null LDTR both selectors raise #GP at once, in ring 3, and the
 * kernel kills the child. The parent reports what happened. */
#include "libc.h"

#define GATE_SEL 0x4007 /* index 2048, TI = 1, RPL 3 */
#define DATA_SEL 0x400f /* index 2049, TI = 1, RPL 3 */

/* Entries 2048 and 2049 of an LDT at linear address 0. */
static volatile uint32_t window[1024] __attribute__((section(".ldt"), aligned(4096)));

/* Set by ring0_entry if it ever runs. */
volatile uint32_t ring0_cr0;
void ring0_entry(void);
/* What a call gate would run at CPL 0: reads CR0 (allowed only in ring 0)
 * and returns to ring 3 with a far return. */
__asm__(".text\n"
        ".globl ring0_entry\n"
        "ring0_entry:\n"
        "    mov %cr0, %eax\n"
        "    mov %eax, ring0_cr0\n"
        "    lret\n");

static void try_call_gate(void)
{
    uint32_t target = (uint32_t)ring0_entry;
    window[0] = (0x08u << 16) | (target & 0xFFFF); /* selector, offset 15:0 */
    window[1] = (target & 0xFFFF0000u) | 0xEC00u;  /* P, DPL 3, 32-bit call gate */
    __asm__ volatile("lcall %0, $0" : : "i"(GATE_SEL) : "eax", "memory");
    printf("ldtgate: survived: ran at CPL 0 through the LDT call gate, cr0 = 0x%08x\n",
           (unsigned)ring0_cr0);
    exit(0);
}

static void try_stale_fs(void)
{
    window[2] = 0x0000FFFFu; /* base 0, limit 0xFFFFF pages */
    window[3] = 0x00CFF200u; /* P, DPL 3, data read/write, G, D */
    __asm__ volatile("mov %w0, %%fs" : : "r"(DATA_SEL));
    window[2] = window[3] = 0; /* FS now names an empty descriptor */
    getpid();                  /* the kernel reloads FS on its way back */
    printf("ldtgate: survived: FS held an LDT selector across a system call\n");
    exit(0);
}

static int run_child(const char *what, void (*attack)(void))
{
    int pid;
    /* Other programs may fill the process table for a while (forkbomb in
     * the hostile suite): wait for a free slot. */
    while ((pid = fork()) == -EAGAIN)
        sleep(10);
    if (pid < 0) {
        printf("ldtgate: fork failed: %d\n", pid);
        return 1;
    }
    if (pid == 0)
        attack();
    int status = -1;
    wait(&status);
    printf("ldtgate: %s: child ended with status %d\n", what, status);
    return status == EXIT_KILLED_SEGV ? 0 : 1;
}

int main(void)
{
    int bad = run_child("call gate through the LDT", try_call_gate);
    bad += run_child("LDT selector in FS", try_stale_fs);
    return bad;
}
