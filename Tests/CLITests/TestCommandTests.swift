import Foundation
import WeightingTestSupport
import Testing

/// `weight-cli test` end to end against R survey (the values of `Tests/WeightingTests/Fixtures/contrasts`,
/// made by `make_contrasts.R`): domains against the whole, Holm-adjusted pairs, a ratio contrast, the Wald
/// test, `svyttest` and `svychisq`, on the uncalibrated and the raked `apistrat` and on its re-calibrated JKn.
@Suite("weight-cli test against R survey")
struct TestCommandTests {
    static let golden = CLI.repositoryRoot.appendingPathComponent("Tests/WeightingTests/Fixtures/golden")
    static let contrasts = CLI.repositoryRoot.appendingPathComponent("Tests/WeightingTests/Fixtures/contrasts/contrasts.csv")

    struct Row: Decodable {
        var comparison: String
        var estimate, se, statistic, df, ddf, pValue, pAdjusted: Double?
    }

    /// The R rows of one design, by kind and spec (and adjustment method).
    static func expected(design: String) throws -> [[String: String]] {
        let lines = try String(contentsOf: contrasts, encoding: .utf8).split(separator: "\n").map(String.init)
        func fields(_ l: String) -> [String] { l.components(separatedBy: "\",\"").map { $0.replacingOccurrences(of: "\"", with: "") } }
        let header = fields(lines[0])
        return lines.dropFirst().map { l in Dictionary(uniqueKeysWithValues: zip(header, fields(l))) }.filter { $0["design"] == design }
    }

    static func close(_ got: Double?, _ want: String?, _ tol: Double) -> Bool {
        guard let want, let w = Double(want), let got else { return false }
        return abs(got - w) <= tol * abs(w)
    }

    static let designs: [(String, [String])] = [
        ("strat", ["--strata", "stype", "--fpc", "fpc"]),
        ("strat_cal_raking", ["--strata", "stype", "--fpc", "fpc", "--margins", golden.appendingPathComponent("margins_stype_schwide.csv").path,
                              "--method", "raking"]),
        ("jkn_cal_linear", ["--strata", "stype", "--fpc", "fpc", "--variance", "jkn", "--margins",
                            golden.appendingPathComponent("margins_stype_schwide_api99.csv").path, "--method", "linear"]),
    ]

    @Test("comparisons and tests of weight-cli test equal R's", arguments: [0, 1, 2])
    func matchesR(_ index: Int) throws {
        let (design, options) = Self.designs[index]
        let want = try Self.expected(design: design)
        #expect(want.count > 20)
        let data = Self.golden.appendingPathComponent("apistrat.csv").path
        let run = try CLI.run(["test", data, "--variable", "api00", "--by", "stype", "--against-total", "--pairwise",
                             "--contrast", "E / H", "--all-equal", "--chisq", "stype,awards", "--weight", "pw", "--format", "json", "--quiet"] + options)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try JSONDecoder().decode([Row].self, from: Data(run.stdout.utf8))
        func row(_ c: String) -> Row? { rows.first { $0.comparison == c } }
        func want1(_ kind: String, _ spec: String = "", method: String = "") -> [String: String] {
            want.first { $0["kind"] == kind && $0["spec"] == spec && ($0["stat_method"] ?? "") == method && $0["variable"] != "sch_wide" && $0["variable"] != "ell" && ($0["by"] == "stype" || $0["by"] == "awards") } ?? [:]
        }
        for lev in ["E", "H", "M"] {
            let got = row("api00 mean: \(lev) - all"), e = want1("whole", "\(lev) - *")
            #expect(Self.close(got?.estimate, e["estimate"], 1e-8) && Self.close(got?.se, e["se"], 1e-6), "\(design) \(lev) - all: \(String(describing: got)) vs \(e)")
        }
        for pair in ["E - H", "E - M", "H - M"] {
            let got = row("api00 mean: \(pair)"), e = want1("pairwise", pair, method: "holm")
            #expect(Self.close(got?.pAdjusted, e["p_value"], 1e-6), "\(design) \(pair): \(String(describing: got)) vs \(e)")
        }
        let ratio = row("api00 mean: E / H"), er = want1("ratio", "E / H")
        #expect(Self.close(ratio?.estimate, er["estimate"], 1e-8) && Self.close(ratio?.se, er["se"], 1e-6), "\(design) E / H")
        let wald = row("api00 mean: all 3 domains equal"), ew = want1("wald", "all equal")
        #expect(Self.close(wald?.statistic, ew["stat"], 1e-6) && Self.close(wald?.pValue, ew["p_value"], 1e-6), "\(design) Wald: \(String(describing: wald)) vs \(ew)")
        let f = row("stype x awards: Rao-Scott F (second order)"), ef = want.first { $0["kind"] == "chisq_F" && $0["by"] == "awards" } ?? [:]
        #expect(Self.close(f?.statistic, ef["stat"], 1e-6) && Self.close(f?.ddf, ef["ddf"], 1e-6) && Self.close(f?.pValue, ef["p_value"], 1e-6), "\(design) F")
        let c = row("stype x awards: Rao-Scott chi-square (first order)"), ec = want.first { $0["kind"] == "chisq_Chisq" && $0["by"] == "awards" } ?? [:]
        #expect(Self.close(c?.pValue, ec["p_value"], 1e-6), "\(design) Chisq")

        let t = try CLI.run(["test", data, "--variable", "api00", "--by", "sch_wide", "--ttest", "--weight", "pw", "--format", "json", "--quiet"] + options)
        let trow = try JSONDecoder().decode([Row].self, from: Data(t.stdout.utf8)).first
        let et = want.first { $0["kind"] == "ttest" && $0["variable"] == "api00" } ?? [:]
        #expect(Self.close(trow?.estimate, et["estimate"], 1e-8) && Self.close(trow?.statistic, et["stat"], 1e-6)
                && Self.close(trow?.pValue, et["p_value"], 1e-6) && trow?.df == Double(et["df"] ?? ""), "\(design) t test: \(String(describing: trow)) vs \(et)")
    }
}
