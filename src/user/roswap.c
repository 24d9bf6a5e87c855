/* roswap: a read-only private page shared after fork goes to swap; both
 * sides read it back (the second from the swap cache); the parent then
 * mprotects it writable and writes. The child must still see 'A'. */
#include "libc.h"
#define PAGE  4096u
#define CHURN 300u
int main(void)
{
    volatile char *p = sbrk(PAGE);
    p[0] = 'A';
    mprotect((void *)p, PAGE, PROT_READ);
    volatile char *churn = sbrk(CHURN * PAGE);
    struct probe pr;
    int pid = fork();
    if (pid == 0) {
        sleep(1500);
        probe((void *)p, &pr);
        printf("child: before read: present %u pte 0x%x\n", pr.present, pr.pte);
        char c = p[0];
        probe((void *)p, &pr);
        printf("child: read '%c', pte 0x%x refs %u\n", c, pr.pte, pr.refs);
        sleep(1500);
        probe((void *)p, &pr);
        printf("child: later reads '%c' (pte 0x%x refs %u)%s\n", p[0], pr.pte, pr.refs,
               p[0] == 'A' ? "" : "  <-- parent's private write leaked into the child");
        exit(p[0] != 'A');
    }
    for (uint32_t i = 0; i < CHURN; i++)
        churn[i * PAGE] = 1;
    sleep(2000);
    char c = p[0];
    probe((void *)p, &pr);
    printf("parent: read '%c', pte 0x%x refs %u\n", c, pr.pte, pr.refs);
    mprotect((void *)p, PAGE, PROT_READ | PROT_WRITE);
    p[0] = 'B';
    probe((void *)p, &pr);
    printf("parent: wrote 'B', pte 0x%x refs %u\n", pr.pte, pr.refs);
    int st;
    wait(&st);
    printf("roswap: the child %s\n", st == 0 ? "still read 'A'" : "saw the parent's write");
    return st != 0;
}
