#include "kernel/power.h"

#include "kernel/io.h"

#define DEBUG_EXIT_PORT 0xF4
/* ACPI PM1a control: writing SLP_TYP=5 (soft off) with SLP_EN (bit 13) turns
 * the machine off (ACPI spec 4.8.3.2). The port is where the firmware put the
 * PIIX4's power-management block: 0x604 under QEMU's SeaBIOS, 0xB004 under
 * the Bochs BIOS. A full kernel would read it from the ACPI FADT. */
#define QEMU_PM1A_CNT   0x604
#define BOCHS_PM1A_CNT  0xB004
#define SLP_EN_S5       0x2000

void power_debug_exit(uint8_t status)
{
    outl(DEBUG_EXIT_PORT, status);
}

void power_exit(uint8_t status)
{
    cpu_cli();
    power_debug_exit(status);
    outw(QEMU_PM1A_CNT, SLP_EN_S5);
    outw(BOCHS_PM1A_CNT, SLP_EN_S5);
    for (;;)
        cpu_hlt();
}
