#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Weighting

/// Where one output of a command really goes, once its path is resolved: symbolic links followed, the kind of
/// file found there, and an identity to compare it with other outputs and with the inputs.
///
/// - A regular file (existing or new) is replaced atomically: a temporary file beside the final target (the
///   link's target when the path is a link, so that the link stays a link), then a rename.
/// - A device (`/dev/null`, `/dev/full`, a terminal), a named pipe, or a descriptor of this process
///   (`/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`) is written directly, never replaced.
public struct OutputDestination: Sendable, Equatable {
    /// What the path leads to.
    public enum Kind: Sendable, Equatable {
        /// No file yet: a temporary file is written in its folder, then renamed to it.
        case newFile
        /// An existing regular file, replaced by a rename.
        case existingFile
        /// A character or block device, written directly.
        case device
        /// A named pipe (FIFO), written directly.
        case fifo
        /// An open file descriptor of this process (`/dev/stdout` is 1), written directly.
        case descriptor(Int32)
    }

    /// The path as the user gave it (used in messages).
    public let name: String
    /// The path written: the final target after following symbolic links.
    public let path: String
    /// What the path leads to.
    public let kind: Kind
    /// Identity used to compare with other outputs and with inputs (`nil` for devices, pipes, and descriptors
    /// not open on a regular file).
    let key: FileKey?
    /// Folders that do not exist yet and will be created (outermost first), when allowed.
    let missingFolders: [String]

    /// Whether the output is written in place (device, pipe, descriptor) rather than through a temporary file.
    public var isDirect: Bool {
        switch kind {
        case .newFile, .existingFile: return false
        default: return true
        }
    }

    /// The name shown in messages: "standard output" for `/dev/stdout`, else the path as given.
    public var displayName: String { name == OutputPlan.standardOutput ? "standard output" : name }

    /// Resolves an output path.
    ///
    /// - Parameter createFolders: whether missing folders may be created (else a missing folder is an error).
    /// - Throws: ``DataError/cannotWrite(file:reason:)`` when the path is a folder, a socket, a link loop, or
    ///   its folder does not exist or is not writable.
    public static func resolve(_ name: String, createFolders: Bool = false) throws -> OutputDestination {
        if name.isEmpty { throw DataError.cannotWrite(file: "''", reason: "the output path is empty") }
        if name.hasSuffix("/") { throw DataError.cannotWrite(file: name, reason: "it names a folder; give a file name") }
        var p = name
        for _ in 0..<40 {
            if let fd = descriptorNumber(p) {
                // A descriptor open on a regular file (`>> data.csv`) has that file's identity, so that it is
                // never an input or another output.
                var st = stat()
                let key: FileKey? = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
                    ? .inode(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)) : nil
                return OutputDestination(name: name, path: p, kind: .descriptor(fd), key: key, missingFolders: [])
            }
            var st = stat()
            if lstat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK {
                guard let target = readLink(p) else { throw DataError.cannotWrite(file: name, reason: FileIO.errnoText()) }
                p = target.hasPrefix("/") ? target : FileIO.directoryOf(p) + "/" + target
                continue
            }
            return try classify(name: name, path: p, createFolders: createFolders)
        }
        throw DataError.cannotWrite(file: name, reason: "too many levels of symbolic links")
    }

    private static func classify(name: String, path p: String, createFolders: Bool) throws -> OutputDestination {
        var st = stat()
        if stat(p, &st) == 0 {
            switch st.st_mode & S_IFMT {
            case S_IFREG:
                try checkWritableFolder(FileIO.directoryOf(p), for: name)
                return OutputDestination(name: name, path: p, kind: .existingFile,
                                         key: .inode(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)), missingFolders: [])
            case S_IFCHR, S_IFBLK:
                return OutputDestination(name: name, path: p, kind: .device, key: nil, missingFolders: [])
            case S_IFIFO:
                return OutputDestination(name: name, path: p, kind: .fifo, key: nil, missingFolders: [])
            case S_IFDIR:
                throw DataError.cannotWrite(file: name, reason: "it is a folder; give a file name")
            default:
                throw DataError.cannotWrite(file: name, reason: "it is a socket or another special file")
            }
        }
        guard errno == ENOENT else { throw DataError.cannotWrite(file: name, reason: FileIO.errnoText()) }
        let (existing, missing) = nearestExistingFolder(of: p)
        if !missing.isEmpty && !createFolders {
            throw DataError.cannotWrite(file: name, reason: "folder \(FileIO.directoryOf(p)) does not exist")
        }
        try checkWritableFolder(existing, for: name)
        let canonical = canonicalPath(existingFolder: existing, rest: missing.map(FileIO.baseName) + [FileIO.baseName(p)])
        return OutputDestination(name: name, path: p, kind: .newFile, key: .path(canonical), missingFolders: missing)
    }

    /// The identity of an input file: device and inode when it exists as a regular file (so that hard links and
    /// symbolic links are recognised), the canonical path when it does not exist (yet), `nil` for devices and
    /// pipes (reading `/dev/stdin` and writing `/dev/stdout` on one terminal is no conflict).
    static func inputKey(_ path: String) -> FileKey? {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFREG else { return nil }
            return .inode(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        }
        guard errno == ENOENT, descriptorNumber(path) == nil else { return nil }
        let (existing, missing) = nearestExistingFolder(of: path)
        return .path(canonicalPath(existingFolder: existing, rest: missing.map(FileIO.baseName) + [FileIO.baseName(path)]))
    }

    /// The descriptor a path names when it is one of this process's descriptors: `/dev/stdin`, `/dev/stdout`,
    /// `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`, `/proc/PID/fd/N` (also through other spellings of those
    /// folders, compared by their real path).
    static func descriptorNumber(_ p: String) -> Int32? {
        let base = FileIO.baseName(p)
        let names: [String: Int32] = ["stdin": 0, "stdout": 1, "stderr": 2]
        let pid = getpid()
        let fdFolders: Set<String> = ["/dev/fd", "/proc/self/fd", "/proc/thread-self/fd", "/proc/\(pid)/fd"]
        let dir = FileIO.directoryOf(p)
        if dir == "/dev", let n = names[base] { return n }
        if fdFolders.contains(dir), let n = Int32(base), n >= 0 { return n }
        guard let real = realPath(dir) else { return nil }
        if real == "/dev", let n = names[base] { return n }
        if let n = Int32(base), n >= 0, real == "/proc/\(pid)/fd" || real.hasPrefix("/proc/\(pid)/task/") && real.hasSuffix("/fd") {
            return n
        }
        return nil
    }

    /// The nearest folder of `path` that exists, and the missing folders below it (outermost first).
    static func nearestExistingFolder(of path: String) -> (existing: String, missing: [String]) {
        var missing: [String] = []
        var d = FileIO.directoryOf(path)
        var st = stat()
        while stat(d, &st) != 0 && errno == ENOENT {
            missing.insert(d, at: 0)
            let parent = FileIO.directoryOf(d)
            if parent == d { break }
            d = parent
        }
        return (d, missing)
    }

    /// `realpath` of an existing folder followed by further components, with `.` and `..` resolved lexically.
    static func canonicalPath(existingFolder: String, rest: [String]) -> String {
        var parts = (realPath(existingFolder) ?? existingFolder).split(separator: "/").map(String.init)
        for c in rest {
            if c == "." || c.isEmpty { continue }
            if c == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func checkWritableFolder(_ dir: String, for name: String) throws {
        var st = stat()
        guard stat(dir, &st) == 0 else { throw DataError.cannotWrite(file: name, reason: "folder \(dir): \(FileIO.errnoText())") }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw DataError.cannotWrite(file: name, reason: "\(dir) is not a folder") }
        guard access(dir, W_OK | X_OK) == 0 else {
            throw DataError.cannotWrite(file: name, reason: "folder \(dir) is not writable (\(FileIO.errnoText()))")
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let r = realpath(path, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    static func readLink(_ path: String) -> String? {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buf, buf.count - 1)
        guard n >= 0 else { return nil }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The identity of a file for comparisons: device and inode for a file that exists (hard links share it),
/// canonical path for one that does not exist yet (its folder's real path, then `.` and `..` resolved).
public enum FileKey: Hashable, Sendable {
    /// An existing regular file.
    case inode(device: UInt64, inode: UInt64)
    /// A file that does not exist yet.
    case path(String)

    /// The identity of the file an output path would write (links followed; missing folders allowed), or `nil`
    /// when it is a device, a pipe or a descriptor, or cannot be resolved.
    public static func output(_ path: String) -> FileKey? {
        (try? OutputDestination.resolve(path, createFolders: true))?.key
    }

    /// The identity of an input file, or `nil` for a device or a pipe.
    public static func input(_ path: String) -> FileKey? { OutputDestination.inputKey(path) }
}

/// Outputs of one command that would overwrite each other or an input.
public enum OutputPathError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two outputs are the same file.
    case sameOutput(first: String, second: String)
    /// An output is an input file (same file through a link, `..` or a hard link).
    case outputIsInput(output: String, input: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .sameOutput(let a, let b):
            return a == b
                ? "\(a) is given for two outputs; give each output its own file"
                : "\(a) and \(b) are the same file; give each output its own file"
        case .outputIsInput(let o, let i):
            return o == i
                ? "\(o): the output file is also an input file; refusing to overwrite it"
                : "\(o): the output file is also an input file (\(i)); refusing to overwrite it"
        }
    }
}
