; The first code of every user program: sets up the call to main(argc, argv)
; and passes its return value to exit().
;
; The kernel starts a program with ESP pointing at this (src/kernel/loader.c):
;   [esp]                 argc
;   [esp + 4]             argv[0]
;   ...
;   [esp + 4 * argc]      argv[argc - 1]
;   [esp + 4 * argc + 4]  NULL
; with the argument strings above that, just below USER_STACK_TOP.

bits 32

; Its own section, which src/user/user.ld puts first in .text.
section .text.start progbits alloc exec nowrite align=16

global _start
extern main
extern exit

_start:
    xor ebp, ebp            ; EBP = 0 ends the chain of saved frame pointers
    mov eax, [esp]          ; argc
    lea ecx, [esp + 4]      ; argv: the array starts right above argc

    ; The i386 System V ABI wants ESP 16-byte aligned at every call.
    and esp, -16
    sub esp, 8              ; 8 + two 4-byte arguments = 16
    push ecx
    push eax
    call main

    ; exit(main's return value); exit never returns.
    sub esp, 12             ; keep the alignment: 12 + 4 = 16
    push eax
    call exit
    ud2                     ; not reached; a fault here would point at a kernel bug

; This object needs no executable stack; saying so keeps GNU ld quiet.
section .note.GNU-stack noalloc noexec nowrite progbits
