import Foundation
import WeightingTestSupport
import Testing

/// Interrupting weight-cli while it reads its data or while it holds its finished temporary output leaves the
/// previous output intact (never a truncated or a new file). The command handles SIGINT, SIGTERM and SIGHUP by
/// removing its temporary files and exiting with 128 + the signal; SIGKILL cannot be handled, and still leaves
/// the previous output.
@Suite("Interrupted runs", .serialized)
struct InterruptionTests {
    /// 100,000 rows (about 2.3 MB), made once.
    static let big: Data = {
        var bytes: [UInt8] = Array("id,region,taille,score\n".utf8)
        bytes.reserveCapacity(3_000_000)
        let regions = ["Nord", "Sud", "Est"].map { Array($0.utf8) }
        for i in 0..<100_000 {
            bytes += Array(String(i).utf8); bytes.append(44)
            bytes += regions[i % 3]; bytes.append(44)
            bytes += Array((i % 7 == 0 ? "grande" : "petite").utf8); bytes.append(44)
            bytes += Array(String(i % 97).utf8); bytes += [46, 53, 10]
        }
        return Data(bytes)
    }()

    static let margins = "variable,level,target\nregion,Nord,4000000\nregion,Sud,3500000\nregion,Est,2500000\ntaille,petite,7000000\ntaille,grande,3000000\n"

    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Checks what an interrupted run must leave: the previous output and report, and after a handled signal an
    /// exit status of 128 + signal and no temporary file.
    static func expectPreviousOutputKept(_ p: Process, signal: Int32, in dir: URL, phase: String) throws {
        if handled.contains(signal) {
            #expect(p.terminationReason == .exit && p.terminationStatus == 128 + signal,
                    "\(phase): signal \(signal) should end the run with status \(128 + signal), got \(p.terminationReason == .exit ? "exit" : "signal") \(p.terminationStatus)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
            #expect(leftovers.isEmpty, "\(phase): temporary files left after signal \(signal): \(leftovers)")
        } else {
            #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == signal)
        }
        #expect(try dir.read("out.csv") == "previous output\n", "\(phase): signal \(signal) left a modified output")
        #expect(try dir.read("r.json") == "previous report\n", "\(phase): signal \(signal) left a modified report")
    }

    /// The data is a FIFO fed by the test: weight-cli has read the first 40,000 rows (the writes beyond the pipe's
    /// buffer returned, so it is consuming them) and then blocks in `read` waiting for more when the signal is
    /// sent, so the signal lands during the read, every time.
    @Test("SIGINT, SIGTERM, SIGHUP or SIGKILL while reading leaves the previous output", arguments: [SIGINT, SIGTERM, SIGHUP, SIGKILL])
    func interruptWhileReading(signal: Int32) throws {
        Foundation.signal(SIGPIPE, SIG_IGN)  // a write to a FIFO whose reader died must fail, not kill the test runner
        let dir = try scratchDirectory()
        try dir.write("m.csv", Self.margins)
        try dir.write("out.csv", "previous output\n")
        try dir.write("r.json", "previous report\n")
        let fifo = dir.appendingPathComponent("data.csv").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["calibrate", "data.csv", "--margins", "m.csv", "--output", "out.csv", "--report", "r.json"]
        p.currentDirectoryURL = dir
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        // Open the writing end once weight-cli has opened the reading end (O_NONBLOCK fails with ENXIO until then).
        var fd: Int32 = -1
        let deadline = Date().addingTimeInterval(60)
        while fd < 0 && p.isRunning && Date() < deadline {
            fd = open(fifo, O_WRONLY | O_NONBLOCK)
            if fd < 0 { usleep(1000) }
        }
        try #require(fd >= 0, "weight-cli never opened its data file")
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        // About 40,000 rows (1 MB): far beyond a pipe's buffer (64 KiB), so when the last write returns
        // weight-cli has consumed all but the buffer's worth and is reading.
        let part = Self.big.prefix(1_000_000)
        let written = part.withUnsafeBytes { raw -> Int in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
            return offset
        }
        try #require(written == part.count && p.isRunning, "weight-cli stopped reading early")
        usleep(100_000)  // let it drain the pipe's buffer and block in read
        #expect(p.isRunning, "the run ended although its data was incomplete")
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        try Self.expectPreviousOutputKept(p, signal: signal, in: dir, phase: "while reading")
    }

    /// `WEIGHTING_TEST_WRITE_DELAY` makes the run hold its finished temporary output for 5 s before the rename;
    /// the signal is sent as soon as that file appears.
    @Test("SIGINT, SIGTERM, SIGHUP or SIGKILL while the finished output waits for its rename leaves the previous output", arguments: [SIGINT, SIGTERM, SIGHUP, SIGKILL])
    func interruptBeforeRename(signal: Int32) throws {
        let dir = try scratchDirectory()
        try Self.big.write(to: dir.appendingPathComponent("big.csv"))
        try dir.write("m.csv", Self.margins)
        try dir.write("out.csv", "previous output\n")
        try dir.write("r.json", "previous report\n")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["calibrate", "big.csv", "--margins", "m.csv", "--output", "out.csv", "--report", "r.json"]
        p.currentDirectoryURL = dir
        p.standardError = FileHandle.nullDevice
        var env = ProcessInfo.processInfo.environment
        env["WEIGHTING_TEST_WRITE_DELAY"] = "5"
        p.environment = env
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        var seen = false
        while p.isRunning && Date() < deadline {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            if names.contains(where: { $0.hasPrefix(".out.csv.tmp-") }) { seen = true; break }
            usleep(1000)
        }
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        #expect(seen, "the temporary output never appeared while the run was going")
        try Self.expectPreviousOutputKept(p, signal: signal, in: dir, phase: "before the rename")
    }
}
