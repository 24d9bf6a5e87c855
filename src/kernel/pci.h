/* PCI configuration space, by configuration mechanism #1: the kernel finds
 * the IDE controller's bus-master registers here (docs/09-disks.md). */
#ifndef KERNEL_PCI_H
#define KERNEL_PCI_H

#include <stdbool.h>
#include <stdint.h>

/* A function on the bus: where it is, and what it says it is. */
struct pci_func {
    uint8_t bus, dev, fn;
    uint16_t vendor, device;
    uint8_t class, subclass, prog_if;
};

/* The 32-bit register at offset (a multiple of 4) of a function's
 * configuration space, and a write of one. */
uint32_t pci_read(const struct pci_func *f, uint8_t offset);
void pci_write(const struct pci_func *f, uint8_t offset, uint32_t value);
/* The first function of the given class and subclass, scanning every bus,
 * device and function in order; false if there is none. */
bool pci_find_class(uint8_t class, uint8_t subclass, struct pci_func *out);

#endif
