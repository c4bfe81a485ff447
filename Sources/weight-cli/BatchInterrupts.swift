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

/// The child processes a batch is running, so that an interrupted batch can stop them and wait for them.
final class BatchChildren: @unchecked Sendable {
    private let lock = NSLock()
    private var running: [Int32: [String]] = [:]
    private var stopping = false

    /// Whether the batch was interrupted (no task starts any more).
    var isStopping: Bool { lock.lock(); defer { lock.unlock() }; return stopping }

    /// Starts a task's process unless the batch is being interrupted; returns whether it started. Starting and
    /// registering happen under the lock that ``stopAll(_:)`` takes, so no child escapes the stop.
    func launch(_ p: Process, outputs: [String]) throws -> Bool {
        lock.lock(); defer { lock.unlock() }
        if stopping { return false }
        try p.run()
        running[p.processIdentifier] = outputs
        return true
    }

    /// Records that a child has exited and was reaped.
    func finished(_ pid: Int32) { lock.lock(); running.removeValue(forKey: pid); lock.unlock() }

    /// Stops launching and sends `signal` to every running child; returns how many were running.
    @discardableResult
    func stopAll(_ signal: Int32) -> Int {
        lock.lock(); defer { lock.unlock() }
        stopping = true
        for pid in running.keys { kill(pid, signal) }
        return running.count
    }

    /// Children still running, with the outputs they write.
    var remaining: [Int32: [String]] { lock.lock(); defer { lock.unlock() }; return running }
}

/// SIGINT, SIGTERM and SIGHUP received by `batch`: the signal handler only writes the signal's number to a pipe;
/// a thread reading that pipe forwards SIGTERM to the running tasks (each removes its temporary files and exits),
/// waits for them (SIGKILL after 10 s, then their stale temporaries are removed), removes the batch's scratch
/// folder and exits with 128 + the signal. No task starts once the signal has arrived.
enum BatchInterrupts {
    nonisolated(unsafe) static var pipeWrite: Int32 = -1

    static func install(children: BatchChildren, scratch: String) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        pipeWrite = fds[1]
        let readEnd = fds[0]
        Thread.detachNewThread {
            var b: UInt8 = 0
            while read(readEnd, &b, 1) < 0 && errno == EINTR {}
            stop(signal: Int32(b), children: children, scratch: scratch)
        }
        // A closed standard output is a write error (exit 3), not a death that would leave the scratch folder.
        signal(SIGPIPE, SIG_IGN)
        // A caught signal is reset to its default in the children at exec, so they handle it themselves.
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { s in
                var b = UInt8(truncatingIfNeeded: s)
                _ = write(BatchInterrupts.pipeWrite, &b, 1)
            }
        }
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    static func stop(signal: Int32, children: BatchChildren, scratch: String) -> Never {
        let n = children.stopAll(SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        var killed: [Int32: [String]] = [:]
        while !children.remaining.isEmpty {
            if Date() > deadline && killed.isEmpty {
                killed = children.remaining
                children.stopAll(SIGKILL)
            }
            usleep(10_000)
        }
        // Children killed outright could not remove their temporary files: they are stale now (reaped).
        for outputs in killed.values { for path in outputs { FileIO.removeStaleTemporaries(of: path) } }
        try? FileManager.default.removeItem(atPath: scratch)
        Diagnostics.error("interrupted (signal \(signal)): stopped \(n) running task(s); their previous outputs are unchanged")
        _exit(128 + signal)
    }
}
