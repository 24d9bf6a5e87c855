; The context switch. A task that is not running is described entirely by its
; kernel stack: context_switch() pushes the registers the C calling
; convention says a callee must preserve (EBP, EBX, ESI, EDI), saves ESP,
; loads the next task's saved ESP and pops that task's registers. Its `ret`
; then returns into whatever that task was doing when it switched away: the
; scheduler, or, for a brand-new task, isr_return (src/interrupts/isr.asm),
; which "returns" from an interrupt into ring 3 with iret.

section .text
; void context_switch(uint32_t *save_esp, uint32_t next_esp)
global context_switch
context_switch:
    mov eax, [esp + 4]          ; save_esp
    mov edx, [esp + 8]          ; next_esp
    push ebp
    push ebx
    push esi
    push edi
    mov [eax], esp
    mov esp, edx
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret
