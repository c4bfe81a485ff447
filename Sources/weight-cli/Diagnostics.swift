import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Messages to standard error (unbuffered `write(2)`, safe from any thread).
enum Diagnostics {
    static func error(_ message: String) { write("weight-cli: error: \(message)\n") }
    static func note(_ message: String) { if !Verbosity.quiet { write("weight-cli: \(message)\n") } }
    static func detail(_ message: String) { if Verbosity.verbose && !Verbosity.quiet { write("weight-cli: \(message)\n") } }
    static func write(_ s: String) { FileDescriptor.write(2, Array(s.utf8)) }
    /// Says which published values are undefined (NaN or infinite, left empty or null), naming the input; at
    /// most ten lines, then how many more. Printed even with --quiet: the output has holes the user must know of.
    static func undefined(_ values: [UndefinedValue], input: String) {
        for u in values.prefix(10) { write("weight-cli: note: \(input): \(u)\n") }
        if values.count > 10 { write("weight-cli: note: \(input): … and \(values.count - 10) more undefined values\n") }
    }
    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}

/// Raw bytes to standard output.
enum StandardOutput {
    static func write(_ bytes: [UInt8]) { FileDescriptor.write(1, bytes) }
    static func write(_ s: String) { write(Array(s.utf8)) }
}

enum FileDescriptor {
    static func write(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                #if canImport(Glibc)
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                #else
                let n = Darwin.write(fd, buf.baseAddress! + off, buf.count - off)
                #endif
                if n < 0 { if errno == EINTR { continue }; return }
                off += n
            }
        }
    }
}

/// A one-line progress note on stderr, only when stderr is a terminal.
struct Progress {
    let label: String
    let enabled: Bool
    init(label: String) {
        self.label = label
        enabled = Diagnostics.stderrIsTerminal && !Verbosity.quiet
        if enabled { Diagnostics.write("\(label)…\r") }
    }
    func done() { if enabled { Diagnostics.write("\(label): done\n") } }
}

/// Global verbosity flags set by the commands.
enum Verbosity {
    nonisolated(unsafe) static var quiet = false
    nonisolated(unsafe) static var verbose = false
}

/// A Foundation file-system error (`NSCocoaErrorDomain`, `NSPOSIXErrorDomain`) said in plain words: the path and
/// what went wrong, never the framework's domain, code and user-info dump.
enum FileSystemProblem {
    /// The plain message for a Foundation error, or `nil` when the error is not one.
    static func message(for error: Error) -> String? {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return nil }
        let path = (ns.userInfo[NSFilePathErrorKey] as? String)
            ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
            ?? (ns.userInfo["NSDestinationFilePath"] as? String)
        var posix: Int32?
        if ns.domain == NSPOSIXErrorDomain { posix = Int32(ns.code) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            posix = Int32(underlying.code)
        }
        let reason: String
        switch (ns.domain == NSCocoaErrorDomain ? ns.code : -1, posix) {
        case (_, EEXIST?), (CocoaError.fileWriteFileExists.rawValue, _):
            reason = "a file of that name is in the way (a folder is needed there, or the file exists already)"
        case (_, ENOTDIR?):
            reason = "a part of the path is a file, not a folder"
        case (_, EACCES?), (_, EPERM?), (CocoaError.fileReadNoPermission.rawValue, _), (CocoaError.fileWriteNoPermission.rawValue, _):
            reason = "permission denied"
        case (_, ENOENT?), (CocoaError.fileNoSuchFile.rawValue, _), (CocoaError.fileReadNoSuchFile.rawValue, _):
            reason = "no such file or folder"
        case (_, ENOSPC?), (CocoaError.fileWriteOutOfSpace.rawValue, _):
            reason = "the disk is full"
        case (_, EROFS?), (CocoaError.fileWriteVolumeReadOnly.rawValue, _):
            reason = "the file system is read-only"
        case (_, let code?):
            reason = String(cString: strerror(code))
        default:
            reason = ns.code >= 512 && ns.code < 1024 ? "it could not be written" : "it could not be read"
        }
        let verb = ns.domain == NSCocoaErrorDomain && ns.code >= 256 && ns.code < 512 ? "cannot read" : "cannot write"
        return path.map { "\(verb) \($0): \(reason)" } ?? "\(verb) a file: \(reason)"
    }
}
