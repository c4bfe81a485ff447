import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO

/// Logit calibration within wide automatic bounds on a sample far from the population scale (issue 15): the
/// 644 answers of the barometer's wave 2 with base weights 1 (the population has 34,875 communes), calibrated
/// on region and size. From g = 1 the first Newton step saturated every g at U and the iterations stalled
/// ("did not converge", as R survey's "Calibration failed"); bounded distances now start at the population
/// scale and take dual steps (``PopulationScaleStart``, ``NewtonCalibration``).
/// References: Fixtures/choices/make_logit_wide.R (R survey::calibrate where it converges; the minimum of
/// the convex dual by R optim where it does not).
@Suite("Logit within wide bounds")
struct LogitWideBoundsTests {
    static let folder = fixturesURL().appendingPathComponent("choices")

    static func wave2() throws -> Table {
        try Table(contentsOf: folder.appendingPathComponent("wave2.csv").path)
    }

    static func margins() throws -> Margins {
        try MarginsFile.read(folder.appendingPathComponent("margins_region_taille.csv").path)
    }

    /// Column `name` of logit_wide_weights.csv.
    static func golden(_ name: String) throws -> [Double] {
        try Table(contentsOf: folder.appendingPathComponent("logit_wide_weights.csv").path).numeric(name).values
    }

    /// Largest `|achieved − target| / (1 + |target|)` over every level, recomputed from the weights.
    static func largestMisfit(_ table: Table, _ margins: Margins, _ w: [Double]) throws -> Double {
        var worst = 0.0
        for m in margins.categorical {
            let column = try table.categorical(m.variables[0])
            for (k, level) in m.levels.enumerated() {
                let achieved = (0..<table.rowCount).reduce(0.0) { column.levels[Int(column.codes[$1])] == level[0] ? $0 + w[$1] : $0 }
                worst = max(worst, abs(achieved - m.targets[k]) / (1 + abs(m.targets[k])))
            }
        }
        return worst
    }

    @Test("logit within the advised bounds converges with base weights 1 (targets met to 1e-6, every w/d within [L, U])",
          arguments: [0.01, 0.05, 0.1, 0.5])
    func advisedBoundsConvergeFarFromScale(slack: Double) throws {
        let table = try Self.wave2(), margins = try Self.margins()
        let d = [Double](repeating: 1, count: table.rowCount)
        let tight = try #require(try BoundAdvisor.tightestBounds(table, margins: margins, baseWeights: d))
        #expect(tight.upper > 100, "the case is far from the population scale: U* = \(tight.upper)")
        let b = tight.widened(by: slack)
        let result = try Calibrator(margins: margins, method: .logit(lower: b.lower, upper: b.upper)).calibrate(table, baseWeights: d)
        #expect(try Self.largestMisfit(table, margins, result.weights) < 1e-6)
        for g in result.weights { #expect(g >= b.lower && g <= b.upper) }
    }

    @Test("the failing case's weights equal the minimum of the convex dual (R optim) to 1e-6")
    func matchesDualMinimum() throws {
        let table = try Self.wave2(), margins = try Self.margins()
        let d = [Double](repeating: 1, count: table.rowCount)
        let result = try Calibrator(margins: margins, method: .logit(lower: 0.9, upper: 198)).calibrate(table, baseWeights: d)
        let reference = try Self.golden("dual")
        #expect(reference.count == result.weights.count)
        let worst = zip(result.weights, reference).map { abs($0 - $1) / $1 }.max()!
        #expect(worst < 1e-6, "largest relative difference \(worst)")
    }

    @Test("logit on wave 2 with base weights N/n equals R survey::calibrate(calfun = \"logit\") to 1e-6")
    func matchesSurvey() throws {
        let table = try Self.wave2(), margins = try Self.margins()
        let d = try table.numeric("d").values
        let result = try Calibrator(margins: margins, method: .logit(lower: 0.13293, upper: 3.6564)).calibrate(table, baseWeights: d)
        let reference = try Self.golden("survey")
        let worst = zip(result.weights, reference).map { abs($0 - $1) / $1 }.max()!
        #expect(worst < 1e-6, "largest relative difference \(worst)")
    }

    @Test("the start at the population scale is a point of the dual: F⁻¹ inverts F for logit and truncated")
    func startInvertsF() throws {
        let logit = LogitDistance(lower: 0.9, upper: 198)
        let u = try #require(PopulationScaleStart.inverse(of: logit, at: 54.2))
        #expect(abs(logit.ratio(u) - 54.2) < 1e-9)
        #expect(PopulationScaleStart.inverse(of: logit, at: 250) == nil)
        let truncated = TruncatedLinearDistance(lower: 0.5, upper: 80)
        #expect(abs(truncated.ratio(try #require(PopulationScaleStart.inverse(of: truncated, at: 54.2))) - 54.2) < 1e-9)
    }

    @Test("truncated linear within the advised bounds converges with base weights 1")
    func truncatedFarFromScale() throws {
        let table = try Self.wave2(), margins = try Self.margins()
        let d = [Double](repeating: 1, count: table.rowCount)
        let tight = try #require(try BoundAdvisor.tightestBounds(table, margins: margins, baseWeights: d))
        let b = tight.widened(by: 0.1)
        let result = try Calibrator(margins: margins, method: .truncated(lower: b.lower, upper: b.upper)).calibrate(table, baseWeights: d)
        #expect(try Self.largestMisfit(table, margins, result.weights) < 1e-6)
        for g in result.weights { #expect(g >= b.lower * (1 - 1e-12) && g <= b.upper * (1 + 1e-12)) }
    }
}
