#if canImport(Glibc)
import Glibc
#endif

/// Messages to standard error (unbuffered `write(2)`, safe from any thread).
enum Diagnostics {
    static func error(_ message: String) { write("weight-cli: error: \(message)\n") }
    static func note(_ message: String) { write("weight-cli: \(message)\n") }
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
