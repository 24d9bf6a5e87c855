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
/* Prints the page-fault counters, one "name value" per line (the shell's
 * vmstat): every fault, those that killed a program, and those resolved,
 * by what was done. */
void fault_print_stats(void);

#endif
