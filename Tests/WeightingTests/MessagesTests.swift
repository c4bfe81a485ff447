import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Messages a user can act on (issue 11, item 10): values echoed escaped and cut, UTF-16 recognised, lone
/// carriage returns read as line endings, attrition messages that say what happened.
@Suite("Messages a user can act on")
struct MessagesTests {
    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("messages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    // MARK: Echo

    @Test("invisible characters are shown escaped, so 'Nord\\u{A0}' is visibly not 'Nord'", arguments: [
        ("Nord\u{A0}", "'Nord\\u{A0}'"),
        ("Sud\u{0}", "'Sud\\0'"),
        ("a\tb\nc\rd", "'a\\tb\\nc\\rd'"),
        ("\u{FEFF}id", "'\\u{FEFF}id'"),
        ("x\u{200B}y", "'x\\u{200B}y'"),
        ("bell\u{7}", "'bell\\u{7}'"),
        ("Provence-Alpes-Côte d'Azur", "'Provence-Alpes-Côte d'Azur'"),
        ("Île-de-France ", "'Île-de-France '"),
    ])
    func escapes(value: String, shown: String) {
        #expect(Echo.quoted(value) == shown)
    }

    @Test("a value longer than 80 characters is cut and its length given; a 10 MB value gives a short message")
    func cuts() {
        let long = String(repeating: "é", count: 81)
        #expect(Echo.text(long) == String(repeating: "é", count: 80) + "… (81 characters)")
        #expect(Echo.text(String(repeating: "a", count: 80)) == String(repeating: "a", count: 80))
        let huge = String(repeating: "S", count: 10_000_000)
        let message = DataError.notANumber(SourceLocation(file: "f.csv", line: 2, column: 3, columnName: huge), value: huge).description
        #expect(message.count < 300)
        #expect(message.contains("… (10000000 characters)"))
    }

    @Test("levels missing from the margins are named escaped, with the record count and first line")
    func escapedInCalibrationError() {
        let loc = SourceLocation(file: "d.csv", line: 4, column: 2, columnName: "region")
        let e = CalibrationError.levelsNotInMargins([UnknownLevel(margin: "region", level: "Nord\u{A0}", count: 3, firstSeen: loc)])
        #expect(e.description.contains("'Nord\\u{A0}' of region (3 record(s), first at d.csv:4:2 (column 'region'))"))
    }

    @Test("a calibration that overflows says so and never prints inf for a large target")
    func overflowMessage() {
        let e = CalibrationError.didNotConverge(iterations: 1, maxDeviation: .infinity, worst: [
            UnmetConstraint(label: "x", target: 1e308, achieved: .infinity, reachable: nil),
            UnmetConstraint(label: "region=A", target: 10, achieved: 10, reachable: nil)])
        #expect(e.description == "calibration failed numerically: the weighted totals overflow (values or targets near ±1.8e308, in x); rescale those variables and their totals")
        let big = CalibrationError.zeroTargetWithRespondents(label: "a", count: 1).description
        #expect(!big.contains("inf"))
        let infeasible = CalibrationError.infeasible([UnmetConstraint(label: "x", target: 1e308, achieved: 1, reachable: nil)], bounds: "[0.5, 2]")
        #expect(infeasible.description.contains("x: target 1e+308") && !infeasible.description.contains("inf"))
    }

    // MARK: UTF-16

    static func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
        var out: [UInt8] = []
        for unit in text.utf16 {
            let high = UInt8(unit >> 8), low = UInt8(unit & 0xFF)
            out += bigEndian ? [high, low] : [low, high]
        }
        return out
    }
    static let utf16Cases: [([UInt8], Bool, Bool)] = [
        ([0xFF, 0xFE] + utf16("id,x\n1,2\n", bigEndian: false), false, true),
        ([0xFE, 0xFF] + utf16("id,x\n1,2\n", bigEndian: true), true, true),
        (utf16("id,x\n1,2\n", bigEndian: false), false, false),
        (utf16("id,x\n1,2\n", bigEndian: true), true, false),
    ]

    @Test("UTF-16 is recognised by its byte-order mark or by its NUL bytes, not called Latin-1",
          arguments: MessagesTests.utf16Cases)
    func utf16(bytes: [UInt8], bigEndian: Bool, bom: Bool) throws {
        let path = try write(bytes, "u16.csv")
        #expect(throws: DataError.utf16(file: path, bigEndian: bigEndian, byteOrderMark: bom)) { try CSVBuffer(contentsOf: path) }
        var reader = try CSVChunkReader(path: path, chunkSize: 3)
        #expect(throws: DataError.utf16(file: path, bigEndian: bigEndian, byteOrderMark: bom)) { _ = try reader.next() }
        let message = errorText { _ = try CSVBuffer(contentsOf: path) }
        #expect(message.contains("UTF-16") && !message.contains("Latin-1") && !message.contains("WINDOWS-1252"))
    }

    @Test("a UTF-8 file with one NUL in a field is not taken for UTF-16, and Latin-1 is still called Latin-1")
    func notUTF16() throws {
        let path = try write(Array("id,x\n1,a\u{0}b\n2,c\n".utf8), "nul.csv")
        let buffer = try CSVBuffer(contentsOf: path)
        #expect(buffer.text(row: 0, column: 1) == "a\u{0}b")
        let latin1 = try write(Array("id,x\n1,".utf8) + [0xCE, 0x6C, 0x65] + [0x0A], "l1.csv")
        #expect(errorText { _ = try CSVBuffer(contentsOf: latin1) }.contains("Latin-1"))
    }

    // MARK: Lone carriage returns

    static let sample = "id,region,note,x\n1,Nord,\"two\nlines\",1.5\n\n2,\"Sud, Est\",plain,2\n3,Est,\"say \"\"hi\"\"\",3\n"

    @Test("lone carriage returns end lines: the same records, fields and line numbers as with line feeds")
    func loneCR() throws {
        let lf = try CSVBuffer(contentsOf: try write(Array(Self.sample.utf8), "lf.csv"))
        let cr = try CSVBuffer(contentsOf: try write(Array(Self.sample.replacingOccurrences(of: "\n", with: "\r").utf8), "cr.csv"))
        #expect(cr.header == lf.header)
        #expect(cr.rowCount == 3 && lf.rowCount == 3)
        #expect(cr.lineEnding == "\r" && lf.lineEnding == "\n")
        for r in 0..<3 {
            #expect(cr.location(row: r, column: 1) .line == lf.location(row: r, column: 1).line)
            for c in 0..<4 {
                #expect(cr.text(row: r, column: c) == lf.text(row: r, column: c).replacingOccurrences(of: "\n", with: "\r"))
            }
        }
        #expect(cr.location(row: 2, column: 0).line == 6)
    }

    @Test("a ragged row in a lone-CR file is located on its line by the whole-file and the chunked reader")
    func loneCRErrors() throws {
        let path = try write(Array("id,r,x\r1,a,2\r\r2,b\r3,c,4\r".utf8), "e.csv")
        let whole = errorText { _ = try Table(contentsOf: path) }
        #expect(whole.contains("e.csv:4: expected 3 fields"))
        for chunkSize in [1, 2, 5, 1 << 20] {
            #expect(errorText { _ = try Table(streaming: path, categorical: ["r"], numeric: ["x"], chunkSize: chunkSize) } == whole)
        }
    }

    @Test("lone-CR files are read in chunks as a whole and copied byte for byte with their line ending",
          arguments: [1, 2, 7, 64, 1 << 20])
    func loneCRStreamed(chunkSize: Int) throws {
        let text = Self.sample.replacingOccurrences(of: "\n", with: "\r")
        let path = try write(Array(text.utf8), "s.csv")
        let whole = try Table(contentsOf: path)
        let streamed = try Table(streaming: path, categorical: ["region"], numeric: ["x"], chunkSize: chunkSize)
        #expect(try streamed.categorical("region") == whole.categorical("region"))
        #expect(try streamed.numeric("x") == whole.numeric("x"))
        let out = path + ".out"
        try StreamingWeightedFileWriter(table: streamed, chunkSize: chunkSize).write(columns: [("w", [1, 2, 3])], to: out)
        let expected = "id,region,note,x,w\r1,Nord,\"two\rlines\",1.5,1\r2,\"Sud, Est\",plain,2,2\r3,Est,\"say \"\"hi\"\"\",3,3\r"
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self) == expected)
    }

    @Test("CR LF split across chunks is one line ending, not two")
    func crlfAcrossChunks() throws {
        let path = try write(Array("id,x\r\n1,2\r\n3,4\r\n".utf8), "c.csv")
        for chunkSize in [1, 2, 3, 4, 5] {
            let t = try Table(streaming: path, categorical: [], numeric: ["x"], chunkSize: chunkSize)
            #expect(t.rowCount == 2)
            #expect(t.line(ofRow: 1) == 3)
        }
    }

    // MARK: Attrition messages

    static func panel(n: Int) throws -> Table {
        try Table(["region": .categorical((0..<n).map { ["Nord", "Sud"][$0 % 2] }),
               "x": .numeric((0..<n).map { Double($0 % 5) })])
    }

    @Test("a later wave that holds every wave-1 respondent is said to have nobody leaving, not separation")
    func nobodyLeft() throws {
        let t = try Self.panel(n: 20)
        let margins = Margins(categorical: [CategoricalMargin("region", ["Nord": 100, "Sud": 100])])
        let adjustment = AttritionAdjustment(wave1: t, retained: [Bool](repeating: true, count: 20), covariates: ["region"],
                                             margins: margins, wave: 2)
        #expect(throws: AttritionError.nobodyLeft(wave: 2, wave1Respondents: 20)) {
            _ = try adjustment.run(wave1Weights: [Double](repeating: 10, count: 20))
        }
        let message = AttritionError.nobodyLeft(wave: 2, wave1Respondents: 20).description
        #expect(message.contains("nobody left") && !message.contains("separation"))
    }

    @Test("a missing value in a response-model covariate is called a covariate, with its first record")
    func missingCovariate() throws {
        let t = try Table(["region": .categorical(["Nord", "Sud", nil, "Sud"]), "x": .numeric([1, 2, 3, 4])])
        let e = #expect(throws: AttritionError.self) { _ = try ModelMatrix(table: t, covariates: ["x", "region"]) }
        guard case .missingCovariate(let v, let count, let loc)? = e else { Issue.record("wrong error \(String(describing: e))"); return }
        #expect(v == "region" && count == 1 && loc.line == 4)
        #expect(e!.description.hasPrefix("covariate 'region' of the response model is missing"))
        #expect(!e!.description.contains("calibration variable"))
    }
}
