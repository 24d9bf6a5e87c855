/* Shared memory segments (docs/10-demand-paging.md): System V's shmget,
 * shmat, shmdt and shmctl, and the memory behind mmap(MAP_SHARED |
 * MAP_ANONYMOUS). A segment is a numbered array of frames, filled with
 * zeroed frames on first touch; every area attached to it (kind
 * VMA_SHARED, with the segment's id in vma.shm) maps those same frames.
 *
 * Who holds a frame: the segment holds one reference on each frame it has,
 * and each page table entry that maps the frame holds one more. A segment
 * goes away, with its references, once it is removed (IPC_RMID, or at once
 * for mmap's segments, which have no key) and no area names it any more;
 * shm_collect() looks for such segments after every call that can detach
 * one. */
#ifndef MEM_SHM_H
#define MEM_SHM_H

#include <stdbool.h>
#include <stdint.h>

#define SHM_MAX       16           /* segments in the whole system */
#define SHM_MAX_BYTES (16u << 20)  /* the largest segment: 16 MiB */

/* A new segment of size bytes (rounded up to pages), no frames yet. With
 * anon, it has no key and is removed from the start, so it lives exactly
 * as long as the areas that map it (mmap's MAP_SHARED). Its id (> 0),
 * -EINVAL for a bad size, -ENOSPC if SHM_MAX segments exist, -ENOMEM. */
int shm_create(int32_t key, uint32_t size, bool anon, int creator);
/* shmget(): the id of the segment with this key, or a new one (see
 * abi.h's IPC_* flags for the rules); -ENOENT, -EEXIST, -EINVAL, -ENOSPC,
 * -ENOMEM. */
int shm_get(int32_t key, uint32_t size, uint32_t flags, int creator);
/* The size in bytes of segment id (a whole number of pages), 0 if there
 * is no such segment or it is removed (it can no longer be attached). */
uint32_t shm_attachable_size(int id);
/* The frame of page index of segment id, zeroed and taken on its first
 * use; 0 if there is no such page, or no memory. */
uint32_t shm_frame(int id, uint32_t index);
/* shmctl(IPC_RMID): the segment can no longer be found or attached, and
 * goes away once nothing maps it. 0 or -EINVAL. */
int shm_remove(int id);
/* Frees every removed segment that no area of any address space names. */
void shm_collect(void);
/* Frees a segment nothing can name yet (an mmap whose area failed). */
void shm_destroy(int id);
/* Removed segments that no area names but that still exist: a leak, since
 * shm_collect() should have freed them (for memcheck; 0 when all is well). */
uint32_t shm_leaked(void);
/* Calls fn for each frame some segment holds (for memcheck). */
void shm_for_each_frame(void (*fn)(uint32_t pa, void *ctx), void *ctx);
/* What ipcs and IPC_STAT show of a segment. */
struct shm_status {
    int32_t key;
    uint32_t size, resident, nattch;
    int creator;
    bool removed; /* by IPC_RMID, or made by mmap */
    bool anon;    /* made by mmap(MAP_SHARED) */
};
/* Fills *st for segment id: 0, or -EINVAL. */
int shm_status(int id, struct shm_status *st);
/* Segments that exist now (removed ones still attached included). */
uint32_t shm_count(void);
/* Prints every segment, one line each (the shell's ipcs). */
void shm_print(void);

#endif
