import Foundation
import WeightingTestSupport
import Testing

/// The bad-input corpus (`BadInputs/cases*.json`; `cases.json` is made by `BadInputs/make_corpus.py` with its
/// files): each case runs the built binary in a scratch copy of `files/` and checks
/// - the exit code and a fragment of the message (standard error or output);
/// - every file created or changed in the scratch folder (at any depth): it must be one the case declares in
///   `outputs` (so after a failure nothing is left unless declared, e.g. a batch's successful task), and no
///   temporary file may remain; an input that is not a declared output must be byte for byte unchanged, and
///   none may disappear; a new folder must hold a declared output;
/// - standard output: after a failure it must be empty unless the case declares `stdout` (no partial result);
/// - no output, file or standard output, holds NaN or infinity (as a value, whatever the case);
/// - a success case asserts values: at least one `expected` table, in `outputs` or `stdout`.
///
/// Schema: `name`, `args`, `exit`, `message` (required); `outputs` (file name, relative to the scratch folder →
/// expectation) and `stdout` (expectation), optional. An expectation has `expected` (a CSV file of
/// `BadInputs/expected/`, from R survey: the output must hold each of its columns, with the same number of rows
/// in the same order; numbers equal to a relative 1e-8, text and empty cells exactly) and/or `contains`
/// (fragments the output must contain).
@Suite("Bad-input corpus")
struct BadInputCorpusTests {
    struct Expectation: Decodable, Sendable {
        var expected: String?
        var contains: [String]?
    }

    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var args: [String]
        var exit: Int32
        var message: String
        var outputs: [String: Expectation]?
        var stdout: Expectation?
        /// The `cases*.json` file the case comes from (set by the loader).
        var file: String?
        var testDescription: String { name }

        /// Whether the case compares some output with an expected table.
        var assertsValues: Bool {
            let all = [stdout].compactMap { $0 } + (outputs ?? [:]).values
            return all.contains { $0.expected != nil || !($0.contains ?? []).isEmpty }
        }
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("BadInputs")
    static let expectedFolder = folder.appendingPathComponent("expected")

    /// Every `cases*.json` file of the folder (`cases.json` from `make_corpus.py`, and one file per topic that
    /// later rounds added). A file that is missing or does not decode stops the suite with the file's name rather
    /// than yielding zero cases and a pass.
    static let cases: [Case] = {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix("cases") && $0.hasSuffix(".json") }.sorted()
        precondition(names.contains("cases.json"), "bad-input corpus: \(folder.path)/cases.json is missing")
        return names.flatMap { name -> [Case] in
            let url = folder.appendingPathComponent(name)
            do {
                return try JSONDecoder().decode([Case].self, from: Data(contentsOf: url)).map { c in
                    var c = c
                    c.file = name
                    return c
                }
            } catch {
                preconditionFailure("bad-input corpus: \(url.path) does not decode: \(error)")
            }
        }
    }()

    @Test("the corpus has at least 85 cases, with unique names") func size() {
        #expect(Self.cases.count >= 85)
        var seen: [String: String] = [:]
        for c in Self.cases {
            if let other = seen[c.name] { Issue.record("case '\(c.name)' of \(c.file ?? "?") repeats one of \(other)") }
            seen[c.name] = c.file
        }
    }

    @Test("every success case asserts values (an expected table or value fragments), not only a message")
    func successCasesAssertValues() {
        for c in Self.cases where c.exit == 0 && !c.assertsValues {
            Issue.record("\(c.file ?? "?"): success case '\(c.name)' checks no value: give its output an 'expected' table (BadInputs/expected/), or for JSON and Markdown the fragments holding its values ('contains'), in 'outputs' or 'stdout'")
        }
    }

    @Test("every expected table a case names exists and has a header and rows")
    func expectedTablesExist() throws {
        for c in Self.cases {
            for name in [c.stdout?.expected].compactMap({ $0 }) + (c.outputs ?? [:]).values.compactMap(\.expected) {
                let url = Self.expectedFolder.appendingPathComponent(name)
                guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                    Issue.record("\(c.name): expected table \(url.path) cannot be read")
                    continue
                }
                #expect(CSVText(text).rows.count >= 1, "\(c.name): \(name) has no data row")
            }
        }
    }

    @Test("the checker finds non-finite values as values only, and compares tables cell by cell")
    func checkerSelfTest() {
        for text in ["a,NaN\n", "x;-inf", "1,+Infinity,2", "nan", "\"inf\""] { #expect(Self.nonFiniteToken(text) != nil, "\(text)") }
        for text in ["information,infeasible,nano", "1e308,-0.5", "banana,finance"] { #expect(Self.nonFiniteToken(text) == nil, "\(text)") }
        #expect(CSVText("a,b\r1,2\r3,4").rows == [["1", "2"], ["3", "4"]])
        let t = CSVText("\u{FEFF}id;\"a;b\";w\r\n1;\"x\"\"y\";2,5\r\n")
        #expect(t.delimiter == ";" && t.header == ["id", "a;b", "w"] && t.rows == [["1", "x\"y", "2,5"]])
        #expect(CSVText.same("2,5", "2.5", decimalComma: true) && !CSVText.same("2,5", "2.5", decimalComma: false))
        #expect(CSVText.same("24.5", "24.500000000000004", decimalComma: false))
        #expect(!CSVText.same("24.5", "24.5001", decimalComma: false) && !CSVText.same("", "0", decimalComma: false))
        #expect(CSVText.same("0.0", "0", decimalComma: false) && !CSVText.same("1e-20", "0", decimalComma: false))
    }

    @Test("each bad input gets its exit code and message, every output is checked, and nothing is lost",
          arguments: BadInputCorpusTests.cases)
    func badInput(_ c: Case) throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = Self.folder.appendingPathComponent("files")
        for name in try FileManager.default.contentsOfDirectory(atPath: files.path) {
            try Data(contentsOf: files.appendingPathComponent(name)).write(to: dir.appendingPathComponent(name))
        }
        let before = try Self.snapshot(dir)
        let r = try CLI.run(c.args, in: dir)
        #expect(r.status == c.exit, "\(c.name): exit \(r.status)\n\(r.stderr)")
        #expect((r.stderr + r.stdout).contains(c.message), "\(c.name): \(r.stderr)\(r.stdout)")

        // Files: what was created or changed must be declared; nothing may disappear; no temporary remains.
        let after = try Self.snapshot(dir)
        let declared = c.outputs ?? [:]
        let written = after.filter { before[$0.key] != $0.value }
        for path in after.keys where path.contains(".tmp") {
            Issue.record("\(c.name): temporary file \(path) left")
        }
        for path in written.keys.sorted() where declared[path] == nil {
            Issue.record(before[path] == nil
                ? "\(c.name): \(c.exit == 0 ? "undeclared output" : "output left after a failure"): \(path)"
                : "\(c.name): input \(path) modified")
        }
        for path in before.keys.sorted() where after[path] == nil {
            Issue.record("\(c.name): input \(path) removed")
        }
        for folder in try Self.folders(dir).subtracting(Self.folders(files)).sorted()
        where !declared.keys.contains(where: { $0.hasPrefix(folder + "/") }) {
            Issue.record("\(c.name): folder \(folder) created, holding no declared output")
        }
        for (path, expectation) in declared.sorted(by: { $0.key < $1.key }) {
            guard let data = written[path] else {
                Issue.record("\(c.name): declared output \(path) was not written")
                continue
            }
            Self.check(String(decoding: data, as: UTF8.self), against: expectation, what: "\(c.name): \(path)")
        }

        // Standard output: checked as declared; after a failure, empty unless declared (no partial result).
        if let expectation = c.stdout {
            Self.check(r.stdout, against: expectation, what: "\(c.name): standard output")
        } else if c.exit != 0 {
            #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                    "\(c.name): standard output after a failure: \(r.stdout)")
        }

        // No NaN or infinity in any output.
        for (path, data) in written {
            if let token = Self.nonFiniteToken(String(decoding: data, as: UTF8.self)) {
                Issue.record("\(c.name): \(path) holds the non-finite value '\(token)'")
            }
        }
        if let token = Self.nonFiniteToken(r.stdout) {
            Issue.record("\(c.name): standard output holds the non-finite value '\(token)'")
        }
    }

    /// Every regular file under `dir` (relative path → contents).
    static func snapshot(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let base = dir.resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { return out }
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            var path = url.resolvingSymlinksInPath().path
            if path.hasPrefix(base + "/") { path.removeFirst(base.count + 1) }
            out[path] = try Data(contentsOf: url)
        }
        return out
    }

    /// Every folder under `dir` (relative paths).
    static func folders(_ dir: URL) throws -> Set<String> {
        var out: Set<String> = []
        let base = dir.resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isDirectoryKey]) else { return out }
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
            var path = url.resolvingSymlinksInPath().path
            if path.hasPrefix(base + "/") { path.removeFirst(base.count + 1) }
            out.insert(path)
        }
        return out
    }

    /// A token of `text` that spells a non-finite number (`nan`, `inf`, `infinity`, signed, any case), if any.
    static func nonFiniteToken(_ text: String) -> String? {
        let separators = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "+-.")).inverted
        return text.components(separatedBy: separators).first { token in
            var t = token.lowercased()
            if t.hasPrefix("+") || t.hasPrefix("-") { t.removeFirst() }
            return t == "nan" || t == "inf" || t == "infinity"
        }
    }

    /// Checks an output's text against an expectation, recording an issue per difference.
    static func check(_ text: String, against e: Expectation, what: String) {
        for fragment in e.contains ?? [] where !text.contains(fragment) {
            Issue.record("\(what) does not contain '\(fragment)':\n\(text)")
        }
        guard let name = e.expected else { return }
        guard let expectedText = try? String(contentsOf: expectedFolder.appendingPathComponent(name), encoding: .utf8) else {
            Issue.record("\(what): expected table \(name) cannot be read")
            return
        }
        let want = CSVText(expectedText), got = CSVText(text)
        guard got.rows.count == want.rows.count else {
            Issue.record("\(what): \(got.rows.count) rows, \(name) has \(want.rows.count)")
            return
        }
        for (j, column) in want.header.enumerated() {
            guard let k = got.header.firstIndex(of: column) else {
                Issue.record("\(what): no column '\(column)' (columns: \(got.header.joined(separator: ", ")))")
                continue
            }
            for (i, (w, g)) in zip(want.rows, got.rows).enumerated() {
                let expected = j < w.count ? w[j] : "", actual = k < g.count ? g[k] : ""
                if !CSVText.same(actual, expected, decimalComma: got.delimiter == ";") {
                    Issue.record("\(what), row \(i + 1), column '\(column)': '\(actual)', expected '\(expected)' (\(name))")
                }
            }
        }
    }
}

/// A small CSV reader for the tests' comparisons, independent of the library's reader: delimiter `,`, `;` or tab
/// (the most frequent in the header line), double-quoted fields, LF or CRLF, an optional byte-order mark.
struct CSVText {
    var delimiter: Character
    var header: [String]
    var rows: [[String]]

    init(_ text: String) {
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r" && $0 != "\r\n" }
        delimiter = [",", ";", "\t"].max { a, b in firstLine.filter { $0 == a }.count < firstLine.filter { $0 == b }.count }!
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? { if let p = pending { pending = nil; return p }; return iterator.next() }
        while let ch = next() {
            if quoted {
                if ch == "\"" {
                    if let n = next() { if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = n } } else { quoted = false }
                } else { field.unicodeScalars.append(ch) }
            } else if ch == "\"" {
                quoted = true
            } else if Character(ch) == delimiter {
                record.append(field); field = ""
            } else if ch == "\n" || ch == "\r" {  // LF, CR LF or a lone CR ends a record
                if ch == "\r", let n = next(), n != "\n" { pending = n }
                record.append(field); field = ""
                records.append(record); record = []
            } else {
                field.unicodeScalars.append(ch)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        records.removeAll { $0 == [""] }
        header = records.first ?? []
        rows = Array(records.dropFirst())
    }

    /// Whether an output cell equals an expected one: both empty, both numbers within a relative 1e-8 (a
    /// decimal comma accepted when the output is `;`-separated), or the same text.
    static func same(_ actual: String, _ expected: String, decimalComma: Bool) -> Bool {
        let a = actual.trimmingCharacters(in: .whitespaces), e = expected.trimmingCharacters(in: .whitespaces)
        if a.isEmpty || e.isEmpty { return a.isEmpty && e.isEmpty }
        guard let want = Double(e) else { return a == e }
        guard let got = Double(a) ?? (decimalComma ? Double(a.replacingOccurrences(of: ",", with: ".")) : nil) else { return false }
        return abs(got - want) <= 1e-8 * max(abs(want), 1e-300)
    }
}
