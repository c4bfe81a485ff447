import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Contrasts, domain comparisons and design-based tests against R survey 4.1.1 (`Fixtures/contrasts`, made by
/// `make_contrasts.R`): `svycontrast` of domain means, totals, ratios and proportions (a domain against
/// another, against the whole, the ratio of two domains), Holm and Bonferroni p-values of all pairs,
/// `regTermTest` (Wald, all domains equal), `svyttest` and `svychisq` ("F" and "Chisq") on `apistrat`,
/// `apiclus1` and the barometer sample, uncalibrated, calibrated (raking, linear) and with replicate weights
/// (JK1; JKn re-calibrated). Estimates to 1e-8, standard errors, statistics and p-values to 1e-6 (relative),
/// degrees of freedom exactly (to 1e-6 for the non-integer Rao–Scott ones).
@Suite("Contrasts and tests against R survey")
struct ContrastGoldenTests {
    static let folder = fixturesURL().appendingPathComponent("contrasts")
    static let golden = fixturesURL().appendingPathComponent("golden")

    /// Rows of contrasts.csv (a fixture that fails to load fails the count test).
    static let rowCount = 193

    struct Row: Sendable {
        var design, kind, variable, level, statistic, denominator, by, spec, method: String
        var estimate, se, df, stat, ndf, ddf, p: Double?
    }

    static func load() throws -> [Row] {
        let t = try Table(contentsOf: folder.appendingPathComponent("contrasts.csv").path)
        let text = try ["design", "kind", "variable", "level", "statistic", "denominator", "by", "spec", "stat_method"].map { try GoldenTests.column(t, $0) }
        let nums = try ["estimate", "se", "df", "stat", "ndf", "ddf", "p_value"].map { try GoldenTests.column(t, $0) }
        return (0..<t.rowCount).map { i in
            let v = nums.map { Double($0(i)) }
            return Row(design: text[0](i), kind: text[1](i), variable: text[2](i), level: text[3](i), statistic: text[4](i),
                       denominator: text[5](i), by: text[6](i), spec: text[7](i), method: text[8](i),
                       estimate: v[0], se: v[1], df: v[2], stat: v[3], ndf: v[4], ddf: v[5], p: v[6])
        }
    }

    static let rows: [Row] = (try? load()) ?? []
    static var designNames: [String] { Array(Set(rows.map(\.design))).sorted() }

    /// The designs of make_contrasts.R.
    static func estimator(_ name: String) throws -> SurveyEstimator {
        let file = name.hasPrefix("baro") ? "barometre.csv" : (name.contains("clus") ? "apiclus1.csv" : "apistrat.csv")
        let table = try Table(contentsOf: golden.appendingPathComponent(file).path)
        var design: SurveyDesign
        switch file {
        case "apistrat.csv": design = try SurveyDesign(table: table, weight: "pw", strata: "stype", fpc: "fpc")
        case "apiclus1.csv": design = try SurveyDesign(table: table, weight: "pw", cluster: "dnum", fpc: "fpc")
        default: design = try SurveyDesign(table: table, weight: "d")
        }
        var reps: ReplicateWeights?
        if name.hasPrefix("jk1") { reps = try ReplicateWeights.jk1(design) }
        if name.hasPrefix("jkn") { reps = try ReplicateWeights.jkn(design) }
        let calibration: (String, CalibrationMethod)?
        switch name {
        case "strat_cal_raking": calibration = ("margins_stype_schwide.csv", .raking)
        case "clus_cal_linear": calibration = ("margins_stype_api99.csv", .linear)
        case "baro_rake": calibration = ("margins_region_taille.csv", .raking)
        case "jkn_cal_linear": calibration = ("margins_stype_schwide_api99.csv", .linear)
        default: calibration = nil
        }
        if let (margins, method) = calibration {
            let m = try MarginsFile.read(golden.appendingPathComponent(margins).path)
            let calibrator = Calibrator(margins: m, method: method, options: CalibrationOptions(maxIterations: 1000, tolerance: 1e-13))
            let result = try calibrator.calibrate(table, baseWeights: design.weights, weightColumn: file == "barometre.csv" ? "d" : "pw")
            design = design.calibrated(result)
            if let r = reps { reps = try r.recalibrated(using: calibrator, result: result) }
        }
        return SurveyEstimator(table: table, design: design, variance: reps.map { .replicates($0) } ?? .linearization, interval: .wald)
    }

    static func joint(_ e: SurveyEstimator, _ r: Row) throws -> JointEstimates {
        let kind: StatisticKind
        switch r.statistic {
        case "total": kind = .total
        case "ratio": kind = .ratio(denominator: r.denominator)
        default: kind = .mean
        }
        return try e.jointEstimates(variable: r.variable, level: r.level.isEmpty ? nil : r.level, statistic: kind, by: [r.by])
    }

    static func close(_ got: Double?, _ want: Double?, _ tolerance: Double) -> Bool {
        guard let want else { return got == nil }
        guard let got, got.isFinite else { return false }
        return abs(got - want) <= tolerance * max(abs(want), 1e-300)
    }

    @Test("the fixture has 193 rows over 7 designs, calibrated, uncalibrated and replicate")
    func fixtureLoaded() {
        #expect(Self.rows.count == Self.rowCount)
        #expect(Self.designNames == ["baro_rake", "clus1", "clus_cal_linear", "jk1_clus1", "jkn_cal_linear", "strat", "strat_cal_raking"])
    }

    @Test("contrasts, comparisons and tests match R survey", arguments: ContrastGoldenTests.designNames)
    func matchesR(design name: String) throws {
        let e = try Self.estimator(name)
        let rows = Self.rows.filter { $0.design == name }
        #expect(rows.count > 20)
        for r in rows {
            let label = "\(name) \(r.kind) \(r.variable) \(r.level) \(r.statistic) by \(r.by): \(r.spec) \(r.method)"
            switch r.kind {
            case "contrast", "ratio", "whole":
                let j = try Self.joint(e, r)
                let c = try j.estimate(Contrast(parsing: r.spec.replacingOccurrences(of: " *", with: " all")))
                #expect(Self.close(c.estimate, r.estimate, 1e-8), "\(label): estimate \(c.estimate) vs R \(r.estimate!)")
                #expect(Self.close(c.se, r.se, 1e-6), "\(label): se \(String(describing: c.se)) vs R \(r.se!)")
            case "pairwise":
                let j = try Self.joint(e, r)
                let all = try DomainComparison.pairwise(j, adjustment: PValueAdjustment(rawValue: r.method)!)
                let c = all.first { $0.label == r.spec }
                #expect(c != nil, "\(label): pair missing")
                #expect(Self.close(c?.adjustedPValue, r.p, 1e-6), "\(label): adjusted p \(String(describing: c?.adjustedPValue)) vs R \(r.p!)")
                #expect(c?.df == r.df, "\(label): df")
            case "pairwise_raw":
                #expect(try Self.joint(e, r).degreesOfFreedom == r.df, "\(label): df")
            case "wald":
                let w = try DomainComparison.allEqual(try Self.joint(e, r))
                #expect(Self.close(w.f, r.stat, 1e-6), "\(label): F \(w.f) vs R \(r.stat!)")
                #expect(w.ndf == r.ndf && w.ddf == r.ddf, "\(label): df \(w.ndf), \(w.ddf) vs R \(r.ndf!), \(r.ddf!)")
                #expect(Self.close(w.pValue, r.p, 1e-6), "\(label): p \(w.pValue) vs R \(r.p!)")
            case "ttest":
                let t = try DesignTTest(e, variable: r.variable, group: r.by)
                #expect(Self.close(t.difference, r.estimate, 1e-8), "\(label): difference \(t.difference) vs R \(r.estimate!)")
                #expect(Self.close(t.se, r.se, 1e-6), "\(label): se \(t.se) vs R \(r.se!)")
                #expect(Self.close(t.t, r.stat, 1e-6), "\(label): t \(t.t) vs R \(r.stat!)")
                #expect(t.df == r.df, "\(label): df \(t.df) vs R \(r.df!)")
                #expect(Self.close(t.pValue, r.p, 1e-6), "\(label): p \(t.pValue) vs R \(r.p!)")
            case "chisq_F":
                let t = try RaoScottTest(e, rows: r.variable, columns: r.by)
                #expect(Self.close(t.f, r.stat, 1e-6), "\(label): F \(t.f) vs R \(r.stat!)")
                #expect(Self.close(t.ndf, r.ndf, 1e-6) && Self.close(t.ddf, r.ddf, 1e-6), "\(label): df \(t.ndf), \(t.ddf) vs R \(r.ndf!), \(r.ddf!)")
                #expect(Self.close(t.pValueF, r.p, 1e-6), "\(label): p \(t.pValueF) vs R \(r.p!)")
            case "chisq_Chisq":
                let t = try RaoScottTest(e, rows: r.variable, columns: r.by)
                #expect(Self.close(t.pearson, r.stat, 1e-6), "\(label): X2 \(t.pearson) vs R \(r.stat!)")
                #expect(t.df == r.ndf, "\(label): df \(t.df) vs R \(r.ndf!)")
                #expect(Self.close(t.pValueChiSquare, r.p, 1e-6), "\(label): p \(t.pValueChiSquare) vs R \(r.p!)")
            default:
                Issue.record("unknown kind \(r.kind)")
            }
        }
    }
}
