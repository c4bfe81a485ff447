import Foundation
import Testing
import WeightingTestSupport
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation

/// Issue 14 against R survey 4.1.1 (`Fixtures/realdata/make_realdata.R`, `apistrat` with a rare indicator and a
/// calibration variable blanked for every 13th school): proportion intervals near and at 0 and 1, and
/// calibration with missing values (missing as a level; left out of the margin's constraints).
@Suite("Real data: golden values from R")
struct RealDataGoldenTests {
    static let folder = fixturesURL().appendingPathComponent("realdata")

    /// `case/quantity → value` from `golden_realdata.csv` (20 rows).
    static func golden() throws -> [String: Double] {
        let t = try Table(contentsOf: folder.appendingPathComponent("golden_realdata.csv").path)
        let c = try t.categorical("case"), q = try t.categorical("quantity"), v = try t.numeric("value").values
        var out: [String: Double] = [:]
        for i in 0..<t.rowCount { out["\(c[i]!)/\(q[i]!)"] = v[i] }
        return out
    }

    static func data() throws -> Table { try Table(contentsOf: folder.appendingPathComponent("apistrat_missing.csv").path) }

    static func stratified(_ t: Table) throws -> SurveyDesign {
        try SurveyDesign(table: t, weight: "pw", strata: "stype", fpc: "fpc")
    }

    @Test("the fixture holds its 20 golden rows") func fixtureSize() throws {
        #expect(try Self.golden().count == 20)
    }

    @Test("logit (the default) and Korn-Graubard intervals of a proportion of 1 in 50 equal R's svyciprop")
    func nearZero() throws {
        let g = try Self.golden(), t = try Self.data()
        // `high` is numeric 0/1 (a mean, with a Wald interval); its categorical reading gives proportions.
        var table = t
        table.setCategorical("high_c", CategoricalColumn(try t.numeric("high").values.map { $0 == 1 ? "yes" : "no" }))
        for (method, key) in [(IntervalMethod.logit, "logit"), (.beta, "beta")] {
            let es = try SurveyEstimator(table: table, design: try Self.stratified(table), interval: method)
                .estimate(variables: ["high_c"], statistic: .mean, by: ["stype"])
            let h = try #require(es.first { $0.domain == "stype=H" && $0.level == "yes" })
            #expect(relativeError(h.estimate, g["ciprop_H_\(key)/estimate"]!) < 1e-8)
            #expect(relativeError(try #require(h.ciLow), g["ciprop_H_\(key)/ci_low"]!) < 1e-6)
            #expect(relativeError(try #require(h.ciHigh), g["ciprop_H_\(key)/ci_high"]!) < 1e-6)
            #expect(h.intervalMethod == (method == .logit ? "logit" : "korn-graubard"))
        }
    }

    @Test("at 0 and 1 the default interval is Korn-Graubard with n as effective size (NCHS), inside [0, 1], as the closed form")
    func atZeroAndOne() throws {
        let g = try Self.golden()
        var table = try Self.data()
        table.setCategorical("high_c", CategoricalColumn(try table.numeric("high").values.map { $0 == 1 ? "yes" : "no" }))
        let es = try SurveyEstimator(table: table, design: try Self.stratified(table))
            .estimate(variables: ["high_c"], statistic: .mean, by: ["cname"])
        let no = try #require(es.first { $0.domain == "cname=Fresno" && $0.level == "no" })
        #expect(no.estimate == 1)
        #expect(no.n == Int(g["ciprop_Fresno_zero/n"]!))
        #expect(no.df == g["ciprop_Fresno_zero/df"]!)
        #expect(no.intervalMethod == "korn-graubard")
        #expect(relativeError(try #require(no.ciLow), g["ciprop_Fresno_one/ci_low"]!) < 1e-9)
        #expect(try #require(no.ciHigh) == 1)
        // The level "yes" has no respondent in Fresno: its proportion is 0 with the mirrored interval.
        if let yes = es.first(where: { $0.domain == "cname=Fresno" && $0.level == "yes" }) {
            #expect(yes.estimate == 0)
            #expect(try #require(yes.ciLow) == 0)
            #expect(relativeError(try #require(yes.ciHigh), g["ciprop_Fresno_zero/ci_high"]!) < 1e-9)
        }
        for e in es { if let lo = e.ciLow, let hi = e.ciHigh { #expect(lo >= 0 && hi <= 1 && lo <= e.estimate && e.estimate <= hi) } }
    }

    static func weights(_ file: String) throws -> [Double] {
        try Table(contentsOf: folder.appendingPathComponent(file).path).numeric("weight").values
    }

    static func calibrated(_ policy: MissingValuePolicy, method: CalibrationMethod, margins file: String) throws
        -> (Table, CalibrationResult, [String]) {
        let t = try data()
        let margins = try MarginsFile.read(folder.appendingPathComponent(file).path)
        let prepared = try MissingCalibrationValues(table: t, margins: margins, policy: policy)
        let result = try Calibrator(margins: prepared.margins, method: method,
                                    options: CalibrationOptions(maxIterations: 1000, tolerance: 1e-11))
            .calibrate(prepared.table, weightColumn: "pw")
        return (t, result, prepared.notes)
    }

    @Test("missing as its own level NA: raked weights, a mean and an na.rm mean with their SEs equal R's addNA calibration")
    func missingLevel() throws {
        let g = try Self.golden()
        let (t, result, notes) = try Self.calibrated(.level, method: .raking, margins: "margins_missing_level.csv")
        let r = try Self.weights("weights_missing_level_raking.csv")
        #expect(zip(result.weights, r).allSatisfy { relativeError($0, $1) < 1e-8 })
        #expect(notes == ["stype_m: 15 missing value(s) calibrated as the level NA"])
        let design = try SurveyDesign(table: t, weight: "pw").calibrated(result)
        let es = try SurveyEstimator(table: t, design: design).estimate(variables: ["api00", "api99_m"], statistic: .mean)
        #expect(relativeError(es[0].estimate, g["missing_level_raking/api00_mean"]!) < 1e-8)
        #expect(relativeError(es[0].se, g["missing_level_raking/api00_se"]!) < 1e-6)
        #expect(relativeError(es[1].estimate, g["missing_level_raking/api99_m_mean"]!) < 1e-8)
        #expect(relativeError(es[1].se, g["missing_level_raking/api99_m_se"]!) < 1e-6)
        #expect(es[1].missing == 12)
    }

    @Test("missing left out of its margin: weights and the mean's SE equal R's calibrate on share-among-known auxiliaries",
          arguments: ["linear", "raking"])
    func missingExcluded(method: String) throws {
        let g = try Self.golden()
        let (t, result, notes) = try Self.calibrated(.exclude, method: method == "linear" ? .linear : .raking,
                                                     margins: "margins_stype_schwide.csv")
        let r = try Self.weights("weights_missing_exclude_\(method).csv")
        #expect(zip(result.weights, r).allSatisfy { relativeError($0, $1) < 1e-8 })
        #expect(notes.first?.hasPrefix("stype_m: 15 record(s) with a missing value left out") == true)
        // The shares of stype among the schools where it is known equal the population's.
        let stype = try t.categorical("stype_m")
        var known = 0.0, e = 0.0
        for i in 0..<t.rowCount where stype[i] != nil { known += result.weights[i]; if stype[i] == "E" { e += result.weights[i] } }
        #expect(abs(e / known - 4421.0 / 6194) < 1e-9)
        let design = try SurveyDesign(table: t, weight: "pw").calibrated(result)
        let m = try SurveyEstimator(table: t, design: design).estimate(variables: ["api00"], statistic: .mean)[0]
        #expect(relativeError(m.estimate, g["missing_exclude_\(method)/api00_mean"]!) < 1e-8)
        #expect(relativeError(m.se, g["missing_exclude_\(method)/api00_se"]!) < 1e-6)
    }

    @Test("a target for the NA level of a variable with no missing value is refused, naming the variable")
    func missingLevelWithoutMissing() throws {
        let t = try Self.data()
        let margins = Margins(categorical: [try CategoricalMargin(variables: ["stype"], levels: [["E"], ["H"], ["M"], ["NA"]],
                                                              targets: [4000, 700, 1000, 494])])
        for policy in MissingValuePolicy.allCases {
            #expect(throws: MissingValueError.missingLevelWithoutMissingValues(variable: "stype", margin: "stype")) {
                _ = try MissingCalibrationValues(table: t, margins: margins, policy: policy)
            }
        }
    }

    @Test("by default a missing calibration value fails, naming the variable, the count and the first line")
    func missingFails() throws {
        let t = try Self.data()
        let margins = try MarginsFile.read(Self.folder.appendingPathComponent("margins_stype_schwide.csv").path)
        let message = errorText { _ = try Calibrator(margins: margins, method: .raking).calibrate(t, weightColumn: "pw") }
        #expect(message.contains("'stype_m' is missing for 15 record(s), first at"))
        #expect(message.contains(":14:"))
    }
}
