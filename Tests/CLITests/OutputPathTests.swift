import Foundation
import WeightingTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Outputs that are not plain files (devices, named pipes, standard output, symbolic links), outputs committed
/// together, outputs that are the same file as another output or an input, stale temporary files of killed
/// runs, and rows copied byte for byte (issue 11, items 1, 2, 8 and 9).
@Suite("Output paths")
struct OutputPathTests {
    static let margins = "variable,level,target\nregion,Nord,400\nregion,Sud,350\nregion,Est,250\n"

    /// 30 rows, 10 per region: raked on region alone, each weight is target / 10 (a closed form).
    static let data: String = {
        var s = "id,region,oui\n"
        for i in 0..<30 { s += "\(i),\(["Nord", "Sud", "Est"][i % 3]),\(i % 2 == 0 ? "oui" : "non")\n" }
        return s
    }()

    /// The expected calibrated file: each row followed by its weight (40, 35 or 25).
    static let expected: String = {
        var s = "id,region,oui,weight\n"
        for i in 0..<30 { s += "\(i),\(["Nord", "Sud", "Est"][i % 3]),\(i % 2 == 0 ? "oui" : "non"),\([40, 35, 25][i % 3])\n" }
        return s
    }()

    static func setUp() throws -> URL {
        let dir = try scratchDirectory()
        try dir.write("d.csv", data)
        try dir.write("m.csv", margins)
        return dir
    }

    static func fileType(_ path: String) -> mode_t? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return st.st_mode & S_IFMT
    }

    static func temporaries(_ dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.contains(".tmp-") }
    }

    /// A character device node made in the scratch folder (major 1: 3 is null, 7 is full), so that a
    /// regression replaces this node rather than the system's. `nil` where nodes cannot be made (not root).
    static func device(_ dir: URL, _ name: String, minor: UInt32) -> String? {
        let path = dir.appendingPathComponent(name).path
        return mknod(path, S_IFCHR | 0o666, Self.deviceNumber(major: 1, minor: minor)) == 0 ? path : nil
    }

    /// Linux `makedev` (a macro Swift does not import).
    static func deviceNumber(major: UInt32, minor: UInt32) -> dev_t {
        let ma = UInt64(major), mi = UInt64(minor)
        return dev_t(((ma & 0xFFFF_F000) << 32) | ((ma & 0xFFF) << 8) | ((mi & 0xFFFF_FF00) << 12) | (mi & 0xFF))
    }

    // MARK: - Item 1: devices, pipes, standard output, links

    @Test("a device output is written in place, exit 0, and stays a device (-o, --report, --write-replicates)",
          arguments: ["-o", "--report", "--write-replicates"])
    func nullDevice(option: String) throws {
        let dir = try Self.setUp()
        let null = try #require(Self.device(dir, "null", minor: 3), "cannot make a device node (not root?)")
        let args: [String]
        switch option {
        case "-o": args = ["calibrate", "d.csv", "--margins", "m.csv", "-o", null]
        case "--report": args = ["calibrate", "d.csv", "--margins", "m.csv", "-o", "o.csv", "--report", null + ".json"]
        default: args = ["estimate", "d.csv", "--variables", "oui", "--variance", "bootstrap", "--replicates", "3", "-o", "o.csv", "--write-replicates", null]
        }
        if option == "--report" { #expect(mknod(null + ".json", S_IFCHR | 0o666, Self.deviceNumber(major: 1, minor: 3)) == 0) }
        let r = try CLI.run(args, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.fileType(null) == S_IFCHR)
        if option == "--report" { #expect(Self.fileType(null + ".json") == S_IFCHR) }
        #expect(Self.temporaries(dir).isEmpty)
    }

    @Test("a full device is a write error: exit 3, and no other output is committed")
    func fullDevice() throws {
        let dir = try Self.setUp()
        let full = try #require(Self.device(dir, "full", minor: 7), "cannot make a device node (not root?)")
        try dir.write("r.json", "previous report\n")
        let r = try CLI.run(["calibrate", "d.csv", "--margins", "m.csv", "-o", full, "--report", "r.json"], in: dir)
        #expect(r.status == 3)
        #expect(r.stderr.contains("cannot write \(full): No space left on device"), "\(r.stderr)")
        #expect(Self.fileType(full) == S_IFCHR)
        #expect(try dir.read("r.json") == "previous report\n")
        #expect(Self.temporaries(dir).isEmpty)
    }

    /// `/dev/stdout` itself is pinned by ``OutputDestinationTests`` without writing: a regression here would
    /// replace the system's link. These paths cannot be replaced (a temporary cannot be made in `/proc`).
    @Test("-o /dev/fd/1, /proc/self/fd/1 or a link to them write standard output in place (captured in a file)",
          arguments: ["/dev/fd/1", "/proc/self/fd/1", "out-link"])
    func standardOutput(path: String) throws {
        let dir = try Self.setUp()
        #expect(symlink("/proc/self/fd/1", dir.appendingPathComponent("out-link").path) == 0)
        let r = try CLI.run(["calibrate", "d.csv", "--margins", "m.csv", "-o", path, "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == Self.expected)
        #expect(Self.fileType(dir.appendingPathComponent("out-link").path) == S_IFLNK)
    }

    @Test("standard output that cannot be written is exit 3")
    func standardOutputFull() throws {
        let dir = try Self.setUp()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["estimate", "d.csv", "--variables", "oui"]
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 3)
    }

    @Test("standard output appended to the input file is refused (exit 1), the input unchanged", arguments: [false, true])
    func standardOutputIsInput(explicit: Bool) throws {
        let dir = try Self.setUp()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["calibrate", "d.csv", "--margins", "m.csv"] + (explicit ? ["-o", "/dev/stdout"] : [])
        p.currentDirectoryURL = dir
        let append = try #require(FileHandle(forWritingAtPath: dir.appendingPathComponent("d.csv").path))
        append.seekToEndOfFile()
        p.standardOutput = append
        let err = Pipe()
        p.standardError = err
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 1)
        #expect(message.contains("the output file is also an input file (d.csv)"), "\(message)")
        #expect(try dir.read("d.csv") == Self.data)
    }

    @Test("a named pipe is written in place: the reader gets the whole file, the pipe stays a pipe")
    func namedPipe() throws {
        let dir = try Self.setUp()
        let fifo = dir.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let received = ReceivedBytes()
        let reader = Thread {
            let h = FileHandle(forReadingAtPath: fifo)
            received.set(h?.readDataToEndOfFile() ?? Data())
        }
        reader.start()
        let r = try CLI.run(["calibrate", "d.csv", "--margins", "m.csv", "-o", fifo], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let deadline = Date().addingTimeInterval(30)
        while received.get() == nil && Date() < deadline { usleep(10_000) }
        #expect(received.get().map { String(decoding: $0, as: UTF8.self) } == Self.expected)
        #expect(Self.fileType(fifo) == S_IFIFO)
        #expect(Self.temporaries(dir).isEmpty)
    }

    @Test("a symbolic link is followed: the target is replaced, the link stays a link, no temporary left")
    func symbolicLink() throws {
        let dir = try Self.setUp()
        let other = dir.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try other.write("target.csv", "previous\n")
        #expect(symlink("elsewhere/target.csv", dir.appendingPathComponent("link.csv").path) == 0)
        // A dangling link: its target is created.
        #expect(symlink("elsewhere/new.json", dir.appendingPathComponent("report.json").path) == 0)
        let r = try CLI.run(["calibrate", "d.csv", "--margins", "m.csv", "-o", "link.csv", "--report", "report.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.fileType(dir.appendingPathComponent("link.csv").path) == S_IFLNK)
        #expect(Self.fileType(dir.appendingPathComponent("report.json").path) == S_IFLNK)
        #expect(try other.read("target.csv") == Self.expected)
        #expect(try other.read("new.json").hasPrefix("{"))
        #expect(Self.temporaries(dir).isEmpty && Self.temporaries(other).isEmpty)
    }

    @Test("a link loop is a write error (exit 3)")
    func linkLoop() throws {
        let dir = try Self.setUp()
        #expect(symlink("b.csv", dir.appendingPathComponent("a.csv").path) == 0)
        #expect(symlink("a.csv", dir.appendingPathComponent("b.csv").path) == 0)
        let r = try CLI.run(["calibrate", "d.csv", "--margins", "m.csv", "-o", "a.csv"], in: dir)
        #expect(r.status == 3)
        #expect(r.stderr.contains("too many levels of symbolic links"), "\(r.stderr)")
    }

    // MARK: - Item 2: all outputs commit together

    @Test("a report that cannot be written leaves the previous data output (exit 3, no temporary)", arguments: [
        "missing/r.json",  // folder missing: found before anything is done
        "d.csv/r.json",  // below a file
        "folder.json",  // a folder
    ])
    func reportFailureKeepsData(report: String) throws {
        let dir = try Self.setUp()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder.json"), withIntermediateDirectories: true)
        try dir.write("o.csv", "previous\n")
        let r = try CLI.run(["calibrate", "d.csv", "--margins", "m.csv", "-o", "o.csv", "--report", report], in: dir)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("cannot write \(report)"), "\(r.stderr)")
        #expect(try dir.read("o.csv") == "previous\n")
        #expect(Self.temporaries(dir).isEmpty)
    }

    @Test("a write error on one output after the others are written commits none of them")
    func lateWriteErrorCommitsNothing() throws {
        let dir = try Self.setUp()
        let full = try #require(Self.device(dir, "full", minor: 7), "cannot make a device node (not root?)")
        try dir.write("reps.csv", "previous replicates\n")
        // The replicate file is written to its temporary first, then the estimates fail on the full device.
        let r = try CLI.run(["estimate", "d.csv", "--variables", "oui", "--variance", "bootstrap", "--replicates", "3",
                             "-o", full, "--write-replicates", "reps.csv"], in: dir)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(try dir.read("reps.csv") == "previous replicates\n")
        #expect(Self.temporaries(dir).isEmpty)
    }

    @Test("outputs that are one file, or an input, are refused before anything is written (exit 1)", arguments: [
        (["calibrate", "d.csv", "--margins", "m.csv", "-o", "r.json", "--report", "r.json"], "r.json is given for two outputs"),
        (["calibrate", "d.csv", "--margins", "m.csv", "-o", "sub/../r.json", "--report", "r.json"], "sub/../r.json and r.json are the same file"),
        (["calibrate", "d.csv", "--margins", "m.csv", "-o", "hard.csv"], "hard.csv: the output file is also an input file (d.csv)"),
        (["calibrate", "d.csv", "--margins", "m.csv", "-o", "soft.csv"], "soft.csv: the output file is also an input file (d.csv)"),
        (["calibrate", "d.csv", "--margins", "m.csv", "-o", "o.csv", "--report", "m-link.json"], "the output file is also an input file (m.csv)"),
        (["estimate", "d.csv", "--variables", "oui", "--variance", "jk1", "-o", "e.csv", "--write-replicates", "./e.csv"], "e.csv and ./e.csv are the same file"),
        (["estimate", "d.csv", "--variables", "oui", "--variance", "jk1", "-o", "e.csv", "--write-replicates", "e.csv"], "e.csv is given for two outputs"),
    ] as [([String], String)])
    func sameFileRefused(args: [String], message: String) throws {
        let dir = try Self.setUp()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        #expect(link(dir.appendingPathComponent("d.csv").path, dir.appendingPathComponent("hard.csv").path) == 0)
        #expect(symlink("d.csv", dir.appendingPathComponent("soft.csv").path) == 0)
        #expect(symlink("m.csv", dir.appendingPathComponent("m-link.json").path) == 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let r = try CLI.run(args, in: dir)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == before)
        #expect(try dir.read("d.csv") == Self.data && dir.read("m.csv") == Self.margins)
    }

    @Test("attrition: every file of the output folder and the report commit together")
    func attritionCommitsTogether() throws {
        let dir = try scratchDirectory()
        var w1 = "id,region,taille,x\n", w2 = "id,region,taille,x\n"
        for i in 0..<200 {
            let row = "\(i),\(["Nord", "Sud"][i % 2]),\(i % 3 == 0 ? "grande" : "petite"),\(i % 5 == 0 ? "oui" : "non")\n"
            w1 += row
            if (i * 7) % 11 >= 3 { w2 += row }
        }
        try dir.write("w1.csv", w1)
        try dir.write("w2.csv", w2)
        try dir.write("m.csv", "variable,level,target\nregion,Nord,5000\nregion,Sud,5000\ntaille,grande,3000\ntaille,petite,7000\n")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
        try dir.write("out/wave1_weighted.csv", "previous\n")
        let args = ["attrition", "--wave1", "w1.csv", "--wave", "w2.csv", "--id", "id", "--covariates", "region,taille",
                    "--margins", "m.csv", "--output-dir", "out"]
        let failed = try CLI.run(args + ["--report", "missing/r.md"], in: dir)
        #expect(failed.status == 3, "\(failed.stderr)")
        #expect(try dir.read("out/wave1_weighted.csv") == "previous\n")
        #expect(!dir.exists("out/wave2_weighted.csv") && !dir.exists("out/longitudinal.csv"))
        #expect(Self.temporaries(dir.appendingPathComponent("out")).isEmpty)
        // An output folder created for the run holds every file, and an input in it is refused.
        let ok = try CLI.run(args.dropLast() + ["new/folder", "--report", "new/folder/r.md"], in: dir)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(dir.exists("new/folder/wave1_weighted.csv") && dir.exists("new/folder/longitudinal.csv") && dir.exists("new/folder/r.md"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out2"), withIntermediateDirectories: true)
        try dir.write("out2/wave2_weighted.csv", w2)
        let clash = try CLI.run(["attrition", "--wave1", "w1.csv", "--wave", "out2/wave2_weighted.csv", "--id", "id",
                                 "--covariates", "region,taille", "--margins", "m.csv", "--output-dir", "out2"], in: dir)
        #expect(clash.status == 1)
        #expect(clash.stderr.contains("out2/wave2_weighted.csv: the output file is also an input file"), "\(clash.stderr)")
        #expect(try dir.read("out2/wave2_weighted.csv") == w2 && !dir.exists("out2/wave1_weighted.csv"))
    }

    // MARK: - Item 8: stale temporaries

    @Test("temporaries of killed runs are removed by the next run writing that output, live ones are kept")
    func staleTemporaries() throws {
        let dir = try Self.setUp()
        // A process id that no longer exists: a child that has exited and been reaped.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let dead = gone.processIdentifier, alive = getpid()
        let stale = ".o.csv.tmp-\(dead)-17", live = ".o.csv.tmp-\(alive)-18", locked = ".o.csv.tmp-\(dead)-19"
        let otherOutput = ".p.csv.tmp-\(dead)-20", notOurs = ".o.csv.tmp-backup"
        for name in [stale, live, locked, otherOutput, notOurs] { try dir.write(name, "partial") }
        // A file some live process holds locked (as a run in another process namespace would) is not stale.
        let fd = open(dir.appendingPathComponent(locked).path, O_RDONLY)
        #expect(flock(fd, LOCK_EX) == 0)
        defer { close(fd) }
        let r = try CLI.run(["calibrate", "d.csv", "--margins", "m.csv", "-o", "o.csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!dir.exists(stale))
        #expect(dir.exists(live) && dir.exists(locked) && dir.exists(otherOutput) && dir.exists(notOurs))
        #expect(try dir.read("o.csv") == Self.expected)
    }

    @Test("after SIGKILL while holding the temporary, the next run removes it")
    func killedRunCleanedUp() throws {
        let dir = try Self.setUp()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["calibrate", "d.csv", "--margins", "m.csv", "-o", "o.csv"]
        p.currentDirectoryURL = dir
        p.standardError = FileHandle.nullDevice
        var env = ProcessInfo.processInfo.environment
        env["WEIGHTING_TEST_WRITE_DELAY"] = "30"
        p.environment = env
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while Self.temporaries(dir).isEmpty && Date() < deadline { usleep(1000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(Self.temporaries(dir).count == 1)
        let r = try CLI.run(["calibrate", "d.csv", "--margins", "m.csv", "-o", "o.csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.temporaries(dir).isEmpty)
    }

    // MARK: - Item 9: byte for byte

    /// Byte-order mark, a CRLF header, LF and CRLF records, a last record without a line ending.
    static let mixed: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("id,region\r\n1,Nord\n2,Sud\r\n3,\"Est\"\n4,Nord\r\n5,Sud\n6,Est".utf8)
    /// Each line with its weight before its own ending (post-stratification: target / count = 10 in each region).
    static let mixedExpected: [UInt8] = [0xEF, 0xBB, 0xBF]
        + Array("id,region,weight\r\n1,Nord,10\n2,Sud,10\r\n3,\"Est\",10\n4,Nord,10\r\n5,Sud,10\n6,Est,10".utf8)
    static let mixedMargins = "variable,level,target\nregion,Nord,20\nregion,Sud,20\nregion,Est,20\n"

    @Test("calibrate keeps each line's ending and the byte-order mark (file read in chunks, and read whole from a pipe)",
          arguments: [false, true])
    func lineEndingsAndByteOrderMark(throughPipe: Bool) throws {
        let dir = try scratchDirectory()
        try Data(Self.mixed).write(to: dir.appendingPathComponent("mixed.csv"))
        try dir.write("m.csv", Self.mixedMargins)
        var input = "mixed.csv"
        if throughPipe {
            input = dir.appendingPathComponent("in.pipe").path
            #expect(mkfifo(input, 0o644) == 0)
            let path = input
            Thread {
                if let h = FileHandle(forWritingAtPath: path) { h.write(Data(Self.mixed)); try? h.close() }
            }.start()
        }
        let r = try CLI.run(["calibrate", input, "--margins", "m.csv", "--method", "poststratify", "-o", "o.csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Array(try Data(contentsOf: dir.appendingPathComponent("o.csv"))) == Self.mixedExpected)
    }

    @Test("estimate --write-replicates keeps each line's ending and the byte-order mark")
    func replicatesByteForByte() throws {
        let dir = try scratchDirectory()
        try Data(Self.mixed).write(to: dir.appendingPathComponent("mixed.csv"))
        let r = try CLI.run(["estimate", "mixed.csv", "--variables", "region", "--variance", "jk1", "-o", "e.csv",
                             "--write-replicates", "reps.csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let out = Array(try Data(contentsOf: dir.appendingPathComponent("reps.csv")))
        #expect(Array(out.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: out.dropFirst(3), as: UTF8.self)
        // Line endings as in the input: CRLF after the header, records 2 and 4; none after the last.
        let endings = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { $0.last == 0x0D }
        #expect(endings == [true, false, true, false, true, false, false])
        #expect(!text.hasSuffix("\n"))
    }
}

/// Bytes handed over from a reader thread.
final class ReceivedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func get() -> Data? { lock.lock(); defer { lock.unlock() }; return data }
}
