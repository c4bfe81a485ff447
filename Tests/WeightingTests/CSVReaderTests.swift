import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

@Suite("CSV reader")
struct CSVReaderTests {
    @Test("detects comma, semicolon and tab delimiters from the header")
    func detectsDelimiter() throws {
        for (text, d) in [("a,b\n1,2\n", ","), ("a;b\n1;2\n", ";"), ("a\tb\n1\t2\n", "\t")] {
            let b = try CSVBuffer(bytes: Array(text.utf8), file: "x.csv")
            #expect(b.delimiter == Array(d.utf8)[0])
            #expect(b.header == ["a", "b"])
            #expect(b.text(row: 0, column: 1) == "2")
        }
    }

    @Test("reads RFC 4180 quoting: delimiters, newlines and doubled quotes inside quotes")
    func rfc4180Quoting() throws {
        let text = "id,name,note\n1,\"Saint-Denis, Réunion\",\"line one\nline two\"\n2,\"say \"\"hi\"\"\",x\n"
        let b = try CSVBuffer(bytes: Array(text.utf8), file: "q.csv")
        #expect(b.rowCount == 2)
        #expect(b.text(row: 0, column: 1) == "Saint-Denis, Réunion")
        #expect(b.text(row: 0, column: 2) == "line one\nline two")
        #expect(b.text(row: 1, column: 1) == "say \"hi\"")
        #expect(b.location(row: 1, column: 0).line == 4)  // physical line after the embedded newline
    }

    @Test("strips a UTF-8 byte-order mark and accepts CRLF line endings")
    func bomAndCRLF() throws {
        let b = try CSVBuffer(bytes: [0xEF, 0xBB, 0xBF] + Array("a,b\r\n1,2\r\n3,4\r\n".utf8), file: "bom.csv")
        #expect(b.header == ["a", "b"])
        #expect(b.rowCount == 2)
        #expect(b.text(row: 1, column: 1) == "4")
        #expect(b.lineEnding == "\r\n")
    }

    @Test("parses decimal commas when asked, and NA or empty as missing")
    func decimalCommaAndMissing() throws {
        let text = "x;y\n3,5;a\nNA;b\n;c\n-1,25e2;d\n"
        let t = try Table(buffer: CSVBuffer(bytes: Array(text.utf8), file: "fr.csv"), dialect: CSVDialect(decimalComma: true))
        let x = try t.numeric("x").values
        #expect(x[0] == 3.5)
        #expect(x[1].isNaN && x[2].isNaN)
        #expect(x[3] == -125)
    }

    @Test("categorical columns keep text as written, codes in order of first appearance")
    func categoricalKeepsText() throws {
        let t = try Table(buffer: CSVBuffer(bytes: Array("reg,v\n01,a\n84,b\n01,\"a\"\n,c\n".utf8), file: "c.csv"))
        let c = try t.categorical("reg")
        #expect(c.levels == ["01", "84"])
        #expect(c.codes == [0, 1, 0, CategoricalColumn.missing])
        #expect(try t.categorical("v").levels == ["a", "b", "c"])
    }

    @Test("a ragged row is reported with its file and line")
    func raggedRow() {
        let msg = errorText { _ = try CSVBuffer(bytes: Array("a,b,c\n1,2,3\n4,5\n".utf8), file: "r.csv") }
        #expect(msg.contains("r.csv:3"))
        #expect(msg.contains("expected 3 fields"))
        #expect(msg.contains("found 2"))
    }

    @Test("an unbalanced quote is reported at the line where it opens")
    func unbalancedQuote() {
        let msg = errorText { _ = try CSVBuffer(bytes: Array("a,b\n1,2\n3,\"oops\n4,5\n".utf8), file: "u.csv") }
        #expect(msg.contains("u.csv:3:2"))
        #expect(msg.contains("never closed"))
    }

    @Test("records of short, long, empty and quoted fields split into the fields they were written from, whatever their offsets in a word")
    func splitsRandomRecordsIntoTheirFields() throws {
        var rng = SplitMix64(seed: 2026)
        let alphabet = Array("ab1.9-xyzé ")
        for round in 0..<300 {
            let columns = Int.random(in: 1...7, using: &rng)
            let ending = ["\n", "\r\n", "\r"][round % 3]
            var text = (0..<columns).map { "c\($0)" }.joined(separator: ",") + ending
            var expected: [[String]] = []
            var lines: [Int] = []
            var line = 2
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                var record: [String] = []
                var fields: [String] = []
                lines.append(line)
                for _ in 0..<columns {
                    let length = [0, 1, 3, 7, 8, 9, 17][Int.random(in: 0..<7, using: &rng)]
                    var value = String((0..<length).map { _ in alphabet.randomElement(using: &rng)! })
                    // A record of one empty unquoted field would be a blank line, which is skipped: quote it.
                    if Int.random(in: 0..<4, using: &rng) == 0 || (columns == 1 && value.isEmpty) {
                        // Quoted: may hold the delimiter, doubled quotes and line breaks.
                        if length > 0 && Bool.random(using: &rng) { value.insert(",", at: value.startIndex) }
                        if Bool.random(using: &rng) { value += "\"" }
                        if Bool.random(using: &rng) { value += "\n"; line += 1 }
                        fields.append("\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
                    } else {
                        fields.append(value)
                    }
                    record.append(value)
                }
                expected.append(record)
                text += fields.joined(separator: ",") + ending
                line += 1
            }
            // Some files end without a line ending.
            if round % 5 == 0 { text.removeLast() }  // one Character, CR LF included
            let b = try CSVBuffer(bytes: Array(text.utf8), file: "r.csv")
            #expect(b.rowCount == expected.count, "round \(round)")
            guard b.rowCount == expected.count else { continue }
            for (r, record) in expected.enumerated() {
                #expect((0..<columns).map { b.text(row: r, column: $0) } == record, "round \(round) row \(r): \(text.debugDescription)")
                #expect(b.location(row: r, column: 0).line == lines[r], "round \(round) row \(r)")
            }
        }
    }

    @Test("a chunk split for a few columns gives their fields, the records' lines and the same errors as a chunk split for all")
    func projectedChunkKeepsItsColumns() throws {
        var rng = SplitMix64(seed: 17)
        let alphabet = Array("ab1.9-xé ")
        let continuation = CSVBuffer.Continuation(header: (0..<9).map { "c\($0)" }, delimiter: UInt8(ascii: ","),
                                                  lineEnding: "\n")
        for round in 0..<200 {
            var text = ""
            for r in 0..<Int.random(in: 3...15, using: &rng) {
                // Round 3 of every 7 has a ragged record; round 5 a stray quote.
                let count = round % 7 == 3 && r == 2 ? 8 : 9
                let fields = (0..<count).map { j -> String in
                    let value = String((0..<[0, 1, 3, 9][Int.random(in: 0..<4, using: &rng)]).map { _ in alphabet.randomElement(using: &rng)! })
                    if round % 7 == 5 && r == 1 && j == 2 { return "x\"y" }
                    return Int.random(in: 0..<4, using: &rng) == 0 ? "\"\(value),\n\"\"\"" : "\(value)z"
                }
                text += fields.joined(separator: ",") + (r % 2 == 0 ? "\n" : "\r\n")
            }
            // A projection is kept when it is smaller than the full layout (2 boundaries a kept field, against 10).
            let kept = (0..<9).filter { _ in Int.random(in: 0..<3, using: &rng) == 0 }
            let bytes = Array(text.utf8)
            func split(_ projection: [Int]?) -> (buffer: CSVBuffer?, error: String) {
                do {
                    return (try CSVBuffer(bytes: bytes, file: "p.csv", dialect: CSVDialect(), continuing: continuation,
                                          firstLine: 7, allowNoRows: true, projection: projection), "")
                } catch {
                    return (nil, "\(error)")
                }
            }
            let all = split(nil), some = split(kept)
            if let a = all.buffer, let b = some.buffer {
                #expect(b.isProjected == (2 * kept.count < 10) && b.rowCount == a.rowCount, "round \(round)")
                for r in 0..<a.rowCount {
                    #expect(b.location(row: r, column: 0).line == a.location(row: r, column: 0).line)
                    for j in kept { #expect(b.text(row: r, column: j) == a.text(row: r, column: j), "round \(round) \(r) \(j)") }
                }
                #expect(round % 7 != 3 && round % 7 != 5, "round \(round) should have been refused")
            } else {
                #expect(all.buffer == nil && some.buffer == nil, "round \(round): one split failed, the other did not")
                #expect(all.error == some.error && all.error.contains("p.csv:"), "round \(round): \(all.error)")
            }
        }
    }

    @Test("a quote inside an unquoted field is rejected with its line and column at every offset in a word")
    func strayQuoteAtEveryOffset() {
        for before in 0..<10 {
            for column in 0..<3 {
                var fields = ["p", "qq", "rrr"]
                fields[column] = String(repeating: "v", count: before + 1) + "\"w"
                let msg = errorText { _ = try CSVBuffer(bytes: Array("a,b,c\n1,2,3\n\(fields.joined(separator: ","))\n".utf8), file: "s.csv") }
                #expect(msg.contains("s.csv:3:\(column + 1)") && msg.contains("unexpected quote"), "\(before) \(column): \(msg)")
            }
        }
    }

    @Test("a quote inside an unquoted field is rejected with its position")
    func strayQuote() {
        let msg = errorText { _ = try CSVBuffer(bytes: Array("a,b\n1,ab\"c\n".utf8), file: "s.csv") }
        #expect(msg.contains("s.csv:2:2"))
        #expect(msg.contains("unexpected quote"))
    }

    @Test("Latin-1 bytes are reported with line and column and a conversion hint")
    func latin1() {
        let bytes = Array("nom,x\n".utf8) + [0x4C, 0xE9, 0x6F, 0x2C, 0x31, 0x0A]  // "Léo,1" in Latin-1
        let msg = errorText { _ = try CSVBuffer(bytes: bytes, file: "l.csv") }
        #expect(msg.contains("l.csv:2:2"))
        #expect(msg.contains("0xE9"))
        #expect(msg.contains("iconv"))
    }

    @Test("empty files, header-only files, duplicate and empty column names are refused")
    func structuralErrors() {
        #expect(errorText { _ = try CSVBuffer(bytes: [], file: "e.csv") }.contains("e.csv: the file is empty"))
        #expect(errorText { _ = try CSVBuffer(bytes: Array("\n\n".utf8), file: "e.csv") }.contains("empty"))
        #expect(errorText { _ = try CSVBuffer(bytes: Array("a,b\n".utf8), file: "h.csv") }.contains("no data rows"))
        #expect(errorText { _ = try CSVBuffer(bytes: Array("a,b,a\n1,2,3\n".utf8), file: "d.csv") }.contains("'a' appears more than once (columns 1, 3)"))
        #expect(errorText { _ = try CSVBuffer(bytes: Array("a,,c\n1,2,3\n".utf8), file: "n.csv") }.contains("column 2 of the header has an empty name"))
    }

    @Test("a non-numeric value in a numeric column names file, line, column and value")
    func notANumber() throws {
        let t = try Table(buffer: CSVBuffer(bytes: Array("id,w\n1,2.5\n2,abc\n".utf8), file: "w.csv"))
        let msg = errorText { _ = try t.numeric("w") }
        #expect(msg.contains("w.csv:3:2 (column 'w')"))
        #expect(msg.contains("'abc' is not a number"))
        #expect(errorText { _ = try t.numeric("weight") }.contains("no column named 'weight'"))
    }

    @Test("numbers that overflow a double or spell infinity are refused")
    func nonFinite() throws {
        let t = try Table(buffer: CSVBuffer(bytes: Array("w\n1e999\n".utf8), file: "f.csv"))
        #expect(errorText { _ = try t.numeric("w") }.contains("not a finite number"))
        let t2 = try Table(buffer: CSVBuffer(bytes: Array("w\ninf\n".utf8), file: "f.csv"))
        #expect(errorText { _ = try t2.numeric("w") }.contains("'inf' is not a number"))
    }

    @Test("writing appends a column and keeps every original byte of each row")
    func writerKeepsRows() throws {
        let text = "id;nom;x\r\n1;\"a;b\";3,5\r\n2; spaced ;4\r\n"
        let buffer = try CSVBuffer(bytes: Array(text.utf8), file: "in.csv")
        let out = try WeightedFileWriter(buffer: buffer, decimalComma: true).render(columns: [("weight", [1.5, 2])])
        #expect(String(decoding: out, as: UTF8.self) == "id;nom;x;weight\r\n1;\"a;b\";3,5;1,5\r\n2; spaced ;4;2\r\n")
    }
}
