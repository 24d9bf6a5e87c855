/* Leaving the machine: power off, or end an emulator run with a status. */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include <stdint.h>

/* Values written to QEMU's isa-debug-exit port; QEMU then exits with
 * (value << 1) | 1, so the harness sees 33, 35 and 37. */
#define POWEROFF_OK    0x10
#define POWEROFF_FAIL  0x11
#define POWEROFF_PANIC 0x12

/* Writes status to QEMU's debug-exit port: under QEMU with the device, the
 * run ends there; anywhere else nothing happens and the call returns. */
void power_debug_exit(uint8_t status);
/* Ends the run with status: QEMU's debug-exit device, then ACPI power off
 * (QEMU and Bochs), then halts if nothing took effect. */
void power_exit(uint8_t status) __attribute__((noreturn));

#endif
