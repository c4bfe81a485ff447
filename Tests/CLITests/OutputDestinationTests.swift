import Foundation
import Testing
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation
import WeightingTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How output paths are classified, checked without writing anything (so that a regression cannot replace
/// the system's `/dev/null`, `/dev/full` or `/dev/stdout`).
@Suite("Output destinations")
struct OutputDestinationTests {
    @Test("system devices and standard output are written in place, never through a temporary file", arguments: [
        ("/dev/null", OutputDestination.Kind.device), ("/dev/full", .device), ("/dev/zero", .device),
        ("/dev/stdout", .descriptor(1)), ("/dev/stderr", .descriptor(2)), ("/dev/fd/1", .descriptor(1)),
        ("/proc/self/fd/2", .descriptor(2)), ("/dev/../dev/stdout", .descriptor(1)),
    ] as [(String, OutputDestination.Kind)])
    func direct(path: String, kind: OutputDestination.Kind) throws {
        let d = try OutputDestination.resolve(path)
        #expect(d.kind == kind)
        #expect(d.isDirect)
    }

    @Test("a link to /dev/stdout is standard output; a link to a file is replaced at its target")
    func links() throws {
        let dir = try scratchDirectory()
        #expect(symlink("/dev/stdout", dir.appendingPathComponent("so").path) == 0)
        #expect(try OutputDestination.resolve(dir.appendingPathComponent("so").path).kind == .descriptor(1))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("t"), withIntermediateDirectories: true)
        try dir.write("t/f.csv", "x\n")
        #expect(symlink("t/f.csv", dir.appendingPathComponent("l.csv").path) == 0)
        let d = try OutputDestination.resolve(dir.appendingPathComponent("l.csv").path)
        #expect(d.kind == .existingFile)
        #expect(d.path == dir.appendingPathComponent("./t/f.csv").path || d.path.hasSuffix("/t/f.csv"))
    }

    @Test("identities: hard links and '..' are the same file; a missing folder is refused unless it is to be created")
    func identities() throws {
        let dir = try scratchDirectory()
        try dir.write("a.csv", "x\n")
        #expect(link(dir.appendingPathComponent("a.csv").path, dir.appendingPathComponent("b.csv").path) == 0)
        #expect(FileKey.output(dir.appendingPathComponent("b.csv").path) == FileKey.input(dir.appendingPathComponent("a.csv").path))
        #expect(FileKey.output(dir.path + "/x/../new.csv") == FileKey.output(dir.path + "/new.csv"))
        #expect(throws: DataError.self) { try OutputDestination.resolve(dir.path + "/missing/o.csv") }
        #expect(try OutputDestination.resolve(dir.path + "/missing/o.csv", createFolders: true).kind == .newFile)
        #expect(throws: OutputPathError.self) {
            try OutputPlan(outputs: [dir.path + "/b.csv"], inputs: [dir.path + "/a.csv"])
        }
    }
}
