import Foundation
import WeightingTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Batch tasks that would overwrite each other's outputs or inputs are refused at validation, naming both; an
/// interrupted batch stops its children and their temporary files before it exits (issue 11, item 4).
@Suite("Batch collisions and signals", .serialized)
struct BatchCollisionTests {
    static func setUp() throws -> URL {
        let dir = try scratchDirectory()
        try dir.write("a.csv", BatchCommandTests.data(rows: 60, seed: 1))
        try dir.write("b.csv", BatchCommandTests.data(rows: 60, seed: 2))
        try dir.write("m.csv", BatchCommandTests.margins)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
        return dir
    }

    @Test("collisions are refused before anything runs, with or without --dry-run, naming both tasks", arguments: [
        // Two tasks of one job with a template that does not depend on the file.
        ("jobs:\n  - name: w\n    command: calibrate\n    inputs: [a.csv, b.csv]\n    output: out/all.csv\n    options: {margins: m.csv}\n",
         "job 'w' on a.csv and job 'w' on b.csv both write out/all.csv"),
        // Two jobs, one file spelled differently.
        ("jobs:\n  - name: w\n    command: calibrate\n    inputs: [a.csv]\n    output: out/{stem}.csv\n    options: {margins: m.csv}\n  - name: e\n    command: estimate\n    inputs: [b.csv]\n    output: ./out/../out/a.csv\n    options: {variables: oui}\n",
         "job 'w' on a.csv and job 'e' on b.csv both write out/a.csv (./out/../out/a.csv)"),
        // A report of one job is the output of another.
        ("jobs:\n  - name: w\n    command: calibrate\n    inputs: [a.csv]\n    output: out/w.csv\n    options: {margins: m.csv, report: out/x.json}\n  - name: e\n    command: estimate\n    inputs: [b.csv]\n    output: out/x.json\n    options: {variables: oui, format: json}\n",
         "job 'w' on a.csv and job 'e' on b.csv both write out/x.json"),
        // One task's output is another's input (the margins).
        ("jobs:\n  - name: w\n    command: calibrate\n    inputs: [a.csv]\n    output: out/m2.csv\n    options: {margins: m.csv}\n  - name: c\n    command: compare\n    inputs: [b.csv]\n    output: out/c.md\n    options: {variables: oui, margins: out/m2.csv}\n",
         "job 'w' on a.csv writes out/m2.csv, which job 'c' on b.csv reads"),
        // A task writes its own input through a hard link (made by the test: in/hard.csv is a.csv).
        ("jobs:\n  - name: w\n    command: calibrate\n    inputs: [a.csv]\n    output: hard.csv\n    options: {margins: m.csv}\n",
         "job 'w' on a.csv writes hard.csv, which job 'w' on a.csv reads (as a.csv)"),
        // An attrition job's output folder holds a file another job writes.
        ("jobs:\n  - name: p\n    command: attrition\n    output: out\n    options: {wave1: a.csv, wave: b.csv, id: id, covariates: region, margins: m.csv}\n  - name: w\n    command: calibrate\n    inputs: [a.csv]\n    output: out/longitudinal.csv\n    options: {margins: m.csv}\n",
         "job 'p' and job 'w' on a.csv both write out/longitudinal.csv"),
        // A task would overwrite the batch file itself.
        ("jobs:\n  - name: w\n    command: compare\n    inputs: [a.csv]\n    output: jobs.yaml\n    options: {variables: oui, margins: m.csv}\n",
         "job 'w' on a.csv writes jobs.yaml, which is this batch file"),
    ])
    func collisions(yaml: String, message: String) throws {
        for dryRun in [true, false] {
            let dir = try Self.setUp()
            #expect(link(dir.appendingPathComponent("a.csv").path, dir.appendingPathComponent("hard.csv").path) == 0)
            try dir.write("jobs.yaml", yaml)
            let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            let r = try CLI.run(["batch", "jobs.yaml"] + (dryRun ? ["--dry-run"] : []), in: dir)
            #expect(r.status == 1, "\(r.stderr)")
            #expect(r.stderr.contains("jobs.yaml: \(message)"), "\(r.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == before)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out").path).isEmpty)
            #expect(try dir.read("a.csv") == BatchCommandTests.data(rows: 60, seed: 1))
        }
    }

    @Test("distinct outputs, and a device shared by several tasks, are accepted")
    func noCollision() throws {
        let dir = try Self.setUp()
        // A null device of the test's own (never the system's /dev/null, which a regression would replace).
        let null = try #require(OutputPathTests.device(dir, "null", minor: 3), "cannot make a device node (not root?)")
        try dir.write("jobs.yaml", "jobs:\n  - name: w\n    command: calibrate\n    inputs: [a.csv, b.csv]\n    output: out/{stem}.csv\n    options: {margins: m.csv}\n  - name: e\n    command: estimate\n    inputs: [a.csv, b.csv]\n    output: \(null)\n    options: {variables: oui}\n")
        let r = try CLI.run(["batch", "jobs.yaml", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(dir.exists("out/a.csv") && dir.exists("out/b.csv"))
        #expect(OutputPathTests.fileType(null) == S_IFCHR)
    }

    @Test("SIGTERM or SIGINT to batch stops its children: previous outputs kept, no temporary, nothing written after it exits",
          arguments: [SIGTERM, SIGINT])
    func interrupted(signal: Int32) throws {
        let (dir, p, temporaries) = try Self.batchHoldingTemporaries(["a", "b", "c"], delay: 4)
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 128 + signal)
        #expect(temporaries().isEmpty, "temporary files left: \(temporaries())")
        for name in ["a", "b", "c"] { #expect(try dir.read("out/\(name).csv") == "previous\n") }
        // Children that outlived the batch would rename their temporaries after the delay: wait longer than it.
        Thread.sleep(forTimeInterval: 5)
        #expect(temporaries().isEmpty)
        for name in ["a", "b", "c"] { #expect(try dir.read("out/\(name).csv") == "previous\n", "\(name) written after batch exited") }
    }

    @Test("SIGKILL to batch (which it cannot forward) still stops its children: they remove their temporaries and write nothing")
    func killedBatchLeavesNoOrphans() throws {
        let (dir, p, temporaries) = try Self.batchHoldingTemporaries(["a", "b"], delay: 6)
        #expect(!temporaries().isEmpty, "no child reached its temporary file")
        // The children, found before the kill: processes whose parent is the batch.
        let batch = p.processIdentifier
        let children = Self.children(of: batch)
        #expect(!children.isEmpty)
        kill(batch, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGKILL)
        // Well before the 6 s delay ends, every child must be gone with its temporaries.
        let gone = Date().addingTimeInterval(3)
        while Date() < gone && children.contains(where: { kill($0, 0) == 0 && !Self.isZombie($0) }) { usleep(10_000) }
        #expect(!children.contains(where: { kill($0, 0) == 0 && !Self.isZombie($0) }), "children outlived the killed batch: \(children)")
        #expect(temporaries().isEmpty, "temporary files left: \(temporaries())")
        Thread.sleep(forTimeInterval: 5)  // past the delay: an orphan would have renamed its output by now
        for name in ["a", "b"] { #expect(try dir.read("out/\(name).csv") == "previous\n", "\(name) written after batch was killed") }
    }

    /// Starts `batch --jobs 2` calibrating `in/NAME.csv` to `out/NAME.csv` (each holding "previous"), every child
    /// holding its complete temporary file `delay` seconds before the rename, and returns once a temporary exists
    /// (or the batch ended): the folder, the running batch, and a listing of the temporaries in `out/`.
    static func batchHoldingTemporaries(_ names: [String], delay: Int) throws -> (URL, Process, () -> [String]) {
        let dir = try scratchDirectory()
        try dir.write("m.csv", BatchCommandTests.margins)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("in"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
        for (k, name) in names.enumerated() {
            try dir.write("in/\(name).csv", BatchCommandTests.data(rows: 2000, seed: k + 1))
            try dir.write("out/\(name).csv", "previous\n")
        }
        try dir.write("jobs.yaml", "jobs:\n  - name: w\n    command: calibrate\n    inputs: [\"in/*.csv\"]\n    output: out/{stem}.csv\n    options: {margins: m.csv}\n")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["batch", "jobs.yaml", "--jobs", "2", "--quiet"]
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        var env = ProcessInfo.processInfo.environment
        env["WEIGHTING_TEST_WRITE_DELAY"] = String(delay)
        p.environment = env
        try p.run()
        let out = dir.appendingPathComponent("out")
        func temporaries() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).filter { $0.contains(".tmp-") }
        }
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && temporaries().isEmpty && Date() < deadline { usleep(2000) }
        return (dir, p, temporaries)
    }

    /// Process ids whose parent is `pid` (from /proc).
    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { child in
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }
    }

    /// Whether `pid` has exited and waits to be reaped (its parent was killed: it is reparented and reaped soon).
    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
    }
}
