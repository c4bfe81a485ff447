import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
import WeightingTestSupport

@Suite("Writing formatted chunks on a thread of their own")
struct BackgroundChunkWriterTests {
    @Test("runs handed over are written in order, whole, whatever their sizes and the number waiting")
    func writesRunsInOrder() throws {
        var rng = SplitMix64(seed: 41)
        for limit in [1, 2, 5] {
            let path = try scratchDirectory().appendingPathComponent("out.csv").path
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            #expect(fd >= 0)
            var expected: [UInt8] = []
            let writer = BackgroundChunkWriter(sink: ByteSink(fd: fd, path: path), limit: limit)
            for k in 0..<40 {
                // Empty runs, runs under and over the 1 MiB pieces of a write.
                let size = [0, 1, 1000, (1 << 20) - 1, 1 << 20, 3 << 20][Int.random(in: 0..<6, using: &rng)]
                let run = (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ k) }
                expected += run
                writer.enqueue(run)
            }
            var sink = writer.finish()
            try sink.flush()
            close(fd)
            let written = try FileIO.readAll(path)
            #expect(written.count == expected.count && written == expected, "limit \(limit)")
        }
    }

    @Test("a failed write is kept in the sink given back, names the file, and does not block later runs")
    func keepsTheFirstFailure() throws {
        let fd = open("/dev/full", O_WRONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let writer = BackgroundChunkWriter(sink: ByteSink(fd: fd, path: "full.csv"), limit: 1)
        for _ in 0..<20 { writer.enqueue([UInt8](repeating: 0x41, count: 4096)) }
        let sink = writer.finish()
        let failure = try #require(sink.failure)
        #expect("\(failure)".contains("full.csv"))
    }
}
