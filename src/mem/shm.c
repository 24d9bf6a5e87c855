/* Shared memory segments: see shm.h. The table is a plain array; an id is
 * never reused (it counts up), so a stale id names no segment rather than
 * somebody else's. */
#include "mem/shm.h"

#include "kernel/abi.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "mem/highmem.h"
#include "mem/kheap.h"
#include "mem/layout.h"
#include "mem/mm.h"
#include "mem/pmm.h"

struct shm_segment {
    int id;           /* 0: the slot is free */
    int32_t key;      /* IPC_PRIVATE (0) for none */
    uint32_t npages;
    uint32_t *frames; /* npages physical addresses, 0 for a page never touched */
    int creator;      /* pid */
    bool removed;     /* IPC_RMID done: no shmget finds it, no shmat attaches it */
    bool anon;        /* made by mmap(MAP_SHARED): removed from the start */
};

static struct shm_segment segments[SHM_MAX];
static int next_id = 1;

static struct shm_segment *find(int id)
{
    for (int i = 0; i < SHM_MAX; i++)
        if (id > 0 && segments[i].id == id)
            return &segments[i];
    return NULL;
}

int shm_create(int32_t key, uint32_t size, bool anon, int creator)
{
    if (size == 0 || size > SHM_MAX_BYTES)
        return -EINVAL;
    struct shm_segment *s = NULL;
    for (int i = 0; i < SHM_MAX && !s; i++)
        if (segments[i].id == 0)
            s = &segments[i];
    if (!s)
        return -ENOSPC;
    uint32_t npages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    uint32_t *frames = kmalloc(npages * sizeof *frames);
    if (!frames)
        return -ENOMEM;
    for (uint32_t i = 0; i < npages; i++)
        frames[i] = 0;
    *s = (struct shm_segment){.id = next_id++,
                              .key = anon ? IPC_PRIVATE : key,
                              .npages = npages,
                              .frames = frames,
                              .creator = creator,
                              .removed = anon,
                              .anon = anon};
    return s->id;
}

int shm_get(int32_t key, uint32_t size, uint32_t flags, int creator)
{
    if (key != IPC_PRIVATE) {
        for (int i = 0; i < SHM_MAX; i++) {
            struct shm_segment *s = &segments[i];
            if (!s->id || s->removed || s->key != key)
                continue;
            if ((flags & IPC_CREAT) && (flags & IPC_EXCL))
                return -EEXIST;
            if (size > s->npages * PAGE_SIZE)
                return -EINVAL;
            return s->id;
        }
        if (!(flags & IPC_CREAT))
            return -ENOENT;
    }
    return shm_create(key, size, false, creator);
}

uint32_t shm_attachable_size(int id)
{
    struct shm_segment *s = find(id);
    return s && !s->removed ? s->npages * PAGE_SIZE : 0;
}

uint32_t shm_frame(int id, uint32_t index)
{
    struct shm_segment *s = find(id);
    if (!s || index >= s->npages)
        return 0;
    if (!s->frames[index]) {
        uint32_t pa = pmm_alloc(0, PMM_ANY);
        if (!pa)
            return 0;
        frame_zero(pa);
        s->frames[index] = pa; /* the segment's own reference */
    }
    return s->frames[index];
}

int shm_remove(int id)
{
    struct shm_segment *s = find(id);
    if (!s || s->removed)
        return -EINVAL;
    s->removed = true;
    shm_collect();
    return 0;
}

void shm_destroy(int id)
{
    struct shm_segment *s = find(id);
    if (!s)
        return;
    for (uint32_t i = 0; i < s->npages; i++)
        if (s->frames[i])
            pmm_page_put(s->frames[i]);
    kfree(s->frames);
    *s = (struct shm_segment){0};
}

void shm_collect(void)
{
    for (int i = 0; i < SHM_MAX; i++)
        if (segments[i].id && segments[i].removed && mm_shm_attachments(segments[i].id) == 0)
            shm_destroy(segments[i].id);
}

uint32_t shm_leaked(void)
{
    uint32_t n = 0;
    for (int i = 0; i < SHM_MAX; i++)
        n += segments[i].id && segments[i].removed && mm_shm_attachments(segments[i].id) == 0;
    return n;
}

void shm_for_each_frame(void (*fn)(uint32_t pa, void *ctx), void *ctx)
{
    for (int i = 0; i < SHM_MAX; i++)
        for (uint32_t k = 0; segments[i].id && k < segments[i].npages; k++)
            if (segments[i].frames[k])
                fn(segments[i].frames[k], ctx);
}

int shm_status(int id, struct shm_status *st)
{
    struct shm_segment *s = find(id);
    if (!s)
        return -EINVAL;
    uint32_t resident = 0;
    for (uint32_t k = 0; k < s->npages; k++)
        resident += s->frames[k] != 0;
    *st = (struct shm_status){.key = s->key,
                              .size = s->npages * PAGE_SIZE,
                              .resident = resident,
                              .nattch = mm_shm_attachments(id),
                              .creator = s->creator,
                              .removed = s->removed,
                              .anon = s->anon};
    return 0;
}

uint32_t shm_count(void)
{
    uint32_t n = 0;
    for (int i = 0; i < SHM_MAX; i++)
        n += segments[i].id != 0;
    return n;
}

void shm_print(void)
{
    kprintf("  shmid        key    bytes  resident  nattch  cpid  status\n");
    for (int i = 0; i < SHM_MAX; i++) {
        struct shm_status st;
        if (!segments[i].id || shm_status(segments[i].id, &st) < 0)
            continue;
        kprintf("  %5d 0x%08x %8u %6u pg %7u %5d  %s\n", segments[i].id, (uint32_t)st.key,
                st.size, st.resident, st.nattch, st.creator,
                st.anon ? "mmap" : st.removed ? "dest" : "");
    }
}
