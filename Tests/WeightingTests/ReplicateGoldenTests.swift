import Foundation
import Testing
@testable import Weighting

/// Replicate-weight variances against R survey 4.1.1 (`as.svrepdesign` JK1, JKn, subbootstrap; then
/// `calibrate` on the replicate design, which re-calibrates every replicate): estimates to 1e-8, standard
/// errors and Wald intervals to 1e-6.
@Suite("Replicate weights against R survey")
struct ReplicateGoldenTests {
    static let folder = fixturesURL().appendingPathComponent("golden")

    struct Expected {
        var caseName, variable, level, domain, statistic: String
        var estimate, se, ciLow, ciHigh, df: Double
    }

    static let expected: [Expected] = {
        guard let t = try? Table(contentsOf: folder.appendingPathComponent("replicate_estimates.csv").path) else { return [] }
        return (0..<t.rowCount).map { i in
            func f(_ c: String) -> String { t.buffer!.text(row: i, column: t.names.firstIndex(of: c)!) }
            return Expected(caseName: f("case"), variable: f("variable"), level: f("level"), domain: f("domain"),
                            statistic: f("statistic"), estimate: Double(f("estimate"))!, se: Double(f("se"))!,
                            ciLow: Double(f("ci_low"))!, ciHigh: Double(f("ci_high"))!, df: Double(f("df"))!)
        }
    }()

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
        default: return SurveyEstimator(table: table, design: design, variance: .replicates(reps))
        }
        let margins = try MarginsFile.read(folder.appendingPathComponent(marginsFile).path)
        let calibrator = Calibrator(margins: margins, method: method, options: CalibrationOptions(maxIterations: 1000, tolerance: 1e-13))
        let result = try calibrator.calibrate(table, weightColumn: "pw")
        reps = try reps.recalibrated(using: calibrator, result: result)
        design = design.calibrated(result)
        return SurveyEstimator(table: table, design: design, variance: .replicates(reps))
    }

    @Test("the fixture covers JK1, JKn and the bootstrap, calibrated and not")
    func casesPresent() { #expect(Self.caseNames.count == 7) }

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
            // After calibration R's degf is the numerical rank of the calibrated replicate weights (44 for a
            // 15-PSU bootstrap); Weighting keeps the design's degrees of freedom, so intervals are compared
            // only where the two agree (always before calibration).
            if caseName.hasSuffix("uncalibrated") { #expect(got.df == e.df, "\(label): df \(got.df) vs R \(e.df)") }
            if got.df == e.df {
                #expect(abs((got.ciLow ?? .nan) - e.ciLow) / abs(e.ciLow) < 1e-6, "\(label): ci_low")
                #expect(abs((got.ciHigh ?? .nan) - e.ciHigh) / abs(e.ciHigh) < 1e-6, "\(label): ci_high")
            }
        }
    }
}
