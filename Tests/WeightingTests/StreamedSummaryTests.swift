import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
import WeightingTestSupport

/// The level table kept across chunks (``CSVLevelEncoder``) and the streamed column summaries of `inspect`
/// (``CSVColumnSummaries``) must see what the whole-file reader sees, whatever the chunk size.
@Suite("Level tables across chunks and streamed summaries")
struct StreamedSummaryTests {
    /// Many distinct levels, spelled quoted and unquoted, with spaces, missing tokens and a quoted empty field;
    /// a column numeric until its last records; a column with 0 before -0; 3,000 records, so that a chunk holds
    /// several of the blocks of 1,024 records `inspect` summarises at a time (missing values and the extremes of
    /// `low` fall in later blocks).
    static let text: String = {
        var s = "id,code,late,zero,y,low\n"
        for i in 0..<3000 {
            let k = (i * 37) % 150
            let code: String
            switch i % 9 {
            case 0: code = "\"K\(k)\""
            case 1: code = " K\(k) "
            case 2: code = "NA"
            case 3: code = ""
            case 4: code = "\"\""
            default: code = "K\(k)"
            }
            let late = i < 2990 ? String(i) : "x\(i % 3)"
            let zero = i == 5 ? "-0" : (i == 9 ? "0" : String(i % 4))
            let y = i % 13 == 0 ? "NaN" : String(Double(i) / 8)
            let low = i == 2500 ? "-7.5" : i == 2900 ? "99.25" : i % 700 == 0 ? "" : String(i % 50)
            s += "\(i),\(code),\(late),\(zero),\(y),\(low)\n"
        }
        return s
    }()

    func write(_ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("s.csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("a column of many levels read in chunks has the codes and levels of the whole file",
          arguments: [1, 50, 333, 4096, 1 << 20])
    func levelsAcrossChunks(chunkSize: Int) throws {
        let path = try write(Self.text)
        let whole = try Table(contentsOf: path)
        let streamed = try Table(streaming: path, categorical: ["code", "late"], numeric: ["y"], chunkSize: chunkSize)
        let code = try streamed.categorical("code")
        #expect(code == (try whole.categorical("code")))
        #expect(try streamed.categorical("late") == whole.categorical("late"))
        // Quoted and unquoted spellings are one level; NA, empty and "" are missing: 150 distinct codes at most.
        #expect(code.levels.count <= 150)
        #expect(!code.levels.contains("NA") && !code.levels.contains(""))
        #expect(code.levels.first == "K0")
    }

    @Test("the hash of a level's bytes depends on every byte, whatever its length")
    func hashUsesEveryByte() {
        for length in 1...20 {
            let a = [UInt8](repeating: 0x41, count: length)
            for position in 0..<length {
                var b = a
                b[position] = 0x42
                let ha = a.withUnsafeBytes { CSVLevelEncoder.hash($0.baseAddress!, length) }
                let hb = b.withUnsafeBytes { CSVLevelEncoder.hash($0.baseAddress!, length) }
                #expect(ha != hb, "length \(length), byte \(position)")
            }
        }
    }

    @Test("a level of 1 to 7 bytes read as one word gets the hash and word of the byte-by-byte key")
    func shortKeyIsTheKey() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            // Bytes after the level differ from zero, so a mask that keeps one too many changes the word.
            let bytes = (0..<16).map { _ in UInt8.random(in: 1...255, using: &rng) }
            for count in 1...7 {
                bytes.withUnsafeBytes { raw in
                    let long = CSVLevelEncoder.key(raw.baseAddress!, count)
                    let short = CSVLevelEncoder.shortKey(raw.baseAddress!, count)
                    #expect(short.hash == long.hash && short.word == long.word, "\(count) bytes")
                }
            }
        }
    }

    @Test("streamed summaries equal those of the whole table (types, missing, extremes, levels)",
          arguments: [1, 64, 500, 1 << 20])
    func summariesLikeWholeTable(chunkSize: Int) throws {
        let path = try write(Self.text)
        let whole = try Table(contentsOf: path)
        let summaries = try CSVColumnSummaries(streaming: path, chunkSize: chunkSize)
        #expect(summaries.names == whole.names)
        #expect(summaries.rowCount == whole.rowCount)
        for (name, summary) in zip(summaries.names, summaries.columns) {
            if let numeric = try? whole.numeric(name) {
                let present = numeric.values.filter { !$0.isNaN }
                guard case let .numeric(missing, lo, hi) = summary else {
                    Issue.record("\(name) should be numeric"); continue
                }
                #expect(missing == numeric.missingCount)
                #expect(lo.bitPattern == present.min()!.bitPattern, "\(name)")
                #expect(hi.bitPattern == present.max()!.bitPattern, "\(name)")
            } else {
                let c = try whole.categorical(name)
                #expect(summary == .categorical(levels: c.levels, missing: c.missingCount), "\(name)")
            }
        }
        // The column numeric until its last ten records is levels, all 2,993 of them, from the first record.
        guard case let .categorical(levels, _) = summaries.columns[2] else { Issue.record("late"); return }
        #expect(levels.count == 2993 && levels.first == "0")
        // Extremes and missing values in later blocks of 1,024 records count.
        #expect(summaries.columns[5] == .numeric(missing: 5, min: -7.5, max: 99.25))
        // 0 (record 1) comes before -0 (record 6): the first smallest is kept, as Array.min() does.
        guard case let .numeric(_, lo, _) = summaries.columns[3] else { Issue.record("zero"); return }
        #expect(lo == 0 && lo.sign == .plus)
    }

    @Test("a malformed file gives the whole-file reader's error")
    func sameErrors() throws {
        let path = try write("a,b\n1,2\n3\n")
        #expect(throws: DataError.raggedRow(SourceLocation(file: path, line: 3), expected: 2, found: 1)) {
            _ = try CSVColumnSummaries(streaming: path)
        }
    }
}
