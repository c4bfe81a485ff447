#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading whole files and writing them atomically (temporary file in the same folder, `fsync`, `rename`).
///
/// A reader never sees a half-written output: either the previous file or the complete new one. Temporary
/// files of an interrupted run are removed by the signal handler installed with ``installInterruptCleanup()``.
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

    /// Streams content into a temporary file beside `path`, then renames it over `path`.
    ///
    /// - Parameters:
    ///   - path: the destination.
    ///   - inputs: files that must not be overwritten (compared by device and inode, so links are caught).
    ///   - body: writes the content through the sink.
    public static func writeAtomically(to path: String, inputs: [String] = [], _ body: (inout ByteSink) throws -> Void) throws {
        for input in inputs where sameFile(input, path) { throw DataError.outputIsInput(file: path) }
        let dir = directoryOf(path)
        var st = stat()
        if stat(dir, &st) != 0 { throw DataError.cannotWrite(file: path, reason: "folder \(dir) does not exist") }
        let tmp = "\(dir)/.\(baseName(path)).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // The file must never exist unregistered: a signal between `open` and `register` would leave it behind.
        let (fd, openError) = withInterruptsDeferred { () -> (Int32, String) in
            let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd < 0 { return (fd, errnoText()) }
            TemporaryFiles.shared.register(tmp)
            return (fd, "")
        }
        guard fd >= 0 else { throw DataError.cannotWrite(file: path, reason: openError) }
        defer { withInterruptsDeferred { TemporaryFiles.shared.unregister(tmp) } }
        var sink = ByteSink(fd: fd, path: path)
        do {
            try body(&sink)
            try sink.flush()
            // Fault injection for the interruption tests: hold the complete temporary file before the rename.
            if let delay = FileIO.testWriteDelay { usleep(UInt32(delay * 1_000_000)) }
            if fsync(fd) != 0 && errno != EINVAL { throw DataError.cannotWrite(file: path, reason: errnoText()) }
            close(fd)
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        if rename(tmp, path) != 0 {
            let reason = errnoText()
            unlink(tmp)
            throw DataError.cannotWrite(file: path, reason: reason)
        }
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
    public static func installInterruptCleanup() {
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

    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
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

    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Seconds to wait before renaming a finished temporary file (`WEIGHTING_TEST_WRITE_DELAY`, tests only).
    static let testWriteDelay: Double? = getenv("WEIGHTING_TEST_WRITE_DELAY").flatMap { Double(String(cString: $0)) }
}

/// A buffered writer to a file descriptor, used by ``FileIO/writeAtomically(to:inputs:_:)``.
public struct ByteSink {
    let fd: Int32
    let path: String
    var buffer: [UInt8] = []
    var failure: DataError?

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

    mutating func flush() throws {
        if let failure { throw failure }
        var off = 0
        while off < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = DataError.cannotWrite(file: path, reason: FileIO.errnoText())
                throw failure!
            }
            off += n
        }
        buffer.removeAll(keepingCapacity: true)
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
