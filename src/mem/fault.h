/* The page-fault handler (vector 14). */
#ifndef MEM_FAULT_H
#define MEM_FAULT_H

#include <stddef.h>
#include <stdint.h>

/* Installs the handler. */
void fault_init(void);
/* Describes a fault in words, e.g. "write to 0xc0101000 (protection
 * violation, supervisor) in kernel text and read-only data"; for reports. */
void fault_describe(uint32_t addr, uint32_t error, char *buf, size_t size);
/* How many page faults have been handled (shown by the shell). */
uint32_t fault_count(void);
/* How many of them brought in a page on demand. */
uint32_t fault_demand_count(void);

#endif
