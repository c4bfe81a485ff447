import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
import WeightingTestSupport

/// `calibrate` reads and writes a delimited file on several threads (issue #17 item 1): chunks are cut by one
/// thread, split, checked and converted by several, and merged in file order. Whatever the chunk size and the
/// number of threads, the table, the calibrated weights, every written byte and the first error must be those
/// of the one-thread reading (the code path kept for `threads: 1`) and of the whole-file reader.
@Suite("Reading and writing on several threads")
struct ParallelReadingTests {
    /// Chunk sizes: tiny (about one record: chunks often grow to hold one), odd, and the default (one chunk).
    static let chunkSizes = [61, 4099, 8 << 20]
    static let threadCounts = [1, 2, 3, 8]

    /// 2,400 records with everything the chunked reader must get right: quoted fields with delimiters, doubled
    /// quotes and line breaks, one quoted field of 9,000 bytes (so chunk boundaries of 4,099 bytes fall inside
    /// quotes), UTF-8 levels, spaces around levels, missing tokens and empty fields, blank lines, a 240-level
    /// commune, a numeric auxiliary and base weights.
    static func data(separator: String = ",", decimalComma: Bool = false) -> String {
        let regions = ["Île-de-France", " Bretagne ", "\"Provence-Alpes-Côte d'Azur, Corse\"", "Hauts-de-France",
                       "\"Grand \"\"Est\"\"\"", "Occitanie"]
        func number(_ x: Double) -> String {
            let t = String(x)
            return decimalComma ? "\"" + t.replacingOccurrences(of: ".", with: ",") + "\"" : t
        }
        var s = ["id", "region", "commune", "note", "x", "score", "opinion", "d"].joined(separator: separator) + "\n"
        for i in 0..<2400 {
            var note = "n\(i)"
            if i % 37 == 0 { note = "\"deux\nlignes\(separator) \"\"citées\"\"\"" }
            if i == 1200 { note = "\"" + String(repeating: "long \"\"quoted\"\" text,\n", count: 360) + "\"" }
            let score = i % 13 == 0 ? "NA" : (i % 17 == 0 ? "" : number(Double(i % 50) * 0.5))
            let opinion = ["oui", "non", "", "NA", "\"ne sait pas\"", "Ça dépend"][i % 6]
            let fields = [String(i), regions[(i * 7) % regions.count], "c\((i * 13 + i / 240) % 240)", note,
                          number(1 + Double((i * 31) % 97) / 8), score, opinion, number(1 + Double(i % 4) / 2)]
            s += fields.joined(separator: separator) + "\n"
            if i % 401 == 0 { s += "\n" }
        }
        return s
    }

    func file(_ text: String, crlf: Bool, bom: Bool) throws -> String {
        let body = crlf ? text.replacingOccurrences(of: "\n", with: "\r\n") : text
        return try temporaryFile(bytes: (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(body.utf8))
    }

    /// Margins on region and commune (240 levels) and a numeric total of x, from the whole file, so that a
    /// linear calibration moves every weight.
    func margins(_ whole: Table) throws -> Margins {
        let d = try whole.numeric("d").values, x = try whole.numeric("x").values
        func margin(_ name: String) throws -> CategoricalMargin {
            let c = try whole.categorical(name)
            var t = [Double](repeating: 0, count: c.levels.count)
            for (r, code) in c.codes.enumerated() { t[Int(code)] += d[r] }
            let total = t.reduce(0, +)
            let tilted = t.enumerated().map { k, v in v * (1 + 0.1 * sin(Double(k))) }
            let scale = total / tilted.reduce(0, +)
            return try CategoricalMargin(variables: [name], levels: c.levels.map { [$0] }, targets: tilted.map { $0 * scale })
        }
        let xTotal = zip(x, d).map(*).reduce(0, +) * 1.03
        return Margins(categorical: [try margin("region"), try margin("commune")], numeric: [NumericTotal("x", total: xTotal)])
    }

    /// Reads `path` in chunks, calibrates (linear) and writes it back; returns the table and the bytes written.
    func calibrateStreamed(_ path: String, dialect: CSVDialect, margins: Margins, chunkSize: Int,
                           threads: Int) throws -> (table: Table, bytes: [UInt8]) {
        let table = try Table(streaming: path, dialect: dialect, categorical: ["region", "commune", "opinion"],
                              numeric: ["x", "d", "score"], chunkSize: chunkSize, threads: threads)
        let weights = try Calibrator(margins: margins, method: .linear)
            .calibrate(table, baseWeights: try table.numeric("d").values).weights
        let out = path + ".out-\(chunkSize)-\(threads)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        try StreamingWeightedFileWriter(table: table, decimalComma: dialect.decimalComma, chunkSize: chunkSize,
                                        threads: threads)
            .write(columns: [("weight", weights), ("w2", weights.map { $0 / 3 })], to: out)
        return (table, try FileIO.readAll(out))
    }

    @Test("every chunk size and thread count writes the bytes of the one-thread reading and of the whole-file writer",
          arguments: [(false, false, false), (true, true, false), (false, false, true)])
    func sameBytes(crlf: Bool, bom: Bool, semicolons: Bool) throws {
        let dialect = semicolons ? CSVDialect(delimiter: UInt8(ascii: ";"), decimalComma: true) : CSVDialect()
        let path = try file(Self.data(separator: semicolons ? ";" : ",", decimalComma: semicolons), crlf: crlf, bom: bom)
        let whole = try Table(contentsOf: path, dialect: dialect)
        let margins = try margins(whole)
        let reference = try calibrateStreamed(path, dialect: dialect, margins: margins, chunkSize: 8 << 20, threads: 1)
        // The one-thread streamed copy is the whole-file writer's, with the weights of the whole-file table.
        let wholeWeights = try Calibrator(margins: margins, method: .linear)
            .calibrate(whole, baseWeights: try whole.numeric("d").values).weights
        let expected = try WeightedFileWriter(buffer: whole.buffer!, decimalComma: dialect.decimalComma)
            .render(columns: [("weight", wholeWeights), ("w2", wholeWeights.map { $0 / 3 })])
        #expect(reference.bytes == expected)
        #expect(reference.table.rowCount == 2400)
        for chunkSize in Self.chunkSizes {
            for threads in Self.threadCounts {
                let run = try calibrateStreamed(path, dialect: dialect, margins: margins, chunkSize: chunkSize,
                                                threads: threads)
                let label = "chunk \(chunkSize), \(threads) threads"
                #expect(run.bytes == reference.bytes, "\(label)")
                for name in ["region", "commune", "opinion"] {
                    #expect(try run.table.categorical(name) == reference.table.categorical(name), "\(name), \(label)")
                }
                for name in ["x", "d", "score"] {
                    let a = try run.table.numeric(name).values, b = try reference.table.numeric(name).values
                    #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "\(name), \(label)")
                }
                #expect((0..<2400).allSatisfy { run.table.line(ofRow: $0) == whole.line(ofRow: $0) }, "\(label)")
            }
        }
    }

    /// Files with two faults in different places: the message must be the one of the first fault in file
    /// order, with its line and column, whichever thread met which fault first.
    static let faults: [(name: String, lines: [Int: String])] = [
        ("a non-number, then a ragged row",
         [1700: "1700,Occitanie,c1,n,oops,1,oui,1", 2300: "2300,Occitanie,c1"]),
        ("a ragged row, then a non-number",
         [900: "900,Occitanie", 2100: "2100,Occitanie,c1,n,2,1,oui,not-a-weight"]),
        ("a stray quote late in the file", [2390: "2390,Occ\"itanie,c1,n,2,1,oui,1"]),
        ("an unterminated quote at the end", [2398: "2398,\"Occitanie,c1,n,2,1,oui,1"]),
        ("an infinite number, then invalid UTF-8",
         [1000: "1000,Occitanie,c1,n,1e999,1,oui,1", 2000: "2000,Occitanie,c1,n,2,1,oui,1\u{FFFF}"]),
    ]

    @Test("the first fault in file order is reported, with its line and column, on any number of threads",
          arguments: 0..<5)
    func firstErrorWins(fault: Int) throws {
        var lines = Self.data().components(separatedBy: "\n")
        for (k, line) in Self.faults[fault].lines { lines[k] = line }
        var bytes = Array(lines.joined(separator: "\n").utf8)
        if fault == 4, let k = bytes.indices.last(where: { bytes[$0] == 0xEF }) {
            bytes.replaceSubrange(k..<k + 3, with: [0xC3, 0x28, 0x28])  // \u{FFFF} made invalid UTF-8
        }
        let path = try temporaryFile(bytes: bytes)
        func read(_ chunkSize: Int, _ threads: Int) -> String {
            errorText {
                _ = try Table(streaming: path, categorical: ["region", "commune"], numeric: ["x", "d"],
                              chunkSize: chunkSize, threads: threads)
            }
        }
        // Within one chunk the one-thread reading splits before converting (a ragged row after a non-number in
        // the same chunk is met first), so each chunk size has its own reference; one chunk is the whole file.
        let wholeMessage = errorText {
            let t = try Table(contentsOf: path)
            _ = try t.numeric("x"); _ = try t.numeric("d")
        }
        #expect(read(8 << 20, 1) == wholeMessage, "\(Self.faults[fault].name)")
        for chunkSize in Self.chunkSizes {
            let reference = read(chunkSize, 1)
            #expect(reference.contains(path) && reference.contains(":"), "\(reference)")
            for threads in Self.threadCounts.dropFirst() {
                #expect(read(chunkSize, threads) == reference, "\(Self.faults[fault].name): chunk \(chunkSize), \(threads) threads")
            }
        }
    }

    @Test("inspect's column summaries are the one-thread summaries for every chunk size and thread count")
    func sameSummaries() throws {
        // Levels spelled quoted and unquoted, a column numeric until its last records (levels read again), 0
        // before -0 (the first smallest kept); then the calibration data with CR LF.
        let files = [try temporaryFile(StreamedSummaryTests.text),
                     try file(Self.data(), crlf: true, bom: true)]
        for path in files {
            let reference = try CSVColumnSummaries(streaming: path, chunkSize: 1 << 20, threads: 1)
            for chunkSize in [61, 4099, 1 << 20] {
                for threads in Self.threadCounts {
                    let run = try CSVColumnSummaries(streaming: path, chunkSize: chunkSize, threads: threads)
                    #expect(run.rowCount == reference.rowCount && run.names == reference.names)
                    // Text, so that NaN extremes compare equal and -0 differs from 0.
                    #expect("\(run.columns)" == "\(reference.columns)", "chunk \(chunkSize), \(threads) threads")
                }
            }
        }
        var lines = Self.data().components(separatedBy: "\n")
        lines[1100] = "1100,Occitanie"
        lines[2000] = "2000,\"Occitanie,c1"
        let faulty = try temporaryFile(lines.joined(separator: "\n"))
        let message = errorText { _ = try CSVColumnSummaries(streaming: faulty, threads: 1) }
        #expect(message.contains(faulty) && message.contains("1101"), "\(message)")  // lines[1100] is line 1101
        for chunkSize in [61, 4099] {
            for threads in Self.threadCounts {
                #expect(errorText { _ = try CSVColumnSummaries(streaming: faulty, chunkSize: chunkSize, threads: threads) } == message)
            }
        }
    }

    @Test("level tables of chunks encoded apart merge into the one-thread table, codes and first-appearance order")
    func levelEncoderMerge() throws {
        let text = "g\n" + (0..<500).map { i in i % 7 == 0 ? "NA" : (i % 5 == 0 ? "\"l\((i * 11) % 60)\"" : "l\((i * 11) % 60)") }
            .joined(separator: "\n") + "\n"
        let path = try temporaryFile(text)
        let single = try Table(streaming: path, categorical: ["g"], numeric: [], chunkSize: 1, threads: 1)
        for threads in [2, 5] {
            let parallel = try Table(streaming: path, categorical: ["g"], numeric: [], chunkSize: 37, threads: threads)
            #expect(try parallel.categorical("g") == single.categorical("g"))
        }
        #expect(try single.categorical("g") == Table(contentsOf: path).categorical("g"))
    }
}
