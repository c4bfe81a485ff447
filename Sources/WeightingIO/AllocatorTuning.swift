import CLibcExtras

/// How a command-line process asks the C library's allocator to keep the large buffers it frees.
///
/// A chunked reading allocates and frees a chunk's bytes, its field boundaries and its converted columns (several
/// MiB each) for every chunk. By default glibc serves such blocks with `mmap` and returns them at `free`, so
/// every chunk pays for fresh pages again: a page fault and zeroing per 4 KiB, measured at 15 % of `inspect`'s
/// CPU time on the 1M-row benchmark file. A library must not change a process-wide setting; a program may, once,
/// at its start.
public enum AllocatorTuning {
    /// Serves blocks under 32 MiB from the heap, keeps up to 64 MiB of freed memory for the next ones, and has
    /// every thread allocate from one heap (glibc's `M_MMAP_THRESHOLD`, `M_TRIM_THRESHOLD` and `M_ARENA_MAX`;
    /// nothing elsewhere).
    ///
    /// One heap, because the threads that split, convert and write chunks free each other's buffers: with a heap
    /// per thread, each kept its own freed memory, and estimating 20 variables over 18 domains on 10M records
    /// peaked at 912-940 MiB instead of 783 MiB (measured with `MALLOC_ARENA_MAX=1`, no slower on 1M records).
    /// - Returns: whether the settings were applied.
    @discardableResult
    public static func keepLargeBuffers() -> Bool {
        weighting_keep_freed_buffers(32 << 20, 64 << 20, 1) == 1
    }
}
