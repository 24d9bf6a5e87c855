/* VGA text mode console, 80x25, with scrolling and a hardware cursor. */
#ifndef KERNEL_VGA_H
#define KERNEL_VGA_H

/* Clears the screen and homes the cursor. */
void vga_init(void);
/* Prints one character: handles \n, \r, \b and \t, scrolls at the bottom. */
void vga_putc(char c);

#endif
