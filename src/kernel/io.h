/* x86 port I/O and the few privileged instructions the kernel needs. */
#ifndef KERNEL_IO_H
#define KERNEL_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
/* A write to the unused port 0x80 takes about a microsecond: old PICs need
 * that pause between initialisation words. */
static inline void io_wait(void)
{
    outb(0x80, 0);
}

static inline void cpu_cli(void)
{
    __asm__ volatile("cli" ::: "memory");
}
static inline void cpu_sti(void)
{
    __asm__ volatile("sti" ::: "memory");
}
static inline void cpu_hlt(void)
{
    __asm__ volatile("hlt" ::: "memory");
}

/* Saves EFLAGS and disables interrupts; irq_restore() puts IF back. */
static inline uint32_t irq_save(void)
{
    uint32_t flags;
    __asm__ volatile("pushf; pop %0; cli" : "=r"(flags) : : "memory");
    return flags;
}
static inline void irq_restore(uint32_t flags)
{
    if (flags & (1u << 9))
        cpu_sti();
}

static inline uint32_t read_cr0(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}
static inline uint32_t read_cr2(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
/* The time-stamp counter, which counts clock cycles (SDM Vol. 2B, RDTSC).
 * Under QEMU's TCG it follows the host's clock; only differences of two
 * readings mean anything. */
static inline uint64_t read_tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}
static inline uint32_t read_cr3(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
static inline uint32_t read_cr4(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

/* The Bochs magic breakpoint: `xchg bx, bx` is a no-op everywhere else, and
 * stops Bochs in its debugger when bochsrc has magic_break: enabled=1. */
static inline void bochs_magic_break(void)
{
    __asm__ volatile("xchg %%bx, %%bx" ::: "memory");
}

#endif
