import Foundation
import Testing
import WeightingTestSupport

/// `attrition` reads delimited wave files in chunks and writes their weighted copies and the longitudinal file
/// by reading them again (`AttritionStreaming.swift`): these tests run the binary with the files read whole
/// (`WEIGHTING_STREAM=0`, the previous path) and streamed with several chunk sizes and memory budgets, and
/// require the same exit status, the same standard output and error, and byte-identical outputs (every file of
/// the output folder), on separate wave files and a long file, with line endings LF, CR LF, lone CR, a
/// byte-order mark and a last line without ending.
@Suite("streamed attrition matches the whole-file path")
struct StreamingAttritionTests {
    /// Wave 1: 150 communes, a base weight, numeric and text covariates, a covariate with missing values, a
    /// weight that stops being a number late in the file, quoted fields (a delimiter, a line break, doubled
    /// quotes). Waves 2 and 3: those who stay (some skip wave 2), and newcomers.
    static let waves: (String, String, String, String) = {
        var w1 = "id,region,taille,maturite,site_web,w,score,late,note\n"
        var w2 = "id,region,taille,site,note\n", w3 = "id,region,taille,site\n"
        var long = "vague,id,region,taille,maturite,site_web,w,note\n"
        for i in 0..<150 {
            let region = ["Nord", "Sud", "Est"][i % 3], taille = ["petite", "grande"][(i / 3) % 2]
            let maturite = Double((i * 37) % 100) / 10
            let site = i % 4 == 0 ? "oui" : "non"
            let w = 1 + Double(i % 3) / 2
            let score = i % 13 == 0 ? "NA" : String(i % 9)
            let late = i < 140 ? String(1 + i % 3) : "x"
            let note = i % 25 == 0 ? "\"deux\nlignes, \"\"citées\"\"\"" : (i % 7 == 0 ? "\"a,b\"" : "rien")
            w1 += "c\(i),\(region),\(taille),\(maturite),\(site),\(w),\(score),\(late),\(note)\n"
            long += "1,c\(i),\(region),\(taille),\(maturite),\(site),\(w),\(note)\n"
            let in2 = (i * 37) % 100 > 35 || i % 4 == 0
            if in2 {
                w2 += "c\(i),\(region),\(taille),\(i % 2 == 0 ? "oui" : "non"),\(note)\n"
                long += "2,c\(i),\(region),\(taille),,,,\(note)\n"
            }
            if (in2 && i % 5 != 0) || i % 11 == 0 {
                w3 += "c\(i),\(region),\(taille),\(i % 3 == 0 ? "oui" : "non")\n"
                long += "3,c\(i),\(region),\(taille),,,,rien\n"
            }
        }
        for (k, region) in ["Nord", "Sud", "Est", "Nord"].enumerated() {
            w2 += "n\(k),\(region),petite,oui,\"nouvelle, \"\"commune\"\"\"\n"
            long += "2,n\(k),\(region),petite,,,,\"nouvelle, \"\"commune\"\"\"\n"
        }
        w3 += "n1,Sud,petite,oui\nnouveau1,Est,grande,non\n"
        long += "3,nouveau1,Est,grande,,,,rien\n3,n1,Sud,petite,,,,rien\n"
        return (w1, w2, w3, long)
    }()
    static let margins = "variable,level,target\nregion,Nord,400\nregion,Sud,350\nregion,Est,250\ntaille,petite,700\ntaille,grande,300\n"
    /// With a numeric total (calibrated linearly).
    static let numericMargins = margins + "maturite,,5000\n"

    /// How the CSV files are laid out.
    enum Layout: String, CaseIterable, Sendable {
        case lf, crlf, bomCRLF, cr, noFinalNewline, mixed

        func apply(_ text: String) -> [UInt8] {
            switch self {
            case .lf: return Array(text.utf8)
            case .crlf: return Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
            case .bomCRLF: return [0xEF, 0xBB, 0xBF] + Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
            case .cr: return Array(text.replacingOccurrences(of: "\n", with: "\r").utf8)
            case .noFinalNewline: return Array(text.dropLast().utf8)
            case .mixed:
                var out = "", k = 0
                for c in text.dropLast() {
                    guard c == "\n" else { out.append(c); continue }
                    out += ["\n", "\r\n", "\r"][k % 3]
                    k += 1
                }
                return Array(out.utf8)
            }
        }
    }

    /// The input files, laid out.
    static func files(_ layout: Layout) -> [String: [UInt8]] {
        let (w1, w2, w3, long) = waves
        var files = ["v1.csv": w1, "v2.csv": w2, "v3.csv": w3, "long.csv": long,
                     "m.csv": margins, "m2.csv": numericMargins]
        // Bad inputs: an identifier twice in wave 2 (a long file's wave 2), a column attrition writes.
        files["v2dup.csv"] = w2 + "c4,Nord,petite,oui,rien\n"
        files["longdup.csv"] = long + "2,c8,Est,petite,,,,rien\n"
        files["v1weight.csv"] = w1.replacingOccurrences(of: "id,region,taille,maturite,site_web,w,", with: "id,region,taille,maturite,site_web,weight,")
        files["longpanel.csv"] = long.replacingOccurrences(of: "vague,id,region,taille,maturite,site_web,w,", with: "vague,id,region,taille,maturite,site_web,in_panel,")
        files["v3ragged.csv"] = w3 + "z1,Nord\n"
        return files.mapValues { layout.apply($0) }
    }

    static let separate = ["attrition", "--wave1", "v1.csv", "--wave", "v2.csv", "--wave", "v3.csv", "--id", "id"]
    static let longFile = ["attrition", "--long", "long.csv", "--wave-column", "vague", "--id", "id"]

    static let commands: [[String]] = [
        // Replicates, newcomers excluded, a base weight, --calibrate-to-wave1 numeric, a JSON report.
        separate + ["--covariates", "region,taille,maturite", "--margins", "m.csv", "--calibrate-to-wave1", "maturite",
                    "--classes", "3", "--replicates", "20", "--newcomers", "exclude", "--weight", "w",
                    "--output-dir", "out", "--report", "out/r.json"],
        // Newcomers combined, retention by group, --calibrate-to-wave1 text, a Markdown report.
        separate + ["--covariates", "region,maturite", "--margins", "m.csv", "--calibrate-to-wave1", "site_web",
                    "--group-by", "taille", "--output-dir", "out", "--report", "out/r.md"],
        // Longitudinal weights from wave 2 (covariates read from wave 2), inverse propensity.
        separate + ["--covariates", "region,taille", "--margins", "m.csv", "--longitudinal", "2,3",
                    "--adjustment", "propensity", "--max-factor", "4", "--output-dir", "out"],
        // Missing covariate values as an indicator; an HTML report.
        separate + ["--covariates", "region,score", "--missing-covariates", "indicator", "--margins", "m.csv",
                    "--output-dir", "out", "--report", "out/r.html"],
        // A numeric total (linear calibration), newcomers excluded.
        separate + ["--covariates", "region,taille", "--margins", "m2.csv", "--method", "linear", "--newcomers", "exclude",
                    "--replicates", "5", "--output-dir", "out"],
        // A long file: replicates, a base weight.
        longFile + ["--covariates", "region,taille,maturite", "--margins", "m.csv", "--replicates", "10", "--weight", "w",
                    "--calibrate-to-wave1", "maturite", "--output-dir", "out"],
        // A long file: longitudinal 1,3, newcomers excluded, a numeric total.
        longFile + ["--covariates", "region,maturite", "--margins", "m2.csv", "--method", "linear", "--longitudinal", "1,3",
                    "--newcomers", "exclude", "--group-by", "region", "--output-dir", "out", "--report", "out/r.json"],
        // Errors: newcomers to combine without the numeric total's column; an identifier twice; a column
        // attrition writes; a weight that stops being a number; an unknown covariate; a ragged record.
        separate + ["--covariates", "region,taille", "--margins", "m2.csv", "--method", "linear", "--output-dir", "out"],
        ["attrition", "--wave1", "v1.csv", "--wave", "v2dup.csv", "--id", "id", "--covariates", "region",
         "--margins", "m.csv", "--output-dir", "out"],
        ["attrition", "--long", "longdup.csv", "--wave-column", "vague", "--id", "id", "--covariates", "region",
         "--margins", "m.csv", "--output-dir", "out"],
        ["attrition", "--wave1", "v1weight.csv", "--wave", "v2.csv", "--id", "id", "--covariates", "region",
         "--margins", "m.csv", "--output-dir", "out"],
        ["attrition", "--long", "longpanel.csv", "--wave-column", "vague", "--id", "id", "--covariates", "region",
         "--margins", "m.csv", "--output-dir", "out"],
        separate + ["--covariates", "region", "--margins", "m.csv", "--weight", "late", "--output-dir", "out"],
        separate + ["--covariates", "region,age", "--margins", "m.csv", "--output-dir", "out"],
        ["attrition", "--wave1", "v1.csv", "--wave", "v3ragged.csv", "--id", "id", "--covariates", "region",
         "--margins", "m.csv", "--output-dir", "out"],
    ]

    /// Streaming settings compared with the whole-file read: default chunks; tiny chunks (a record or two each);
    /// chunks of about 25 records with no memory budget.
    static let settings: [[String: String]] = [
        [:],
        ["WEIGHTING_STREAM_CHUNK_BYTES": "64"],
        ["WEIGHTING_STREAM_CHUNK_BYTES": "1500", "WEIGHTING_STREAM_BUDGET_BYTES": "0"],
    ]

    /// One command on one layout of the files.
    struct Case: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var layout: Layout
        var testDescription: String { "\(layout.rawValue): \(arguments.dropFirst().joined(separator: " "))" }
    }

    /// Every command on LF files; the first two (separate files, newcomers excluded and combined), the long
    /// file's first, and two error cases on every other layout.
    static let cases: [Case] = commands.map { Case(arguments: $0, layout: .lf) }
        + Layout.allCases.dropFirst().flatMap { layout in
            [0, 1, 5, 8, 12].map { Case(arguments: commands[$0], layout: layout) }
        }

    /// What a run gave: status, messages, and every file of the output folder.
    struct Run: Equatable {
        var status: Int32
        var stdout: String
        var stderr: String
        var outputs: [String: [UInt8]]
    }

    static func run(_ arguments: [String], files: [String: [UInt8]], environment: [String: String]) throws -> Run {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, bytes) in files { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        let result = try CLI.run(arguments, in: dir, environment: environment)
        var outputs: [String: [UInt8]] = [:]
        let folder = dir.appendingPathComponent("out")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            outputs[name] = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
        }
        // Inputs are never modified.
        for (name, bytes) in files { #expect(Array(try Data(contentsOf: dir.appendingPathComponent(name))) == bytes) }
        return Run(status: result.status, stdout: result.stdout, stderr: result.stderr, outputs: outputs)
    }

    @Test("same status, messages and output bytes as the whole-file read, for every chunk size and budget",
          arguments: cases)
    func sameAsWholeFile(_ c: Case) throws {
        let files = Self.files(c.layout)
        let whole = try Self.run(c.arguments, files: files, environment: ["WEIGHTING_STREAM": "0"])
        // The commands before the errors succeed and write every file; the errors write nothing.
        let succeeds = Self.commands.firstIndex(of: c.arguments)! < 7
        #expect((whole.status == 0) == succeeds, "\(whole.stderr)")
        if succeeds {
            let expected = c.arguments.contains("--long") ? ["long_weighted.csv", "longitudinal.csv"]
                : ["wave1_weighted.csv", "wave2_weighted.csv", "wave3_weighted.csv", "longitudinal.csv"]
            for name in expected { #expect(whole.outputs[name] != nil, "\(name)") }
        } else {
            #expect(whole.outputs.isEmpty)
        }
        for setting in Self.settings {
            let streamed = try Self.run(c.arguments, files: files, environment: setting)
            #expect(streamed.status == whole.status, "\(setting)")
            #expect(streamed.stdout == whole.stdout, "\(setting)")
            #expect(streamed.stderr == whole.stderr, "\(setting)")
            #expect(streamed.outputs.keys.sorted() == whole.outputs.keys.sorted(), "\(setting)")
            for (name, bytes) in whole.outputs {
                #expect(streamed.outputs[name] == bytes, "\(setting): \(name) differs")
            }
        }
    }
}
