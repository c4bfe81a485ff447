import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
import WeightingTestSupport

/// A streamed table's subsets and the streamed copy of chosen records (`attrition`'s longitudinal file), against
/// the whole-file path: a subset converting every column at once, and the chosen records' bytes laid out as a
/// file and written by `WeightedFileWriter`.
@Suite("streamed subsets and chosen-record copies")
struct StreamedSubsetTests {
    /// Quoted fields (a delimiter, a line break, doubled quotes), a numeric column, a column numeric in its
    /// first records and text later, missing values, a last line without ending.
    static let text: String = {
        var s = "id,region,score,late,note\n"
        for i in 0..<40 {
            let note = i % 9 == 0 ? "\"deux\nlignes, \"\"citées\"\"\"" : (i % 5 == 0 ? "\"a,b\"" : "rien")
            let score = i % 7 == 0 ? "NA" : String(Double(i % 6) + 0.5)
            s += "\(i),\(["Nord", "Sud", "Est"][i % 3]),\(score),\(i < 30 ? String(i % 4) : "x\(i)"),\(note)\n"
        }
        s.removeLast()
        return s
    }()

    /// The file with every line ending replaced, and with or without a byte-order mark.
    static let variants: [(name: String, bytes: [UInt8])] = [
        ("LF", Array(text.utf8)),
        ("CRLF", Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)),
        ("BOM CRLF", CSVBuffer.byteOrderMark + Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)),
        ("CR", Array(text.replacingOccurrences(of: "\n", with: "\r").utf8)),
        ("CR, ending", Array((text + "\n").replacingOccurrences(of: "\n", with: "\r").utf8)),
        ("mixed", Array(mixedEndings(text).utf8)),
    ]

    /// The text with line feeds, CR LF and lone carriage returns in turn.
    static func mixedEndings(_ text: String) -> String {
        var out = "", k = 0
        for c in text {
            guard c == "\n" else { out.append(c); continue }
            out += ["\n", "\r\n", "\r"][k % 3]
            k += 1
        }
        return out
    }

    static func plan() -> [StreamedColumnPlan] {
        [.init(name: "region", kind: .categorical), .init(name: "score", kind: .numericAndCategorical)]
    }

    /// The output of the whole-file path: the header and the chosen records laid out as a file (each record with
    /// its own ending, the header's after a record without a line feed that others follow), read back and
    /// written with the columns appended.
    static func expected(_ path: String, rows: [Int], columns: [(name: String, values: [Double])]) throws -> [UInt8] {
        let buffer = try CSVBuffer(contentsOf: path)
        var bytes = buffer.rawHeaderBytesWithLineEnding
        for r in rows {
            var record = buffer.rawRecordBytesWithLineEnding(r)
            if record.last != 0x0A && r != rows.last { record += Array(buffer.lineEnding.utf8) }
            bytes += record
        }
        return try WeightedFileWriter(buffer: CSVBuffer(bytes: bytes, file: path)).render(columns: columns)
    }

    static func streamedCopy(_ table: Table, rows: [Int], columns: [(name: String, values: [Double])],
                             chunkSize: Int) throws -> [UInt8] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("subset-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        try FileIO.writeAtomically(to: out, inputs: []) { sink in
            try StreamingRecordSubsetWriter(table: table, rows: rows, chunkSize: chunkSize).write(columns: columns, into: &sink)
        }
        return Array(try Data(contentsOf: URL(fileURLWithPath: out)))
    }

    @Test("the chosen records are copied byte for byte as by the whole-file path, in any order",
          arguments: [1, 17, 64, 1 << 20])
    func chosenRecords(chunkSize: Int) throws {
        for variant in Self.variants {
            let path = try temporaryFile(bytes: variant.bytes, name: "subset.csv")
            let table = try Table(streamingColumns: path, plan: Self.plan(), chunkSize: chunkSize, memoryBudget: 0)
            let n = table.rowCount
            for rows in [Array(0..<n), [0, 3, 9, 18, n - 1], [1, 2], [n - 1, 0, 9, 4], [5, 5, n - 1, 2], [n - 1]] {
                let columns = [("weight", rows.map { 1.25 + Double($0) / 3 }), ("rep_1", rows.map { Double($0) })]
                let got = try Self.streamedCopy(table, rows: rows, columns: columns, chunkSize: chunkSize)
                #expect(got == (try Self.expected(path, rows: rows, columns: columns)), "\(variant.name) rows \(rows)")
            }
        }
    }

    @Test("a value that is not finite is refused with the record and line the whole-file path names")
    func nonFinite() throws {
        for variant in Self.variants {
            let path = try temporaryFile(bytes: variant.bytes, name: "bad.csv")
            let table = try Table(streamingColumns: path, plan: Self.plan(), chunkSize: 64)
            let rows = [1, 9, 10, 27, 36]
            let columns = [("weight", [1, 2, 3, .infinity, 5]), ("rep_1", [.nan, 1, 1, 1, 1])]
            let whole = errorText { _ = try Self.expected(path, rows: rows, columns: columns) }
            let streamed = errorText { _ = try Self.streamedCopy(table, rows: rows, columns: columns, chunkSize: 64) }
            #expect(whole.contains("weight of record 4 (line"), "\(whole)")
            #expect(streamed == whole, "\(variant.name)")
            let duplicate = [("score", rows.map(Double.init))]
            #expect(errorText { _ = try Self.streamedCopy(table, rows: rows, columns: duplicate, chunkSize: 64) }
                        == errorText { _ = try Self.expected(path, rows: rows, columns: duplicate) })
        }
    }

    @Test("a subset of a streamed table has the levels, numbers and errors of a subset of the file read whole",
          arguments: [1, 64, 1 << 20])
    func lazySubset(chunkSize: Int) throws {
        for variant in Self.variants {
            let path = try temporaryFile(bytes: variant.bytes, name: "lazy.csv")
            let whole = try Table(contentsOf: path)
            let streamed = try Table(streamingColumns: path, plan: Self.plan(), chunkSize: chunkSize, memoryBudget: 0)
            let rows = [38, 2, 5, 31, 7, 14, 2, 36]
            let a = try whole.subset(rows), b = try streamed.subset(rows)
            let a2 = try a.subset([7, 1, 3, 0]), b2 = try b.subset([7, 1, 3, 0])
            for (x, y) in [(a, b), (a2, b2)] {
                #expect(y.names == x.names && y.rowCount == x.rowCount && y.sourceRows == x.sourceRows)
                for name in x.names {
                    #expect(try y.categorical(name) == x.categorical(name), "\(variant.name) \(name)")
                    let n1 = Result { try x.numeric(name) }, n2 = Result { try y.numeric(name) }
                    switch (n1, n2) {
                    case (.success(let u), .success(let v)): #expect(u.values.elementsEqual(v.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
                    case (.failure(let u), .failure(let v)): #expect("\(u)" == "\(v)", "\(variant.name) \(name)")
                    default: Issue.record("\(variant.name) \(name): \(n1) against \(n2)")
                    }
                }
                for row in 0..<x.rowCount {
                    #expect(y.line(ofRow: row) == x.line(ofRow: row))
                    #expect(y.location(row: row, column: 2) == x.location(row: row, column: 2))
                }
            }
            // Only the columns asked for were read: the two subsets asked for every column, one pass each
            // for the three columns outside the plan.
            #expect(streamed.streamedPasses == 1 + 3)
        }
    }

    @Test("a subset of a decimal-comma file reads its numbers with the comma, read whole or streamed")
    func decimalCommaSubset() throws {
        let path = try temporaryFile(bytes: Array("id;w;vague\n1;1,5;1\n2;2,25;2\n3;NA;1\n".utf8), name: "comma.csv")
        let dialect = CSVDialect(decimalComma: true)
        let whole = try Table(contentsOf: path, dialect: dialect)
        let streamed = try Table(streamingColumns: path, dialect: dialect,
                                 plan: [StreamedColumnPlan(name: "id", kind: .categorical),
                                        StreamedColumnPlan(name: "vague", kind: .categorical)],
                                 chunkSize: 8, memoryBudget: 0)
        for table in [whole, streamed] {
            let first = try table.subset([0, 2]), second = try table.subset([1])
            #expect(try first.numeric("w").values[0] == 1.5 && first.numeric("w").values[1].isNaN)
            #expect(try second.numeric("w").values == [2.25])
            #expect(try second.subset([0]).numeric("w").values == [2.25])
        }
    }
}
