import Foundation
import Testing
import WeightingTestSupport

/// `estimate`, `compare`, `test` and `change` (two wave files or one long file) read delimited files in chunks (`StreamedInput`): these tests run the binary with
/// the file read whole (`WEIGHTING_STREAM=0`, the previous path) and streamed with several chunk sizes and memory
/// budgets (a budget of 0 reads each variable in its own pass), and require the same exit status, the same
/// standard output and error, and byte-identical output files.
@Suite("streamed estimate, compare, test and change match the whole-file path")
struct StreamingEstimateTests {
    static let regions = ["Nord", "Sud", "Est"], sizes = ["petite", "grande"]

    /// Record `i` of wave 1: id, region, size, answer, score (then `late` and the rest are added by the callers).
    static func wave1Fields(_ i: Int) -> [String] {
        let answer = i % 17 == 0 ? "" : ((i * 7) % 5 < 2 ? "oui" : "non")
        let score = i % 23 == 0 ? "NA" : String(Double(i % 11) + 0.25 * Double(i % 3))
        return ["\(i)", regions[i % 3], sizes[(i / 3) % 2], answer, score]
    }

    /// Record `i` of wave 2 (three records in four answer again, some answers changed): id to weight.
    static func wave2Fields(_ i: Int) -> [String] {
        let answer = i % 19 == 0 ? "" : ((i * 5) % 7 < 3 ? "oui" : "non")
        let score = i % 29 == 0 ? "NA" : String(Double(i % 13) + 0.5 * Double(i % 2))
        return ["\(i)", regions[i % 3], sizes[(i / 3) % 2], answer, score, "S\(i % 2)", "P\(i % 12)", "\(1.5 + Double(i % 3))"]
    }

    /// 240 records: text and numeric variables, missing values, a quoted field with a line break, a variable
    /// numeric in its first records and text later (read again as levels), strata, clusters, weights.
    static let data: String = {
        var s = "id,region,taille,oui,score,late,strate,psu,w,note\n"
        for i in 0..<240 {
            let late = i < 200 ? String(i % 4) : "beaucoup"
            let note = i % 50 == 0 ? "\"ligne\nsuivante, \"\"citée\"\"\"" : "rien"
            s += (wave1Fields(i) + [late, "S\(i % 2)", "P\(i % 12)", "\(1 + Double(i % 4))", note]).joined(separator: ",") + "\n"
        }
        return s
    }()
    /// The second wave for `change`, without `late`.
    static let wave2: String = {
        var s = "id,region,taille,oui,score,strate,psu,w\n"
        for i in 0..<240 where i % 4 != 0 { s += wave2Fields(i).joined(separator: ",") + "\n" }
        return s
    }()
    /// Both waves in one long file (`change --long`), with a wave column; the second wave's records first and
    /// a quoted note with a line break, so that each wave's records are scattered through the file.
    static let long: String = {
        var s = "id,vague,region,taille,oui,score,strate,psu,w,note\n"
        for i in 0..<240 where i % 4 != 0 {
            var f = wave2Fields(i)
            f.insert("2", at: 1)
            s += (f + [i % 40 == 1 ? "\"deux\nlignes, \"\"citées\"\"\"" : ""]).joined(separator: ",") + "\n"
        }
        for i in 0..<240 {
            var f = wave1Fields(i) + ["S\(i % 2)", "P\(i % 12)", "\(1 + Double(i % 4))", "rien"]
            f.insert("1", at: 1)
            s += f.joined(separator: ",") + "\n"
        }
        return s
    }()
    static let margins = "variable,level,target\nregion,Nord,4000\nregion,Sud,3500\nregion,Est,2500\ntaille,petite,7000\ntaille,grande,3000\n"

    /// Streaming settings compared with the whole-file read: default chunks; tiny chunks (a few records each);
    /// chunks of about 40 records with no memory budget (one pass per variable).
    static let settings: [[String: String]] = [
        [:],
        ["WEIGHTING_STREAM_CHUNK_BYTES": "64"],
        ["WEIGHTING_STREAM_CHUNK_BYTES": "1500", "WEIGHTING_STREAM_BUDGET_BYTES": "0"],
    ]

    static let commands: [[String]] = [
        ["estimate", "s.csv", "--variables", "oui,score,late,taille", "--weight", "w", "--by", "region"],
        ["estimate", "s.csv", "--variables", "oui,score", "--weight", "w", "--strata", "strate", "--cluster", "psu",
         "--format", "json", "--output", "out.json"],
        ["estimate", "s.csv", "--variables", "oui,score", "--margins", "m.csv", "--method", "raking", "--by", "taille",
         "--output", "out.csv"],
        ["estimate", "s.csv", "--variables", "score", "--statistic", "ratio", "--denominator", "w", "--by", "region,taille"],
        ["estimate", "s.csv", "--variables", "score", "--statistic", "total", "--weight", "w", "--format", "md"],
        ["estimate", "s.csv", "--variables", "score", "--statistic", "quantile", "--quantiles", "0.25,0.5", "--weight", "w"],
        ["estimate", "s.csv", "--variables", "oui", "--margins", "m.csv", "--variance", "bootstrap", "--replicates", "20",
         "--cluster", "psu"],
        ["compare", "s.csv", "--variables", "oui,score,late", "--margins", "m.csv", "--by", "taille", "--format", "csv"],
        ["compare", "s.csv", "--variables", "oui", "--margins", "m.csv", "--format", "json", "--output", "out.json"],
        ["change", "--wave1", "s.csv", "--wave2", "w2.csv", "--id", "id", "--weight", "w", "--variables", "oui,score",
         "--by", "taille"],
        ["change", "--wave1", "s.csv", "--wave2", "w2.csv", "--id", "id", "--margins", "m.csv", "--covariates", "region,taille",
         "--variables", "oui,score", "--format", "json", "--output", "out.json"],
        ["change", "--wave1", "s.csv", "--wave2", "w2.csv", "--id", "id", "--margins", "m.csv", "--covariates", "region,taille",
         "--variables", "score", "--variance", "bootstrap", "--replicates", "20"],
        ["change", "--wave1", "s.csv", "--wave2", "w2.csv", "--weight", "w", "--variables", "late"],
        ["change", "--long", "long.csv", "--wave-column", "vague", "--id", "id", "--weight", "w", "--variables", "oui,score",
         "--by", "taille", "--format", "csv", "--output", "out.csv"],
        ["change", "--long", "long.csv", "--wave-column", "vague", "--id", "id", "--margins", "m.csv",
         "--covariates", "region,taille", "--variables", "oui", "--format", "json", "--output", "out.json"],
        ["test", "s.csv", "--variable", "score", "--by", "region", "--pairwise", "--adjust", "holm", "--weight", "w",
         "--strata", "strate", "--cluster", "psu"],
        ["test", "s.csv", "--variable", "score", "--by", "taille", "--ttest", "--margins", "m.csv",
         "--method", "raking", "--format", "json", "--output", "out.json"],
        ["test", "s.csv", "--chisq", "oui,region", "--variable", "late", "--category", "1", "--by", "region",
         "--all-equal", "--weight", "w"],
        ["test", "s.csv", "--variable", "score", "--statistic", "ratio", "--denominator", "w", "--by", "taille",
         "--contrast", "grande - petite", "--format", "csv", "--output", "out.csv"],
        // Errors: an unknown variable, a weight that is not a number, a domain absent, a ratio's text denominator.
        ["estimate", "s.csv", "--variables", "absent", "--weight", "w"],
        ["estimate", "s.csv", "--variables", "score", "--weight", "note"],
        ["estimate", "s.csv", "--variables", "score", "--by", "nulle_part"],
        ["estimate", "s.csv", "--variables", "score", "--statistic", "ratio", "--denominator", "late"],
    ]

    struct Run: Equatable {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String?
    }

    static func run(_ arguments: [String], files: [String: String], environment: [String: String]) throws -> Run {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, text) in files { try dir.write(name, text) }
        let result = try CLI.run(arguments, in: dir, environment: environment)
        let output = ["out.json", "out.csv"].first { dir.exists($0) }
        return Run(status: result.status, stdout: result.stdout, stderr: result.stderr,
                   output: try output.map { try dir.read($0) })
    }

    @Test("same status, messages and bytes as the whole-file read, for every chunk size and budget",
          arguments: commands)
    func sameAsWholeFile(_ arguments: [String]) throws {
        let files = ["s.csv": Self.data, "m.csv": Self.margins, "w2.csv": Self.wave2, "long.csv": Self.long]
        let whole = try Self.run(arguments, files: files, environment: ["WEIGHTING_STREAM": "0"])
        #expect(!whole.stdout.isEmpty || whole.output != nil || whole.status != 0)
        // The change commands run (the last one names the variable wave 2 lacks).
        if arguments[0] == "change" { #expect((whole.status == 0) == !arguments.contains("late"), "\(whole.stderr)") }
        if arguments.contains("long.csv") { #expect(whole.output?.isEmpty == false) }
        if arguments[0] == "test" { #expect(whole.status == 0, "\(whole.stderr)") }
        for setting in Self.settings {
            let streamed = try Self.run(arguments, files: files, environment: setting)
            #expect(streamed == whole, "\(setting): \(streamed.stderr)")
        }
    }

    /// Malformed files: the first problem in file order is reported, with its line and column, even when an
    /// earlier chunk holds a value that is not a number in a column the command uses.
    @Test("malformed files give the whole-file read's error", arguments: [
        // A ragged row after a weight that is not a number.
        "id,v,w\n1,2,3\n2,3,x\n3,4\n",
        // A stray quote late in the file.
        "id,v,w\n1,2,3\n2,3,4\n3,4,5\n4,a\"b,6\n",
        // Invalid UTF-8 in the last record.
        "id,v,w\n1,2,3\n2,3,4\n3,\u{FFFD}4,5\n",
        // Header only.
        "id,v,w\n",
        // A weight that is infinite.
        "id,v,w\n1,2,3\n2,3,1e999\n",
    ])
    func malformed(_ text: String) throws {
        let arguments = ["estimate", "bad.csv", "--variables", "v", "--weight", "w"]
        var bytes = Array(text.utf8)
        if let k = text.range(of: "\u{FFFD}") {  // replace the marker by a byte that is not UTF-8
            let offset = text.utf8.distance(from: text.utf8.startIndex, to: k.lowerBound)
            bytes.replaceSubrange(offset..<offset + 3, with: [0xFF])
        }
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.csv")
        try Data(bytes).write(to: path)
        func runHere(_ env: [String: String]) throws -> Run {
            let result = try CLI.run(arguments, in: dir, environment: env)
            return Run(status: result.status, stdout: result.stdout, stderr: result.stderr, output: nil)
        }
        let whole = try runHere(["WEIGHTING_STREAM": "0"])
        #expect(whole.status != 0)
        for setting in Self.settings {
            #expect(try runHere(setting) == whole, "\(setting)")
        }
    }
}
