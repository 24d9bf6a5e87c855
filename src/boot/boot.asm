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
CR0_ET        equ 1 << 4         ; reads as 1 on every CPU since the 486
CR0_EM        equ 1 << 2         ; no x87: FPU instructions raise #NM
CR0_PE        equ 1 << 0
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
    ; The Multiboot spec (3.2) promises only that IF and VM are clear; the
    ; other EFLAGS bits are whatever the firmware and the boot loader left.
    ; Start from 0: IOPL 0 (ring 3 may not use in/out/cli/sti), NT 0 (else
    ; iret would try a hardware task return), AC 0 and DF 0 (string
    ; instructions count up, as the C ABI expects). SDM vol. 3A, 2.3.
    ; ESP is undefined on entry (Multiboot 3.2): use the boot stack at its
    ; physical address until paging is on.
    mov esp, boot_stack_top - KERNEL_VMA
    push 0
    popfd
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

    ; CR4 gets a known value rather than a bit or'ed into whatever was
    ; there: only PSE, for the 4 MiB pages above (vmm_init adds PGE). A
    ; boot loader could have left VME, PVI, DE or others on (SDM vol. 3A, 2.5).
    mov ecx, CR4_PSE
    mov cr4, ecx
    mov cr3, edi
    ; CR0 gets a known value too. EM: Pagoda saves no FPU state on a task
    ; switch, so no one may use the FPU; an x87 instruction then raises #NM.
    ; WP: the kernel, too, respects read-only pages. CD and NW end up clear
    ; (caches on; a reset sets both) and so does AM (no alignment checks in
    ; ring 3). SDM vol. 3A, 2.5.
    mov ecx, CR0_PG | CR0_WP | CR0_ET | CR0_EM | CR0_PE
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

    ; No hardware breakpoints: DR7 = 0 disarms all four. A boot loader or
    ; debugger could have left one armed (SDM vol. 3B, 18.2.4).
    xor ecx, ecx
    mov dr7, ecx
    mov dr6, ecx

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
