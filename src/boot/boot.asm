; Pagoda entry point. GRUB (or QEMU's -kernel loader) jumps here in 32-bit
; protected mode with paging off, EAX = 0x2BADB002 and EBX = the physical
; address of the Multiboot information structure (Multiboot spec 0.6.96, 3.2).

MB_MAGIC      equ 0x1BADB002
MB_PAGE_ALIGN equ 1 << 0        ; modules on page boundaries
MB_MEMINFO    equ 1 << 1        ; we need mem_* and the memory map
MB_FLAGS      equ MB_PAGE_ALIGN | MB_MEMINFO

KERNEL_VMA    equ 0xC0000000
PDE_PRESENT   equ 1 << 0
PDE_WRITE     equ 1 << 1
PDE_4MB       equ 1 << 7        ; PS bit: this PDE maps a 4 MiB page (CR4.PSE)
CR0_PG        equ 1 << 31
CR0_WP        equ 1 << 16
CR0_EM        equ 1 << 2         ; no x87: FPU instructions raise #NM
CR4_PSE       equ 1 << 4

section .multiboot
align 4
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)

section .bss
align 4096
; The boot page directory: 4 MiB pages, so no page tables are needed yet.
; vmm_init() replaces it with a directory of 4 KiB pages.
global boot_page_directory
boot_page_directory:
    resb 4096
global boot_stack_bottom
boot_stack_bottom:
    resb 16384
global boot_stack_top
boot_stack_top:

section .text.boot
global _start
_start:
    cli
    ; This stub is linked at its physical address; everything else is linked
    ; in the higher half, so its symbols are used as (symbol - KERNEL_VMA)
    ; until paging is on.
    mov edi, boot_page_directory - KERNEL_VMA

    ; PDE 0 identity-maps the first 4 MiB so the instruction after
    ; "mov cr0" still has something to fetch.
    mov dword [edi], 0 | PDE_PRESENT | PDE_WRITE | PDE_4MB

    ; PDEs 768..1023 map physical 0..1 GiB at 0xC0000000..0xFFFFFFFF.
    mov ecx, 256
    mov edx, PDE_PRESENT | PDE_WRITE | PDE_4MB
    lea esi, [edi + 768 * 4]
.fill:
    mov [esi], edx
    add edx, 0x400000
    add esi, 4
    loop .fill

    mov ecx, cr4
    or ecx, CR4_PSE
    mov cr4, ecx
    mov cr3, edi
    ; CR0.EM: Pagoda saves no FPU state on a task switch, so no one may use
    ; the FPU; an x87 instruction then raises #NM (SDM vol. 3A, 2.5).
    mov ecx, cr0
    or ecx, CR0_PG | CR0_WP | CR0_EM
    mov cr0, ecx

    ; An absolute jump: from here on EIP is in the higher half.
    mov ecx, higher_half
    jmp ecx

section .text
higher_half:
    ; The identity mapping has served its purpose; drop it so that a NULL
    ; pointer faults. Reloading CR3 flushes the stale TLB entry.
    mov dword [boot_page_directory], 0
    mov ecx, cr3
    mov cr3, ecx

    mov esp, boot_stack_top
    xor ebp, ebp                ; ends the backtrace chain
    push ebx                    ; Multiboot info, physical address
    push eax                    ; Multiboot magic
    extern kmain
    call kmain
.hang:
    cli
    hlt
    jmp .hang
