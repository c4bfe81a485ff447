import CLibcExtras

/// How a command-line process asks the C library's allocator to keep the large buffers it frees.
///
/// A chunked reading allocates and frees a chunk's bytes, its field boundaries and its converted columns (several
/// MiB each) for every chunk. By default glibc serves such blocks with `mmap` and returns them at `free`, so
/// every chunk pays for fresh pages again: a page fault and zeroing per 4 KiB, measured at 15 % of `inspect`'s
/// CPU time on the 1M-row benchmark file. A library must not change a process-wide setting; a program may, once,
/// at its start.
public enum AllocatorTuning {
    /// Serves blocks under 32 MiB from the heap and keeps up to 256 MiB of freed memory for the next ones
    /// (glibc's `M_MMAP_THRESHOLD` and `M_TRIM_THRESHOLD`; nothing elsewhere). Memory given back to the system
    /// at the end of a phase is kept instead, so a peak is not raised by more than the kept amount.
    /// - Returns: whether the settings were applied.
    @discardableResult
    public static func keepLargeBuffers() -> Bool {
        weighting_keep_freed_buffers(32 << 20, 256 << 20) == 1
    }
}
