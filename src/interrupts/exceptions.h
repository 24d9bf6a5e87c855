/* Names and reports for the 32 CPU exceptions. */
#ifndef INTERRUPTS_EXCEPTIONS_H
#define INTERRUPTS_EXCEPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "interrupts/irq.h"

/* The exception's name, e.g. "Page Fault" for 14; "Unknown" past 31. */
const char *exception_name(uint32_t vector);
/* True for the exceptions whose frame carries an error code from the CPU. */
bool exception_has_error_code(uint32_t vector);
/* The mnemonic, e.g. "#PF" for 14. */
const char *exception_mnemonic(uint32_t vector);
/* Prints the full panic report for exception frame r and stops the kernel. */
void exception_report_and_panic(struct regs *r) __attribute__((noreturn));

/* Page-fault error code bits (Intel SDM vol. 3A, 4.7). */
#define PF_PRESENT (1u << 0) /* 1: protection violation; 0: page not present */
#define PF_WRITE   (1u << 1) /* 1: write; 0: read */
#define PF_USER    (1u << 2) /* 1: CPL 3; 0: supervisor */
#define PF_RSVD    (1u << 3) /* 1: a reserved bit was set in a paging entry */
#define PF_FETCH   (1u << 4) /* 1: instruction fetch (only with NX/SMEP) */

#endif
