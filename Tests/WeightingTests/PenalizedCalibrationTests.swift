import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation

/// Penalized (soft) calibration of the barometer's wave 2 (644 answers, base weights N/n) to region and size
/// margins, against references computed without any calibration code (Fixtures/choices/make_penalized.R): the
/// closed form in the linear case (region soft with cost 0.002, size hard), and R `optim` (BFGS) on the same
/// objective for raking and logit [0.3, 3] (region cost 0.002, size cost 0.01).
@Suite("Penalized calibration")
struct PenalizedCalibrationTests {
    static let folder = fixturesURL().appendingPathComponent("choices")

    static func wave2() throws -> (Table, [Double], Margins) {
        let table = try Table(contentsOf: folder.appendingPathComponent("wave2.csv").path)
        let margins = try MarginsFile.read(folder.appendingPathComponent("margins_region_taille.csv").path)
        return (table, try table.numeric("d").values, margins)
    }

    static func golden(_ column: String) throws -> [Double] {
        let t = try Table(contentsOf: folder.appendingPathComponent("penalized_weights.csv").path)
        return try t.numeric(column).values
    }

    static func calibrate(_ method: CalibrationMethod, costs: [String: Double]) throws -> CalibrationResult {
        let (table, d, margins) = try wave2()
        var options = CalibrationOptions()
        options.costs = ConstraintCosts(costs)
        return try Calibrator(margins: margins, method: method, options: options).calibrate(table, baseWeights: d)
    }

    static func maxRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
    }

    @Test("the reference holds 644 records")
    func fixtureLoaded() throws {
        #expect(try Self.golden("linear").count == 644)
    }

    @Test("linear: the weights are the closed form (X'DX + Λ)⁻¹(t − X'd)")
    func linearClosedForm() throws {
        let r = try Self.calibrate(.linear, costs: ["region": 0.002])
        let diff = Self.maxRelativeDifference(r.weights, try Self.golden("linear"))
        #expect(diff < 1e-9, "max relative difference \(diff)")
    }

    @Test("linear: the hard margin is met exactly and the soft one is missed")
    func hardMetSoftMissed() throws {
        let r = try Self.calibrate(.linear, costs: ["region": 0.002])
        let size = r.report.constraints.filter { $0.margin == "taille" }
        let region = r.report.constraints.filter { $0.margin == "region" }
        #expect(size.allSatisfy { $0.deviation < 1e-9 })
        #expect(region.contains { $0.deviation > 1e-3 })
    }

    @Test("raking and logit: the weights minimise the objective found by R optim",
          arguments: [("raking", CalibrationMethod.raking), ("logit", CalibrationMethod.logit(lower: 0.3, upper: 3))])
    func matchesOptim(name: String, method: CalibrationMethod) throws {
        let r = try Self.calibrate(method, costs: ["region": 0.002, "taille": 0.01])
        let diff = Self.maxRelativeDifference(r.weights, try Self.golden(name))
        #expect(diff < 1e-5, "\(name): max relative difference \(diff)")
    }

    @Test("a very large cost gives exact calibration")
    func largeCostIsExact() throws {
        let (table, d, margins) = try Self.wave2()
        let exact = try Calibrator(margins: margins, method: .linear).calibrate(table, baseWeights: d)
        let soft = try Self.calibrate(.linear, costs: ["region": 1e12])
        #expect(Self.maxRelativeDifference(soft.weights, exact.weights) < 1e-6)
    }

    @Test("linearization SE of a total uses the residuals of the ridge fit (R survey on those residuals)")
    func linearizationStandardError() throws {
        let (table, _, _) = try Self.wave2()
        let r = try Self.calibrate(.linear, costs: ["region": 0.002])
        let design = try SurveyDesign(table: table, weight: "d").calibrated(r)
        let est = try SurveyEstimator(table: table, design: design).estimate(variables: ["site_web"], statistic: .total)[0]
        let ref = try Table(contentsOf: Self.folder.appendingPathComponent("penalized_se.csv").path)
        let total = try ref.numeric("total").values[0], se = try ref.numeric("se").values[0]
        #expect(abs(est.estimate - total) <= 1e-8 * total, "total \(est.estimate) vs \(total)")
        #expect(abs(est.se - se) <= 1e-6 * se, "se \(est.se) vs \(se)")
    }

    @Test("negative costs and unknown margins are refused")
    func badCosts() throws {
        #expect(throws: CalibrationError.self) { try Self.calibrate(.linear, costs: ["region": -1]) }
        #expect(throws: CalibrationError.self) { try Self.calibrate(.linear, costs: ["regoin": 1]) }
    }

    @Test("replicates are re-calibrated with the same costs: jackknife and linearization SE agree to 5%")
    func replicatesKeepThePenalty() throws {
        let (table, d, margins) = try Self.wave2()
        var options = CalibrationOptions()
        options.costs = ConstraintCosts(["region": 0.002])
        let calibrator = Calibrator(margins: margins, method: .linear, options: options)
        let result = try calibrator.calibrate(table, baseWeights: d)
        let design = try SurveyDesign(table: table, weight: "d").calibrated(result)
        let reps = try ReplicateWeights.jk1(try SurveyDesign(table: table, weight: "d")).recalibrated(using: calibrator, result: result)
        let jk = try SurveyEstimator(table: table, design: design, variance: .replicates(reps)).estimate(variables: ["site_web"], statistic: .total)[0]
        let lin = try SurveyEstimator(table: table, design: design).estimate(variables: ["site_web"], statistic: .total)[0]
        #expect(abs(jk.se / lin.se - 1) < 0.05, "jackknife \(jk.se), linearization \(lin.se)")
        let exact = try ReplicateWeights.jk1(try SurveyDesign(table: table, weight: "d"))
            .recalibrated(using: Calibrator(margins: margins, method: .linear), result: try Calibrator(margins: margins, method: .linear).calibrate(table, baseWeights: d))
        #expect(zip(exact.weights[0], reps.weights[0]).contains { abs($0 - $1) > 1e-6 * max(1, abs($0)) }, "the replicate ignored the costs")
    }

}
