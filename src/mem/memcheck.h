/* The memory invariant checker (the shell's memcheck; every kernel test
 * scenario runs it before powering off). Silent corruption of reference
 * counts is the hardest bug in VM code to find: this makes it loud. */
#ifndef MEM_MEMCHECK_H
#define MEM_MEMCHECK_H

#include "mem/mm.h"

/* Checks the address spaces mms[0 .. n-1] against the frame allocator:
 *  - every user page table entry lies in an area of its process;
 *  - every frame a user entry maps is allocated, and its reference count
 *    equals the number of entries that map it, over all processes;
 *  - a frame of a program file (PTE_FILE) lies inside a boot module;
 *  - every page table and directory is an allocated frame, used once.
 * Prints each problem (the first few) and one summary line, "memcheck:
 * clean, ..." or "memcheck: N problems". Returns the number of problems. */
int memcheck(struct mm *const *mms, int n);

#endif
