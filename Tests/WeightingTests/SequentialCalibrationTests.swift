import Foundation
import Testing
import WeightingTestSupport
@testable import Weighting
@testable import WeightingIO

/// A design carries its adjustments: calibrated twice in sequence (post-stratified, then raked), its linearized
/// standard errors walk both calibrations and its jackknife replicates re-run both, as R survey's
/// `calibrate(calibrate(design, ...), ...)` (Fixtures/design/make_sequential.R, R 4.2 / survey 4.1.1).
@Suite("A design calibrated twice in sequence")
struct SequentialCalibrationTests {
    static let fixtures = fixturesURL()
    static func path(_ folder: String, _ file: String) -> String { fixtures.appendingPathComponent(folder).appendingPathComponent(file).path }

    struct Expected { var design, variance, statistic, variable: String; var estimate, se: Double }

    static func expected() throws -> [Expected] {
        let t = try Table(contentsOf: path("design", "expected_estimates.csv"))
        func text(_ name: String) throws -> [String] { let c = try t.categorical(name); return c.codes.map { c.levels[Int($0)] } }
        let design = try text("design"), variance = try text("variance"), statistic = try text("statistic"), variable = try text("variable")
        let estimate = try t.numeric("estimate").values, se = try t.numeric("se").values
        return (0..<t.rowCount).map { Expected(design: design[$0], variance: variance[$0], statistic: statistic[$0], variable: variable[$0], estimate: estimate[$0], se: se[$0]) }
    }

    static let postStratify = Calibrator(margins: try! MarginsFile.read(path("design", "margins_stype.csv")), method: .poststratify)
    static let rake = Calibrator(margins: try! MarginsFile.read(path("design", "margins_schwide_awards.csv")), method: .raking,
                                 options: CalibrationOptions(maxIterations: 1000, tolerance: 1e-13))

    /// The uncalibrated design of `name` (`strat`: apistrat by stype with fpc; `clus1`: apiclus1 clustered by dnum).
    static func base(_ name: String) throws -> (Table, SurveyDesign, ReplicateScheme) {
        if name == "strat" {
            let t = try Table(contentsOf: path("golden", "apistrat.csv"))
            return (t, try SurveyDesign(table: t, weight: "pw", strata: "stype", fpc: "fpc"), .jkn)
        }
        let t = try Table(contentsOf: path("golden", "apiclus1.csv"))
        return (t, try SurveyDesign(table: t, weight: "pw", cluster: "dnum", fpc: "fpc"), .jk1)
    }

    static func twice(_ design: SurveyDesign, _ table: Table) throws -> SurveyDesign {
        try design.calibrated(by: postStratify, table: table, as: .postStratification).calibrated(by: rake, table: table)
    }

    static func check(_ estimator: SurveyEstimator, against rows: [Expected], label: String) throws {
        #expect(rows.count == 3, "\(label): \(rows.count) rows")
        for e in rows {
            let got = try estimator.estimate(variables: [e.variable], statistic: e.statistic == "total" ? .total : .mean)[0]
            #expect(abs(got.estimate / e.estimate - 1) < 1e-9, "\(label) \(e.statistic) \(e.variable): \(got.estimate) vs R \(e.estimate)")
            #expect(abs(got.se / e.se - 1) < 1e-7, "\(label) \(e.statistic) \(e.variable): se \(got.se) vs R \(e.se)")
        }
    }

    @Test("weights and linearized standard errors match R's calibrate(calibrate(...)): both calibrations are residualized, in order",
          arguments: ["strat", "clus1"])
    func linearization(_ name: String) throws {
        let (table, base, _) = try Self.base(name)
        let design = try Self.twice(base, table)
        #expect(design.adjustments.map(\.kind) == [.postStratification, .calibration])
        let expectedWeights = try Table(contentsOf: Self.path("design", "expected_\(name)_weights.csv")).numeric("weight").values
        let worst = zip(design.weights, expectedWeights).reduce(0.0) { max($0, abs($1.0 / $1.1 - 1)) }
        #expect(expectedWeights.count == design.count && worst < 1e-9, "max relative difference \(worst)")
        let rows = try Self.expected().filter { $0.design == name && $0.variance == "linearization" }
        try Self.check(SurveyEstimator(table: table, design: design), against: rows, label: "\(name) linearization")

        // Residualizing on the last calibration only would not match R: the walk matters.
        var onlyRake = base
        onlyRake.weights = design.adjustments[1].result.baseWeights
        let shortcut = try onlyRake.adjusted(by: design.adjustments[1])
        let se = try SurveyEstimator(table: table, design: shortcut).estimate(variables: ["api00"], statistic: .mean)[0].se
        let r = rows.first { $0.variable == "api00" && $0.statistic == "mean" }!
        #expect(abs(se / r.se - 1) > 1e-4, "last calibration only: \(se) vs R \(r.se)")
    }

    @Test("jackknife replicates re-run both calibrations in each replicate, as R's calibrate() on a replicate design, whether asked for before or after calibrating",
          arguments: ["strat", "clus1"])
    func replicates(_ name: String) throws {
        let (table, base, scheme) = try Self.base(name)
        let rows = try Self.expected().filter { $0.design == name && $0.variance == "replicates" }
        let after = try Self.twice(base, table).withReplicates(scheme)
        let before = try Self.twice(try base.withReplicates(scheme), table)
        for (label, design) in [("replicates asked after calibrating", after), ("replicates asked before calibrating", before)] {
            let reps = try #require(design.replicates)
            try Self.check(SurveyEstimator(table: table, design: design, variance: .replicates(reps)), against: rows, label: "\(name) \(label)")
        }
    }

    @Test("replicate weights built from an already-calibrated design without re-calibration are refused, as R's as.svrepdesign")
    func replicatesOfCalibratedDesignRefused() throws {
        let (table, base, _) = try Self.base("clus1")
        let calibrated = try Self.twice(base, table)
        #expect(throws: DesignError.replicatesOfAdjustedDesign(adjustments: ["post-stratification", "calibration"])) {
            try ReplicateWeights.jk1(calibrated)
        }
        #expect(throws: DesignError.self) { try ReplicateWeights.bootstrap(calibrated, replicates: 10, seed: 1) }
        #expect(throws: Never.self) { try ReplicateWeights.jk1(base) }
    }

    @Test("an adjustment computed from other base weights than the design's is refused, naming the first record")
    func otherBaseWeightsRefused() throws {
        let (table, base, _) = try Self.base("strat")
        let unweighted = try Self.rake.calibrate(table)  // from weights 1, not pw
        #expect(throws: DesignError.adjustmentBaseWeightsDiffer(adjustment: "calibration", firstRecord: 0, design: base.weights[0], adjustmentBase: 1)) {
            try base.adjusted(by: DesignAdjustment(.calibration, result: unweighted, calibrator: Self.rake))
        }
    }

    @Test("adjusting returns a new design and leaves the original unchanged (value semantics)")
    func valueSemantics() throws {
        let (table, base, _) = try Self.base("strat")
        let weights = base.weights
        let once = try base.calibrated(by: Self.postStratify, table: table, as: .postStratification)
        _ = try once.calibrated(by: Self.rake, table: table)
        #expect(base.adjustments.isEmpty && base.weights == weights && base.calibration == nil)
        #expect(once.adjustments.count == 1 && once.baseWeights == weights)
    }

    @Test("public initialisers refuse vectors of the wrong length")
    func lengthsValidated() {
        #expect(throws: DesignError.lengthMismatch(what: "strata", expected: 3, found: 2)) {
            try SurveyDesign(weights: [1, 2, 3], strata: [0, 0])
        }
        #expect(throws: DesignError.lengthMismatch(what: "clusters", expected: 3, found: 4)) {
            try SurveyDesign(weights: [1, 2, 3], clusters: [0, 1, 2, 3])
        }
        #expect(throws: DesignError.lengthMismatch(what: "fpc", expected: 2, found: 1)) {
            try SurveyDesign(weights: [1, 2], fpc: [10])
        }
    }
}
