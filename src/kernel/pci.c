/* PCI configuration space through the two I/O ports of configuration
 * mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2): write the
 * address of a 32-bit register to 0xCF8, then read or write it at 0xCFC.
 *
 *   0xCF8:  bit 31 enable | bus << 16 | device << 11 | function << 8 | offset
 *
 * Every function's space starts with the same header (offsets in bytes):
 *   0x00 vendor, device       0x08 revision, prog IF, subclass, class
 *   0x04 command, status      0x0E header type (bit 7: more functions)
 *   0x10..0x24 BAR0..BAR5 (a BAR with bit 0 set is in I/O space)
 * A missing function reads as vendor 0xFFFF. */
#include "kernel/pci.h"

#include "kernel/io.h"

#define PCI_ADDRESS 0xCF8
#define PCI_DATA    0xCFC

static uint32_t address(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t offset)
{
    return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 |
           (offset & 0xFC);
}

static uint32_t read_at(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t offset)
{
    outl(PCI_ADDRESS, address(bus, dev, fn, offset));
    return inl(PCI_DATA);
}

uint32_t pci_read(const struct pci_func *f, uint8_t offset)
{
    return read_at(f->bus, f->dev, f->fn, offset);
}

void pci_write(const struct pci_func *f, uint8_t offset, uint32_t value)
{
    outl(PCI_ADDRESS, address(f->bus, f->dev, f->fn, offset));
    outl(PCI_DATA, value);
}

bool pci_find_class(uint8_t class, uint8_t subclass, struct pci_func *out)
{
    for (unsigned bus = 0; bus < 256; bus++) {
        for (uint8_t dev = 0; dev < 32; dev++) {
            for (uint8_t fn = 0; fn < 8; fn++) {
                uint32_t id = read_at((uint8_t)bus, dev, fn, 0x00);
                if ((id & 0xFFFF) == 0xFFFF) {
                    if (fn == 0)
                        break; /* no device here at all */
                    continue;
                }
                uint32_t cls = read_at((uint8_t)bus, dev, fn, 0x08);
                if (cls >> 24 == class && (uint8_t)(cls >> 16) == subclass) {
                    *out = (struct pci_func){
                        (uint8_t)bus,         dev,   fn,       (uint16_t)id,
                        (uint16_t)(id >> 16), class, subclass, (uint8_t)(cls >> 8)};
                    return true;
                }
                /* Functions 1-7 exist only in a multi-function device. */
                if (fn == 0 && !(read_at((uint8_t)bus, dev, 0, 0x0C) >> 16 & 0x80))
                    break;
            }
        }
    }
    return false;
}
