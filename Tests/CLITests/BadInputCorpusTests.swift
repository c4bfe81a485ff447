import Foundation
import Testing

/// The bad-input corpus (`BadInputs/cases.json`, made by `BadInputs/make_corpus.py` with its files): each case
/// runs the built binary in a scratch copy of the files and checks the exit code, a fragment of the message, that
/// no output file or temporary file is left after a failure, that the inputs are unchanged, and that no output
/// ever contains NaN or infinity.
@Suite("Bad-input corpus")
struct BadInputCorpusTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var args: [String]
        var exit: Int32
        var message: String
        var testDescription: String { name }
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("BadInputs")
    /// Every `cases*.json` file of the folder (`cases.json` from `make_corpus.py`, and one file per topic that
    /// later rounds added). A file that is missing or does not decode stops the suite with the file's name rather
    /// than yielding zero cases and a pass.
    static let cases: [Case] = {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix("cases") && $0.hasSuffix(".json") }.sorted()
        precondition(names.contains("cases.json"), "bad-input corpus: \(folder.path)/cases.json is missing")
        return names.flatMap { name -> [Case] in
            let url = folder.appendingPathComponent(name)
            do { return try JSONDecoder().decode([Case].self, from: Data(contentsOf: url)) } catch {
                preconditionFailure("bad-input corpus: \(url.path) does not decode: \(error)")
            }
        }
    }()

    @Test("the corpus has at least 60 cases") func size() { #expect(Self.cases.count >= 60) }

    @Test("each bad input gets its exit code and message, and nothing is lost", arguments: BadInputCorpusTests.cases)
    func badInput(_ c: Case) throws {
        let dir = try scratchDirectory()
        let files = Self.folder.appendingPathComponent("files")
        var before: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: files.path) {
            let data = try Data(contentsOf: files.appendingPathComponent(name))
            try data.write(to: dir.appendingPathComponent(name))
            before[name] = data
        }
        let r = try CLI.run(c.args, in: dir)
        #expect(r.status == c.exit, "\(c.name): exit \(r.status)\n\(r.stderr)")
        #expect((r.stderr + r.stdout).contains(c.message), "\(c.name): \(r.stderr)\(r.stdout)")
        let after = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!after.contains { $0.contains(".tmp-") }, "\(c.name): temporary file left")
        if c.exit != 0 { #expect(!after.contains("o.csv"), "\(c.name): output left after a failure") }
        for (name, data) in before where !(c.exit == 0 && c.args.contains(name) && c.args.last == name) {
            #expect(try Data(contentsOf: dir.appendingPathComponent(name)) == data, "\(c.name): input \(name) modified")
        }
        if dir.exists("o.csv") {
            let out = try dir.read("o.csv").lowercased()
            #expect(!out.contains("nan") && !out.contains("inf"), "\(c.name): non-finite value written")
        }
    }
}
