/* The few <string.h> functions the kernel provides (src/kernel/string.c).
 * This directory is on the include path of kernel builds only, so a pure core
 * that includes <string.h> gets the C library's in host tests and these in the
 * kernel. */
#ifndef PAGODA_STRING_H
#define PAGODA_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

#endif
