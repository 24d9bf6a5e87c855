; Interrupt entry stubs. The CPU pushes EFLAGS, CS, EIP (and ESP, SS when it
; comes from ring 3), and for some exceptions an error code (Intel SDM vol. 3A,
; 6.13). Each stub makes the frame uniform by pushing a dummy error code where
; the CPU does not, then its vector number, and jumps to the common path,
; which saves the rest and calls interrupt_dispatch(struct regs *).

%macro STUB_NOERR 1
global isr_stub_%1
isr_stub_%1:
    push dword 0
    push dword %1
    jmp isr_common
%endmacro

%macro STUB_ERR 1
global isr_stub_%1
isr_stub_%1:
    push dword %1
    jmp isr_common
%endmacro

section .text
; Exceptions 8, 10-14, 17, 21, 29 and 30 push an error code.
%assign v 0
%rep 48
  %if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
    STUB_ERR v
  %else
    STUB_NOERR v
  %endif
  %assign v v + 1
%endrep
STUB_NOERR 128

extern interrupt_dispatch
isr_common:
    pusha
    push ds
    push es
    push fs
    push gs
    mov ax, 0x10                ; kernel data segment
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    cld                         ; the C ABI expects DF clear
    push esp                    ; struct regs *
    call interrupt_dispatch
    add esp, 4
global isr_return
isr_return:
    ; Reloading a segment register checks its selector against the GDT. On
    ; the way back to ring 3 these selectors are the program's own, so a
    ; fault here is the program's, not the kernel's: idt.c knows these
    ; labels and kills the process instead of panicking.
global isr_pop_gs, isr_pop_fs, isr_pop_es, isr_pop_ds, isr_iret
isr_pop_gs:
    pop gs
isr_pop_fs:
    pop fs
isr_pop_es:
    pop es
isr_pop_ds:
    pop ds
    popa
    add esp, 8                  ; vector and error code
isr_iret:
    iret

; A table of the stub addresses for idt_init().
section .rodata
global isr_stub_table
isr_stub_table:
%assign v 0
%rep 48
    dd isr_stub_ %+ v
  %assign v v + 1
%endrep
global isr_stub_128_addr
isr_stub_128_addr:
    dd isr_stub_128
