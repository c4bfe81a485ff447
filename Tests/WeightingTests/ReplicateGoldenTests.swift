import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Replicate-weight variances against R survey 4.1.1 (`as.svrepdesign` JK1, JKn, subbootstrap; then
/// `calibrate` on the replicate design, which re-calibrates every replicate): for every row, the estimate to
/// 1e-8, the standard error and the Wald interval to 1e-6, and the degrees of freedom exactly (R's rule: the
/// rank of the replicate weights minus one, recomputed after calibration).
@Suite("Replicate weights against R survey")
struct ReplicateGoldenTests {
    static let folder = fixturesURL().appendingPathComponent("golden")

    struct Expected {
        var caseName, variable, level, domain, statistic: String
        var estimate, se, ciLow, ciHigh, df, rDegf: Double
    }

    /// 8 rows (mean, total, two proportions, ratio, three domain means) for each of the 7 designs.
    static let rowCount = 56

    static func loadExpected() throws -> [Expected] {
        let t = try Table(contentsOf: folder.appendingPathComponent("replicate_estimates.csv").path)
        let f = try ["case", "variable", "level", "domain", "statistic"].map { try GoldenTests.column(t, $0) }
        let x = try ["estimate", "se", "ci_low", "ci_high", "df", "degf_r"].map { try GoldenTests.column(t, $0) }
        return try (0..<t.rowCount).map { i in
            let v = try x.map { g in
                guard let d = Double(g(i)) else { throw GoldenFixtureError.notANumber(row: i + 2, g(i)) }
                return d
            }
            return Expected(caseName: f[0](i), variable: f[1](i), level: f[2](i), domain: f[3](i), statistic: f[4](i),
                            estimate: v[0], se: v[1], ciLow: v[2], ciHigh: v[3], df: v[4], rDegf: v[5])
        }
    }

    static let expected: [Expected] = (try? loadExpected()) ?? []

    static var caseNames: [String] { Array(Set(expected.map(\.caseName))).sorted() }

    static func setUp(_ caseName: String) throws -> SurveyEstimator {
        let strat = caseName.hasPrefix("jkn")
        let boot = caseName.hasPrefix("boot")
        let file = strat ? "apistrat.csv" : boot ? "apiclus1_bootstrap.csv" : "apiclus1.csv"
        let table = try Table(contentsOf: folder.appendingPathComponent(file).path)
        var design = strat ? try SurveyDesign(table: table, weight: "pw", strata: "stype", fpc: "fpc")
            : try SurveyDesign(table: table, weight: "pw", cluster: "dnum", fpc: "fpc")
        var reps: ReplicateWeights
        if boot {
            reps = try ReplicateWeights.read(from: table, columns: (1...50).map { "rep_\($0)" }, method: "bootstrap")
        } else {
            reps = strat ? try ReplicateWeights.jkn(design) : try ReplicateWeights.jk1(design)
        }
        let marginsFile: String
        let method: CalibrationMethod
        switch caseName {
        case "jk1_cal_linear", "boot_cal_linear": marginsFile = "margins_stype_api99.csv"; method = .linear
        case "jk1_cal_raking", "boot_cal_raking": marginsFile = "margins_stype_schwide.csv"; method = .raking
        case "jkn_cal_linear": marginsFile = "margins_stype_schwide_api99.csv"; method = .linear
        case "jkn_cal_logit": marginsFile = "margins_stype_schwide_api99.csv"; method = .logit(lower: 0.7, upper: 1.7)
        default: return SurveyEstimator(table: table, design: design, variance: .replicates(reps), interval: .wald)
        }
        let margins = try MarginsFile.read(folder.appendingPathComponent(marginsFile).path)
        let calibrator = Calibrator(margins: margins, method: method, options: CalibrationOptions(maxIterations: 1000, tolerance: 1e-13))
        let result = try calibrator.calibrate(table, weightColumn: "pw")
        reps = try reps.recalibrated(using: calibrator, result: result)
        design = design.calibrated(result)
        return SurveyEstimator(table: table, design: design, variance: .replicates(reps), interval: .wald)
    }

    @Test("the fixture has 56 rows: 8 for each of JK1, JKn and the bootstrap, calibrated and not")
    func casesPresent() throws {
        let rows = try Self.loadExpected()
        #expect(rows.count == Self.rowCount)
        #expect(Set(rows.map(\.caseName)) == ["jk1_uncalibrated", "jk1_cal_linear", "jk1_cal_raking", "jkn_cal_linear",
                                               "jkn_cal_logit", "boot_cal_linear", "boot_cal_raking"])
    }

    @Test("degrees of freedom are R's rule, the rank of the replicate weights − 1, on the weights after calibration",
          arguments: ReplicateGoldenTests.caseNames)
    func degreesOfFreedom(caseName: String) throws {
        let rows = Self.expected.filter { $0.caseName == caseName }
        let rank = try #require(rows.first).df
        let estimator = try Self.setUp(caseName)
        guard case .replicates(let reps) = estimator.variance else { Issue.record("not a replicate estimator"); return }
        #expect(Double(reps.degreesOfFreedom) == rank, "\(caseName): \(reps.degreesOfFreedom) vs rank − 1 = \(rank)")
        // What R's degf() returns agrees, except after raking or logit calibration, where R's calibrate() keeps
        // the value of the design before calibration (it recomputes the rank only for unbounded linear).
        let stale = caseName.hasSuffix("raking") || caseName.hasSuffix("logit")
        if !stale { #expect(rows.allSatisfy { $0.rDegf == $0.df }, "\(caseName): R's degf() differs from the rank rule") }
    }

    @Test("the closed-form degrees of freedom of JKn and BRR equal the numerical rank of their weights − 1")
    func closedFormDegreesOfFreedom() throws {
        let table = try Table(contentsOf: Self.folder.appendingPathComponent("apistrat.csv").path)
        let strat = try SurveyDesign(table: table, weight: "pw", strata: "stype", fpc: "fpc")
        let jkn = try ReplicateWeights.jkn(strat)
        #expect(jkn.degreesOfFreedom == 197)
        #expect(jkn.degreesOfFreedom == ReplicateWeights.rank(jkn.weights) - 1)
        // 5 strata of 2 PSUs of 3 records: BRR on a Hadamard matrix of order 8, with and without Fay's factor.
        let n = 30
        let paired = try SurveyDesign(weights: (0..<n).map { 1 + Double($0 % 7) }, strata: (0..<n).map { Int32($0 / 6) },
                                      clusters: (0..<n).map { Int32($0 / 3) })
        for rho in [0, 0.5] {
            let brr = try ReplicateWeights.brr(paired, fay: rho)
            #expect(brr.weights.count == 8 && brr.degreesOfFreedom == 5)
            #expect(brr.degreesOfFreedom == ReplicateWeights.rank(brr.weights) - 1)
        }
        // The bootstrap's rank is computed: 15 clusters, 50 replicates, so 14.
        let clus = try SurveyDesign(table: try Table(contentsOf: Self.folder.appendingPathComponent("apiclus1.csv").path),
                                    weight: "pw", cluster: "dnum", fpc: "fpc")
        #expect(try ReplicateWeights.bootstrap(clus, replicates: 50, seed: 1).degreesOfFreedom == 14)
    }

    @Test("above the rank budget, re-calibration keeps the degrees of freedom from before (R's value after raking)")
    func rankBudgetFallback() throws {
        let table = try Table(contentsOf: Self.folder.appendingPathComponent("apiclus1_bootstrap.csv").path)
        let reps = try ReplicateWeights.read(from: table, columns: (1...50).map { "rep_\($0)" }, method: "bootstrap")
        #expect(reps.degreesOfFreedom == 14)
        let margins = try MarginsFile.read(Self.folder.appendingPathComponent("margins_stype_api99.csv").path)
        let calibrator = Calibrator(margins: margins, method: .linear, options: CalibrationOptions(maxIterations: 1000, tolerance: 1e-13))
        let result = try calibrator.calibrate(table, weightColumn: "pw")
        #expect(try reps.recalibrated(using: calibrator, result: result).degreesOfFreedom == 44)
        #expect(try reps.recalibrated(using: calibrator, result: result, rankBudget: 183 * 50 * 50 - 1).degreesOfFreedom == 14)
    }

    @Test("replicate standard errors match R survey", arguments: ReplicateGoldenTests.caseNames)
    func replicateEstimates(caseName: String) throws {
        let estimator = try Self.setUp(caseName)
        for e in Self.expected where e.caseName == caseName {
            let kind: StatisticKind
            var variable = e.variable
            switch e.statistic {
            case "total": kind = .total
            case "ratio": kind = .ratio(denominator: "api99"); variable = "api00"
            default: kind = .mean
            }
            let all = try estimator.estimate(variables: [variable], statistic: kind, by: e.domain.isEmpty ? [] : ["stype"])
            let label = "\(caseName) \(e.statistic) \(e.variable) \(e.level) \(e.domain)"
            let got = try #require(all.first { ($0.level ?? "") == e.level && ($0.domain ?? "") == e.domain }, "\(label)")
            #expect(relativeError(got.estimate, e.estimate) < 1e-8, "\(label): \(got.estimate) vs \(e.estimate)")
            #expect(abs(got.se - e.se) / e.se < 1e-6, "\(label): se \(got.se) vs R \(e.se)")
            #expect(got.df == e.df, "\(label): df \(got.df) vs R \(e.df)")
            #expect(abs((got.ciLow ?? .nan) - e.ciLow) / abs(e.ciLow) < 1e-6, "\(label): ci_low \(String(describing: got.ciLow)) vs R \(e.ciLow)")
            #expect(abs((got.ciHigh ?? .nan) - e.ciHigh) / abs(e.ciHigh) < 1e-6, "\(label): ci_high \(String(describing: got.ciHigh)) vs R \(e.ciHigh)")
        }
    }
}
