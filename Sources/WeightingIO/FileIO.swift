#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibcExtras
import Weighting

/// Reading whole files and writing them atomically (temporary file in the same folder, `fsync`, `rename`).
///
/// A reader never sees a half-written output: either the previous file or the complete new one. Temporary
/// files of an interrupted run are removed by the signal handler installed with ``installInterruptCleanup()``;
/// those of a run killed outright (SIGKILL) by the next run writing the same output
/// (``removeStaleTemporaries(of:)``). Commands with several outputs write them through one ``OutputPlan``.
public enum FileIO {
    /// Reads a whole file into memory.
    public static func readAll(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataError.cannotRead(file: path, reason: errnoText()) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw DataError.cannotRead(file: path, reason: errnoText()) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw DataError.cannotRead(file: path, reason: "it is a directory") }
        var out = [UInt8]()
        let size = Int(st.st_size)
        out.reserveCapacity(size + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw DataError.cannotRead(file: path, reason: errnoText())
            }
            if got == 0 { break }
            out.append(contentsOf: chunk[0..<got])
        }
        return out
    }

    /// Reads a whole file as UTF-8 text.
    public static func readText(_ path: String) throws -> String {
        String(decoding: try readAll(path), as: UTF8.self)
    }

    /// Writes `bytes` to `path` atomically, refusing to overwrite any of `inputs`.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, inputs: [String] = []) throws {
        try writeAtomically(to: path, inputs: inputs) { sink in sink.write(bytes) }
    }

    /// Writes text atomically.
    public static func writeAtomically(_ text: String, to path: String, inputs: [String] = []) throws {
        try writeAtomically(Array(text.utf8), to: path, inputs: inputs)
    }

    /// Streams content to one output: a regular file through a temporary file beside it (beside the link's
    /// target for a symbolic link) and a rename; a device, pipe or `/dev/stdout` directly. A plan of one output
    /// (``OutputPlan``); commands with several outputs use a plan of all of them, so they are written together.
    ///
    /// - Parameters:
    ///   - path: the destination.
    ///   - inputs: files that must not be overwritten (compared by device and inode, so links are caught).
    ///   - body: writes the content through the sink.
    public static func writeAtomically(to path: String, inputs: [String] = [], _ body: @escaping (inout ByteSink) throws -> Void) throws {
        try OutputPlan(outputs: [path], inputs: inputs).write([OutputPlan.Content(path: path, body: body)])
    }

    /// Writes a finished temporary file for a file output, kept open and locked until its rename.
    static func stage(_ d: OutputDestination, _ body: (inout ByteSink) throws -> Void) throws -> OutputPlan.StagedFile {
        let tmp = "\(directoryOf(d.path))/.\(baseName(d.path)).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // The file must never exist unregistered: a signal between `open` and `register` would leave it behind.
        let (fd, openError) = withInterruptsDeferred { () -> (Int32, String) in
            let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd < 0 { return (fd, errnoText()) }
            TemporaryFiles.shared.register(tmp)
            // Held until the process ends or renames the file: another run never takes it for a stale one.
            _ = flock(fd, LOCK_EX | LOCK_NB)
            return (fd, "")
        }
        guard fd >= 0 else { throw DataError.cannotWrite(file: d.name, reason: openError) }
        if d.kind == .existingFile {
            // The new version keeps the permissions of the file it replaces.
            var st = stat()
            if stat(d.path, &st) == 0 { _ = fchmod(fd, st.st_mode & 0o7777) }
        }
        var sink = ByteSink(fd: fd, path: d.name)
        do {
            try body(&sink)
            try sink.flush()
            if fsync(fd) != 0 && errno != EINVAL { throw DataError.cannotWrite(file: d.name, reason: errnoText()) }
        } catch {
            withInterruptsDeferred {
                unlink(tmp)
                close(fd)
                TemporaryFiles.shared.unregister(tmp)
            }
            throw error
        }
        return OutputPlan.StagedFile(destination: d, temporary: tmp, descriptor: fd)
    }

    /// Writes a device, a named pipe or a descriptor in place (no temporary file, no rename); a pipe with no
    /// reader yet is waited for.
    static func writeDirectly(_ d: OutputDestination, _ body: (inout ByteSink) throws -> Void) throws {
        let fd: Int32
        var owned = false
        if case .descriptor(let n) = d.kind {
            fd = n
        } else {
            fd = open(d.path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            guard fd >= 0 else { throw DataError.cannotWrite(file: d.displayName, reason: errnoText()) }
            owned = true
        }
        var sink = ByteSink(fd: fd, path: d.displayName)
        do {
            try body(&sink)
            try sink.flush()
        } catch {
            if owned { close(fd) }
            throw error
        }
        if owned && close(fd) != 0 { throw DataError.cannotWrite(file: d.displayName, reason: errnoText()) }
    }

    /// Removes the temporary files that runs killed while writing `path` left beside it
    /// (`.NAME.tmp-PID-N`): those whose process no longer exists and which no process holds open (each run
    /// keeps a lock on its temporary file until the rename). Temporaries of running processes are left alone.
    public static func removeStaleTemporaries(of path: String) {
        let dir = directoryOf(path), prefix = ".\(baseName(path)).tmp-"
        guard let stream = opendir(dir) else { return }
        var stale: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            guard name.hasPrefix(prefix) else { continue }
            let parts = name.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, UInt32(parts[1]) != nil, pid != getpid() else { continue }
            if kill(pid, 0) == 0 || errno != ESRCH { continue }
            stale.append(name)
        }
        closedir(stream)
        for name in stale {
            let p = dir + "/" + name
            let fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { continue }
            var st = stat()
            if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && flock(fd, LOCK_EX | LOCK_NB) == 0 { unlink(p) }
            close(fd)
        }
    }

    /// Flushes a folder's entries (the renames) to disk; best effort.
    static func syncFolder(_ dir: String) {
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// Runs `body` with SIGINT / SIGTERM / SIGHUP blocked; a signal that arrives meanwhile is delivered afterwards.
    /// Keeps the table of temporary files consistent with the files on disk whenever the handler can run.
    static func withInterruptsDeferred<T>(_ body: () throws -> T) rethrows -> T {
        var set = sigset_t(), old = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_BLOCK, &set, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        return try body()
    }

    /// Whether `path` is a regular file (not a pipe, device or folder), which can be read more than once.
    public static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// Installs SIGINT / SIGTERM / SIGHUP handlers that remove temporary output files, then exit with 128 + signal.
    /// SIGPIPE is ignored: writing to a closed pipe is a write error (exit 3) that removes the temporaries too.
    public static func installInterruptCleanup() {
        signal(SIGPIPE, SIG_IGN)
        // A launcher may have blocked these signals (the mask is inherited across exec): unblock them.
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        sigprocmask(SIG_UNBLOCK, &set, nil)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { s in
                TemporaryFiles.shared.removeAllUnsafe()
                _exit(128 + s)
            }
        }
    }

    static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }

    static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    package static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Seconds to wait before renaming a finished temporary file (`WEIGHTING_TEST_WRITE_DELAY`, tests only).
    static let testWriteDelay: Double? = getenv("WEIGHTING_TEST_WRITE_DELAY").flatMap { Double(String(cString: $0)) }
}

/// A buffered writer to a file descriptor, used by ``FileIO/writeAtomically(to:inputs:_:)``.
public struct ByteSink {
    let fd: Int32
    let path: String
    var buffer: [UInt8] = []
    var failure: DataError?
    /// Bytes written to the file so far (where the next write lands in a file written from its start).
    private var written: Int64 = 0

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(1 << 20)
    }

    /// Appends bytes.
    public mutating func write<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try? flush() }
    }

    /// Appends a string's UTF-8 bytes.
    public mutating func write(_ text: String) { write(text.utf8) }

    /// Writes bytes straight to the file, after what is buffered (no copy into the buffer); a failure is kept
    /// in ``failure``.
    mutating func writeDirectly(_ bytes: UnsafeRawBufferPointer) {
        if !buffer.isEmpty { try? flush() }
        writePieces(bytes)
    }

    mutating func flush() throws {
        if let failure { throw failure }
        do {
            let pending = buffer  // the same storage, released before the buffer is emptied in place
            pending.withUnsafeBytes { writePieces($0) }
        }
        if let failure { throw failure }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes bytes to the file in pieces of at most 1 MiB (one write of a chunk's 8 MiB costs many times more
    /// system time, measured with perf), starting each piece's writeback; stops at the first failure, kept in
    /// ``failure``.
    private mutating func writePieces(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, let base = bytes.baseAddress else { return }
        var off = 0
        while off < bytes.count {
            #if canImport(Glibc)
            let n = Glibc.write(fd, base + off, min(bytes.count - off, 1 << 20))
            #else
            let n = Darwin.write(fd, base + off, min(bytes.count - off, 1 << 20))
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                failure = DataError.cannotWrite(file: path, reason: FileIO.errnoText())
                return
            }
            startWriteback(n)
            off += n
        }
    }

    /// Starts the disk writes of the `count` bytes just written (a file; nothing for a pipe or a terminal), so
    /// that the `fsync` before an output's rename finds most of them written already. Nothing waits here.
    private mutating func startWriteback(_ count: Int) {
        _ = weighting_start_writeback(fd, written, Int64(count))
        written += Int64(count)
    }
}

/// Paths of temporary files being written, removed if the process is interrupted.
final class TemporaryFiles: @unchecked Sendable {
    static let shared = TemporaryFiles()
    private var lock = pthread_mutex_t()
    // A fixed table of C strings the signal handler can walk without allocating.
    private var paths: [UnsafeMutablePointer<CChar>?] = Array(repeating: nil, count: 256)

    private init() { pthread_mutex_init(&lock, nil) }

    func register(_ path: String) {
        pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }
        if let slot = paths.firstIndex(where: { $0 == nil }) { paths[slot] = strdup(path) }
    }

    func unregister(_ path: String) {
        pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }
        for i in paths.indices { if let p = paths[i], String(cString: p) == path { free(p); paths[i] = nil } }
    }

    /// Async-signal-safe enough: only `unlink` on stored C strings.
    func removeAllUnsafe() {
        for p in paths { if let p { unlink(p) } }
    }
}
