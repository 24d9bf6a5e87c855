/* The two 8259A programmable interrupt controllers. */
#ifndef INTERRUPTS_PIC_H
#define INTERRUPTS_PIC_H

#include <stdbool.h>

/* Remaps IRQ 0-15 to vectors 0x20-0x2F and masks every line. */
void pic_init(void);
/* Unmasks (lets through) IRQ line irq. */
void pic_unmask(unsigned irq);
/* Masks IRQ line irq. */
void pic_mask(unsigned irq);
/* Acknowledges IRQ irq (to the slave too for 8-15). */
void pic_eoi(unsigned irq);
/* True if IRQ 7 or 15 was spurious: the PIC's in-service bit is clear. */
bool pic_is_spurious(unsigned irq);

#endif
