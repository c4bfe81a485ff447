import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// The chunked, two-pass reading used by `weight-cli calibrate` must see exactly what reading the whole file
/// at once sees: same records, same levels, same lines in messages, same output bytes, whatever the chunk size.
@Suite("Streamed reading in chunks")
struct StreamingReaderTests {
    static let awkward: String = {
        // Quoted fields with delimiters, doubled quotes and line breaks; blank lines; spaces around levels;
        // missing tokens; a BOM and CRLF line endings are tried separately.
        var s = "id,region,note,score,d\n"
        let regions = ["Occitanie", " Bretagne ", "\"Provence-Alpes-Côte d'Azur\"", "NA", "", "\"Hauts, de France\""]
        for i in 0..<120 {
            let note = i % 7 == 0 ? "\"two\nlines, \"\"quoted\"\"\"" : "n\(i)"
            let score = i % 11 == 0 ? "NA" : String(Double(i) * 0.75)
            s += "\(i),\(regions[i % regions.count]),\(note),\(score),\(1 + i % 3)\n"
            if i % 29 == 0 { s += "\n" }
        }
        return s
    }()

    func write(_ text: [UInt8], _ name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try Data(text).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("chunks of any size give the records, levels, values and lines of the whole-file reader",
          arguments: [1, 7, 64, 1000, 1 << 20])
    func sameAsWholeFile(chunkSize: Int) throws {
        for variant in [Array(Self.awkward.utf8),
                        [0xEF, 0xBB, 0xBF] + Array(Self.awkward.replacingOccurrences(of: "\n", with: "\r\n").utf8)] {
            let path = try write(variant, "a.csv")
            let whole = try Table(contentsOf: path)
            let streamed = try Table(streaming: path, categorical: ["region"], numeric: ["score", "d"], chunkSize: chunkSize)
            #expect(streamed.rowCount == whole.rowCount)
            #expect(try streamed.categorical("region") == whole.categorical("region"))
            #expect(try streamed.numeric("score") == whole.numeric("score"))
            #expect(try streamed.numeric("d") == whole.numeric("d"))
            for row in [0, 1, 7, 50, whole.rowCount - 1] {
                #expect(streamed.line(ofRow: row) == whole.line(ofRow: row))
                #expect(streamed.location(row: row, column: 1) == whole.location(row: row, column: try whole.index(of: "score")))
            }
        }
    }

    @Test("the streamed copy with a weight column is byte for byte the whole-file writer's", arguments: [3, 100, 1 << 20])
    func sameOutputBytes(chunkSize: Int) throws {
        for variant in [Array(Self.awkward.utf8), Array(Self.awkward.replacingOccurrences(of: "\n", with: "\r\n").utf8)] {
            let path = try write(variant, "b.csv")
            let buffer = try CSVBuffer(contentsOf: path)
            let weights = (0..<buffer.rowCount).map { 1.5 + Double($0) / 7 }
            let expected = try WeightedFileWriter(buffer: buffer).render(columns: [("weight", weights)])
            let table = try Table(streaming: path, categorical: ["region"], numeric: [], chunkSize: chunkSize)
            let out = path + ".out"
            try StreamingWeightedFileWriter(table: table, chunkSize: chunkSize).write(columns: [("weight", weights)], to: out)
            #expect(try Array(Data(contentsOf: URL(fileURLWithPath: out))) == expected)
        }
    }

    /// The input on which the chunked-against-whole fuzz target stopped ("written bytes differ (chunk 11)",
    /// Tests/Fuzz/logs/2026-12-01T2259Z-stream.log): blank lines, runs of lone carriage returns, NUL and control
    /// bytes. Either both readers refuse it, or the streamed copy is the whole-file writer's byte for byte.
    @Test("the fuzz input with runs of lone CRs is copied as by the whole-file writer", arguments: [1, 11, 64, 1 << 16])
    func fuzzLoneCarriageReturns(chunkSize: Int) throws {
        let input = Array(Data(base64Encoded: "CgoNDQ0NDQ0NDQEoDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQAAAAACAAAAU3Vic3RyaW5nAAAAAAAAAAAADQ0NDQ0NDQ0NASgNDWksNS41LDIsQiwyNAo1MCw=")!)
        let path = try write(input, "fuzz.csv")
        for dialect in [CSVDialect(), CSVDialect(delimiter: UInt8(ascii: ";"), decimalComma: true)] {
            guard let whole = try? Table(contentsOf: path, dialect: dialect) else {
                #expect(throws: (any Error).self) {
                    _ = try Table(streaming: path, dialect: dialect, categorical: [], numeric: [], chunkSize: chunkSize)
                }
                continue
            }
            let names = whole.names
            let streamed = try Table(streaming: path, dialect: dialect, categorical: Array(names.dropLast()),
                                     numeric: [], chunkSize: chunkSize)
            #expect(streamed.rowCount == whole.rowCount)
            let weights = (0..<whole.rowCount).map { Double($0) + 0.25 }
            let expected = try WeightedFileWriter(buffer: whole.buffer!, decimalComma: dialect.decimalComma)
                .render(columns: [("w\u{1}", weights)])
            let out = path + ".out"
            try StreamingWeightedFileWriter(table: streamed, decimalComma: dialect.decimalComma, chunkSize: chunkSize)
                .write(columns: [("w\u{1}", weights)], to: out)
            #expect(try Array(Data(contentsOf: URL(fileURLWithPath: out))) == expected, "chunk \(chunkSize)")
        }
    }

    @Test("errors name the same file, line and column as the whole-file reader", arguments: [
        "id,r,x\n1,a,2\n2,\"b\nc\",3\n3,c,oops\n",          // not a number after a multi-line field
        "id,r,x\n1,a,2\n2,b\n",                           // ragged row
        "id,r,x\n1,a,2\n2,\"b,3\n3,c,4\n",                // unterminated quote
        "id,r,x\n1,a,2\n2,b\"c,3\n",                      // stray quote
        "id,r,x\n1,a,2\n\n\n2,b,\u{FFFD}x\n",             // fine, then check line counting over blank lines
        "id,r,x\n",                                        // header only
        "\n\n",                                            // empty
    ])
    func sameErrors(text: String) throws {
        let path = try write(Array(text.utf8), "e.csv")
        let wholeMessage = errorText { _ = try Table(contentsOf: path).numeric("x") }
        for chunkSize in [1, 5, 1 << 20] {
            let streamedMessage = errorText { _ = try Table(streaming: path, categorical: ["r"], numeric: ["x"], chunkSize: chunkSize) }
            #expect(streamedMessage == wholeMessage, "chunk size \(chunkSize)")
        }
    }

    @Test("invalid UTF-8 is located on the same line as by the whole-file reader")
    func invalidUTF8Line() throws {
        var bytes = Array("id,r,x\n1,a,2\n2,\"b\nb\",3\n".utf8)
        bytes += [0x33, 0x2C, 0xC3, 0x28, 0x2C, 0x34, 0x0A]
        let path = try write(bytes, "u.csv")
        let wholeMessage = errorText { _ = try Table(contentsOf: path) }
        #expect(wholeMessage.contains("u.csv:5:3"))
        for chunkSize in [1, 4, 1 << 20] {
            #expect(errorText { _ = try Table(streaming: path, categorical: ["r"], numeric: [], chunkSize: chunkSize) } == wholeMessage)
        }
    }

    @Test("UTF-16 is recognised on the file's first KiB whatever the chunk size (a fuzz input)")
    func utf16OnTheFileStart() throws {
        // NUL bytes at 2 of the 3 even positions of the file's first 6 bytes: the whole file is refused as UTF-16;
        // its first chunk of 4 bytes (one record) alone is not, and the stream used to accept the file.
        let refused = try write([0, 37, 58, 10, 0, 10, 10], "utf16.csv")
        let wholeMessage = errorText { _ = try Table(contentsOf: refused) }
        #expect(wholeMessage.contains("UTF-16"))
        // A first record that looks like UTF-16 on its own, in a file that is plain UTF-8 over its first KiB.
        var bytes: [UInt8] = [0x61, 0, 0x62, 0x0A]
        for i in 0..<300 { bytes += Array("\(i % 10)\n".utf8) }
        let accepted = try write(bytes, "utf8.csv")
        let whole = try Table(contentsOf: accepted)
        for chunkSize in [1, 4, 64, 1 << 20] {
            #expect(errorText { _ = try Table(streaming: refused, categorical: [], numeric: [], chunkSize: chunkSize) } == wholeMessage)
            let streamed = try Table(streaming: accepted, categorical: whole.names, numeric: [], chunkSize: chunkSize)
            #expect(streamed.rowCount == whole.rowCount && streamed.rowCount == 300)
            let columns = try Table(streamingColumns: accepted, plan: [StreamedColumnPlan(name: whole.names[0], kind: .categorical)],
                                    chunkSize: chunkSize)
            #expect(try columns.categorical(whole.names[0]) == whole.categorical(whole.names[0]))
        }
    }

    @Test("an unknown column lists the file's columns")
    func unknownColumn() throws {
        let path = try write(Array("id,r,x\n1,a,2\n".utf8), "k.csv")
        let message = errorText { _ = try Table(streaming: path, categorical: ["region"], numeric: []) }
        #expect(message.contains("region"))
        #expect(message.contains("id, r, x"))
    }

    @Test("a file modified between the two readings is refused and nothing is written")
    func changedBetweenPasses() throws {
        let path = try write(Array("id,r\n1,a\n2,b\n".utf8), "c.csv")
        let table = try Table(streaming: path, categorical: ["r"], numeric: [])
        Thread.sleep(forTimeInterval: 0.01)
        try Data("id,r\n1,a\n2,b\n3,c\n".utf8).write(to: URL(fileURLWithPath: path))
        let out = path + ".out"
        let message = errorText { try StreamingWeightedFileWriter(table: table).write(columns: [("w", [1, 2])], to: out) }
        #expect(message.contains("changed while it was being weighted"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
