import Foundation
import Testing
import WeightingTestSupport

/// `--cap` and `--scale` wherever one calibrates (`estimate`, `test`), re-applied in every replicate, and the
/// `missing` count of every `test` output (issues 15 and 14).
@Suite("Caps, scaling and missing counts in estimate and test")
struct ChoicesEverywhereTests {
    static let files = CLI.repositoryRoot.appendingPathComponent("Tests/CLITests/BadInputs/files")
    static func file(_ name: String) -> String { files.appendingPathComponent(name).path }

    /// Columns of a CSV text (no quoted commas in these files), by header name.
    static func columns(_ text: String) -> [String: [String]] {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard !lines.isEmpty else { return [:] }
        var out: [String: [String]] = [:]
        for (j, name) in lines[0].enumerated() { out[name] = lines.dropFirst().map { $0[j] } }
        return out
    }

    /// `estimate` of good.csv calibrated to m.csv (60 records, N = 1000), with extra options; the CSV columns.
    static func estimate(_ extra: [String], in dir: URL? = nil) throws -> [String: [String]] {
        let r = try CLI.run(["estimate", file("good.csv"), "--weight", "d", "--margins", file("m.csv"), "--variables", "score"] + extra, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        return columns(r.stdout)
    }

    @Test("estimate --cap 1.5xmean: the weights and every jackknife replicate are capped at 1.5 x 1000/60 and meet the margins")
    func capInEveryReplicate() throws {
        let dir = try scratchDirectory()
        _ = try Self.estimate(["--statistic", "total", "--cap", "1.5xmean", "--variance", "jk1", "--write-replicates", "reps.csv"], in: dir)
        let reps = Self.columns(try dir.read("reps.csv"))
        let cap = 1.5 * 1000 / 60
        let region = reps["region"]!, taille = reps["taille"]!
        let weight = reps["weight"]!.map { Double($0)! }
        // The uncapped raking reaches 38.7 (2.3 x mean): the cap binds.
        #expect(abs(weight.max()! - cap) < 1e-6, "largest weight \(weight.max()!)")
        for r in 1...60 {
            let w = reps["rep_\(r)"]!.map { Double($0)! }
            #expect(w.max()! <= cap * (1 + 1e-9), "replicate \(r): largest weight \(w.max()!)")
            for (variable, level, target) in [(region, "Nord", 400.0), (region, "Sud", 350), (taille, "petite", 700)] {
                let achieved = zip(variable, w).reduce(0.0) { $1.0 == level ? $0 + $1.1 : $0 }
                #expect(abs(achieved - target) < 1e-6, "replicate \(r): \(level) \(achieved)")
            }
        }
    }

    @Test("estimate --scale mean1 multiplies totals and their SE by n/N and leaves means unchanged",
          arguments: [["--variance", "linearization"], ["--variance", "jk1"]])
    func scaleInEstimate(variance: [String]) throws {
        for statistic in ["total", "mean"] {
            let plain = try Self.estimate(["--statistic", statistic] + variance)
            let scaled = try Self.estimate(["--statistic", statistic, "--scale", "mean1"] + variance)
            let factor = statistic == "total" ? 60.0 / 1000 : 1
            for column in ["estimate", "se"] {
                let a = Double(plain[column]![0])!, b = Double(scaled[column]![0])!
                #expect(abs(b - factor * a) <= 1e-9 * abs(a), "\(statistic) \(column): \(b) vs \(factor) x \(a)")
            }
        }
    }

    @Test("test --scale and --cap: a total against the whole scales by n/N; the cap changes the comparison")
    func shapeInTest() throws {
        func run(_ extra: [String]) throws -> [String: [String]] {
            let r = try CLI.run(["test", Self.file("good.csv"), "--weight", "d", "--margins", Self.file("m.csv"), "--variable", "score",
                                 "--statistic", "total", "--by", "region", "--against-total"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return Self.columns(r.stdout)
        }
        let plain = try run([]), scaled = try run(["--scale", "mean1"]), capped = try run(["--cap", "1.5xmean"])
        for k in plain["estimate"]!.indices {
            let a = Double(plain["estimate"]![k])!, b = Double(scaled["estimate"]![k])!
            #expect(abs(b - 0.06 * a) <= 1e-9 * abs(a))
            #expect(abs(Double(scaled["se"]![k])! - 0.06 * Double(plain["se"]![k])!) <= 1e-9 * Double(plain["se"]![k])!)
        }
        #expect(capped["estimate"]! != plain["estimate"]!)
    }

    @Test("--cap or --scale without --margins is refused (exit 1)")
    func shapeNeedsMargins() throws {
        let r = try CLI.run(["estimate", Self.file("good.csv"), "--weight", "d", "--variables", "score", "--scale", "n"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--scale shapes calibrated weights: give --margins"), "\(r.stderr)")
    }

    /// 9 records in 3 domains; `y` blank in 2 records of A and 1 of B; `c` blank in one record.
    static let withBlanks = """
        g,y,c,w
        A,1,x,1
        A,,x,1
        A,,y,2
        A,3,y,1
        B,2,x,1
        B,,y,1
        B,5,x,2
        C,4,y,1
        C,6,,1
        """

    @Test("every output of test says how many values of the compared variable were missing", arguments: ["csv", "json", "md"])
    func missingInTestOutputs(format: String) throws {
        let dir = try scratchDirectory()
        let data = try dir.write("blanks.csv", Self.withBlanks + "\n")
        let r = try CLI.run(["test", data, "--variable", "y", "--by", "g", "--pairwise", "--weight", "w", "--format", format])
        #expect(r.status == 0, "\(r.stderr)")
        switch format {
        case "csv":
            let c = Self.columns(r.stdout)
            #expect(c["missing"] == ["3", "3", "3"], "\(r.stdout)")
        case "json":
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
            #expect(rows.count == 3 && rows.allSatisfy { $0["missing"] as? Int == 3 }, "\(r.stdout)")
        default:
            #expect(r.stdout.contains("| missing |"), "\(r.stdout)")
            #expect(r.stdout.split(whereSeparator: \.isNewline).dropFirst(2).allSatisfy { $0.hasSuffix("| 3 |") }, "\(r.stdout)")
        }
    }

    @Test("test --chisq counts the records missing either variable")
    func missingInChiSquare() throws {
        let dir = try scratchDirectory()
        let data = try dir.write("blanks.csv", Self.withBlanks + "\n")
        let r = try CLI.run(["test", data, "--chisq", "g,c", "--weight", "w"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.columns(r.stdout)["missing"] == ["1", "1"], "\(r.stdout)")
    }
}
