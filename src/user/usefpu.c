/* Executes an x87 instruction. The kernel keeps no FPU state per process, so
 * it sets CR0.EM and the instruction raises #NM: the program is ended. */
#include "libc.h"

int main(void)
{
    printf("usefpu: executing fninit\n");
    __asm__ volatile("fninit");
    printf("usefpu: survived\n");
    return 0;
}
