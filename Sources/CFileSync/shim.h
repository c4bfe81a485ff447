// Starting the writeback of a written range early (Linux's sync_file_range, declared by glibc only under
// _GNU_SOURCE, which Swift's Glibc module is not built with): the disk writes while the next bytes are
// formatted, and the fsync before an output's rename waits for the tail only. Elsewhere it does nothing.
#ifndef WEIGHTING_CFILESYNC_H
#define WEIGHTING_CFILESYNC_H
#include <stdint.h>

#if defined(__linux__)
extern int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags);
static inline int weighting_start_writeback(int fd, int64_t offset, int64_t nbytes) {
    return sync_file_range(fd, offset, nbytes, 2u /* SYNC_FILE_RANGE_WRITE: start, do not wait */);
}
#else
static inline int weighting_start_writeback(int fd, int64_t offset, int64_t nbytes) {
    (void)fd; (void)offset; (void)nbytes;
    return 0;
}
#endif
#endif
