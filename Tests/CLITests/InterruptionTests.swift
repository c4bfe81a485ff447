import Foundation
import Testing

/// Killing weight-cli while it writes a large output leaves the previous output intact (or none), never a
/// truncated file; after SIGTERM no temporary file is left either.
@Suite("Interrupted runs", .serialized)
struct InterruptionTests {
    /// 500,000 rows (about 12 MB), made once.
    static let big: Data = {
        var bytes: [UInt8] = Array("id,region,taille,score\n".utf8)
        bytes.reserveCapacity(32_000_000)
        let regions = ["Nord", "Sud", "Est"].map { Array($0.utf8) }
        for i in 0..<500_000 {
            bytes += Array(String(i).utf8); bytes.append(44)
            bytes += regions[i % 3]; bytes.append(44)
            bytes += Array((i % 7 == 0 ? "grande" : "petite").utf8); bytes.append(44)
            bytes += Array(String(i % 97).utf8); bytes += [46, 53, 10]
        }
        return Data(bytes)
    }()

    static func bigFile(_ dir: URL) throws {
        try Self.big.write(to: dir.appendingPathComponent("big.csv"))
        try dir.write("m.csv", "variable,level,target\nregion,Nord,4000000\nregion,Sud,3500000\nregion,Est,2500000\ntaille,petite,7000000\ntaille,grande,3000000\n")
    }

    /// `seconds` < 0: wait until the temporary output file appears (the run is writing), then signal.
    @Test("SIGTERM or SIGKILL while reading or while writing leaves the previous output", arguments: [(SIGTERM, 0.3), (SIGTERM, -1.0), (SIGKILL, 0.3), (SIGKILL, -1.0)] as [(Int32, Double)])
    func interrupt(signal: Int32, after seconds: Double) throws {
        let dir = try scratchDirectory()
        try Self.bigFile(dir)
        try dir.write("out.csv", "previous output\n")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["calibrate", "big.csv", "--margins", "m.csv", "--output", "out.csv", "--report", "r.json"]
        p.currentDirectoryURL = dir
        p.standardError = FileHandle.nullDevice
        if seconds < 0 {
            var env = ProcessInfo.processInfo.environment
            env["WEIGHTING_TEST_WRITE_DELAY"] = "5"  // the temporary file stays there, complete, for 5 s before the rename
            p.environment = env
        }
        try p.run()
        if seconds >= 0 {
            Thread.sleep(forTimeInterval: seconds)
            kill(p.processIdentifier, signal)
        } else {
            // Signal as soon as the temporary output exists: the process holds it (complete) before the rename.
            let deadline = Date().addingTimeInterval(60)
            while p.isRunning && Date() < deadline {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
                if names.contains(where: { $0.hasPrefix(".out.csv.tmp-") }) { break }
                usleep(1000)
            }
            kill(p.processIdentifier, signal)
        }
        p.waitUntilExit()
        if seconds < 0 {
            #expect(!(p.terminationReason == .exit && p.terminationStatus == 0), "the run finished before it could be interrupted while writing")
        }
        let out = try dir.read("out.csv")
        if p.terminationReason == .exit && p.terminationStatus == 0 {
            // The run finished before the signal: the new output must be complete.
            #expect(out.hasPrefix("id,region,taille,score,weight\n"))
            #expect(out.split(separator: "\n").count == 500_001)
        } else {
            #expect(out == "previous output\n", "signal \(signal) after \(seconds) s left a modified output")
            if signal == SIGTERM {
                let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
                #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
            }
        }
    }
}
