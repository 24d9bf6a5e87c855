/* Bus-master DMA for the ATA driver: the PCI IDE controller (PIIX, in
 * QEMU's pc machine and Bochs's i440FX) moves the sectors of a request to
 * and from memory by itself (docs/09-disks.md). */
#ifndef DISK_ATA_DMA_H
#define DISK_ATA_DMA_H

#include <stdbool.h>
#include <stdint.h>

#include "disk/ata.h" /* ATA_MAX_PAGES: a channel's PRD table has an entry for each */

/* Bits of the bus-master status register that ata_dma_stop() returns. */
#define ATA_DMA_ACTIVE 0x01 /* still moving data */
#define ATA_DMA_ERROR  0x02 /* the controller could not move the data */
#define ATA_DMA_IRQ    0x04 /* the drive raised its interrupt: done */

/* Looks for the controller on the PCI bus and turns bus mastering on; says
 * what it found. False if there is none: the driver uses PIO. */
bool ata_dma_init(void);
/* Builds channel's PRD table, one entry per frame (physical addresses of
 * whole pages), and loads it with the direction: to_memory for a read. */
void ata_dma_setup(int channel, const uint32_t *frames, unsigned n, bool to_memory);
/* Starts the controller after the drive was given its DMA command. */
void ata_dma_start(int channel);
/* The status register now (ATA_DMA_* bits). */
uint8_t ata_dma_status(int channel);
/* Stops the controller and clears its error and interrupt bits: the
 * status they had. */
uint8_t ata_dma_stop(int channel);
/* For test=ata_dma_error: the next ata_dma_stop(), on either channel, adds
 * ATA_DMA_ERROR to the status, as a controller that could not reach memory
 * would. (QEMU's controller never sets that bit, so nothing else can show
 * the driver's fallback to PIO.) */
void ata_dma_fake_error(void);

#endif
