#if canImport(Glibc)
import Glibc
#endif

/// Messages to standard error (unbuffered `write(2)`, safe from any thread).
enum Diagnostics {
    static func error(_ message: String) { write("weight-cli: error: \(message)\n") }
    static func note(_ message: String) { if !Verbosity.quiet { write("weight-cli: \(message)\n") } }
    static func detail(_ message: String) { if Verbosity.verbose && !Verbosity.quiet { write("weight-cli: \(message)\n") } }
    static func write(_ s: String) { FileDescriptor.write(2, Array(s.utf8)) }
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
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
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
