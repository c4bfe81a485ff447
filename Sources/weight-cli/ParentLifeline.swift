#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

/// The tie between `batch` and the tasks it runs, so that no task outlives its batch, even a batch killed by
/// SIGKILL (which it cannot handle, so it cannot forward).
///
/// `batch` gives each task a pipe as standard input and keeps the pipe's write end open (never writing to it)
/// until the task has exited. The kernel closes that end when the batch process dies, however it dies; the task,
/// told by ``environmentKey`` that its standard input is this lifeline, watches it on a thread of its own and, at
/// end of file, sends itself SIGTERM: its interrupt cleanup removes its temporary files and it exits with 143,
/// exactly as when an interrupted batch forwards the signal. Portable (no `prctl(PR_SET_PDEATHSIG)`, which is
/// Linux-only and fires when the spawning *thread* ends).
enum ParentLifeline {
    /// Set to `"1"` in a task's environment by `batch`.
    static let environmentKey = "WEIGHT_CLI_BATCH_LIFELINE"

    /// In a task started by `batch`: watches standard input and ends the process when the batch is gone.
    static func watchIfChildOfBatch() {
        guard let v = getenv(environmentKey), String(cString: v) == "1" else { return }
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while true {
                let n = read(0, &byte, 1)
                if n < 0 && errno == EINTR { continue }
                if n == 0 || n < 0 { break }  // end of file (or a broken lifeline): the batch is gone
            }
            kill(getpid(), SIGTERM)
        }
    }

    /// For `batch`: a pipe whose read end becomes the task's standard input and whose write end the batch keeps
    /// open while the task runs. Both ends are close-on-exec, so no other task inherits the write end (which would
    /// keep the lifeline open after the batch died); the task gets the read end through its standard input.
    static func make() throws -> (task: FileHandle, batch: FileHandle) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (FileHandle(fileDescriptor: fds[0], closeOnDealloc: true), FileHandle(fileDescriptor: fds[1], closeOnDealloc: true))
    }
}
