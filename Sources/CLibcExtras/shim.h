// Two functions of the GNU C library that Swift's Glibc module does not expose (sync_file_range is declared
// only under _GNU_SOURCE, mallopt lives in <malloc.h>), declared here with their glibc signatures. Elsewhere
// they do nothing.
#ifndef WEIGHTING_CLIBCEXTRAS_H
#define WEIGHTING_CLIBCEXTRAS_H
#include <stdint.h>

#if defined(__linux__) && defined(__GLIBC__)
extern int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags);
extern int mallopt(int param, int value);

/// Starts the writeback of a written range of a file without waiting for it (SYNC_FILE_RANGE_WRITE): the disk
/// writes while the next bytes are formatted, and the fsync before an output's rename waits for the tail only.
static inline int weighting_start_writeback(int fd, int64_t offset, int64_t nbytes) {
    return sync_file_range(fd, offset, nbytes, 2u);
}

/// Keeps the allocator from returning and re-faulting the large buffers a chunked reading frees and allocates
/// again for every chunk: blocks under `mmap_below` bytes come from the heap (M_MMAP_THRESHOLD, -3), free
/// memory under `trim_above` bytes at its top is kept (M_TRIM_THRESHOLD, -1), and all threads share `arenas`
/// heaps (M_ARENA_MAX, -8), so that what one thread frees another reuses. Returns 1 when all are set.
static inline int weighting_keep_freed_buffers(int mmap_below, int trim_above, int arenas) {
    return mallopt(-3, mmap_below) && mallopt(-1, trim_above) && mallopt(-8, arenas);
}
#else
#include <stdint.h>
static inline int weighting_start_writeback(int fd, int64_t offset, int64_t nbytes) {
    (void)fd; (void)offset; (void)nbytes;
    return 0;
}
static inline int weighting_keep_freed_buffers(int mmap_below, int trim_above, int arenas) {
    (void)mmap_below; (void)trim_above; (void)arenas;
    return 0;
}
#endif
#endif
