import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Quantiles when linear calibration gives negative weights (issue 11, item 11): the cumulative weight is then
/// not monotone in the sorted values, and R survey's `qrule = "math"` takes the *last* position where it is
/// still ≤ p Σw. Golden values from Fixtures/quantiles_negative/make_quantiles_negative.R (survey 4.1.1).
@Suite("Quantiles with negative weights")
struct NegativeWeightQuantileTests {
    static let folder = fixturesURL().appendingPathComponent("quantiles_negative")

    static func read(_ name: String) throws -> Table { try Table(contentsOf: folder.appendingPathComponent(name).path) }

    static func calibratedDesign() throws -> (Table, SurveyDesign, CalibrationResult) {
        let table = try read("sample.csv")
        let margins = try MarginsFile.read(folder.appendingPathComponent("margins.csv").path)
        let result = try Calibrator(margins: margins, method: .linear, options: CalibrationOptions(tolerance: 1e-13))
            .calibrate(table, weightColumn: "d")
        let design = try SurveyDesign(table: table, weight: "d").calibrated(result)
        return (table, design, result)
    }

    @Test("the fixture's linear calibration reproduces R's weights, several of them negative, with a non-monotone cumulative weight")
    func weightsAreNegativeAndMatchR() throws {
        let (table, _, result) = try Self.calibratedDesign()
        let expected = try Self.read("expected_weights.csv").numeric("weight").values
        let worst = zip(result.weights, expected).reduce(0.0) { max($0, abs($1.0 - $1.1) / max(1, abs($1.1))) }
        #expect(worst < 1e-9)
        #expect(result.weights.filter { $0 < 0 }.count >= 5)
        let q = WeightedQuantile(values: try table.numeric("y").values, weights: result.weights, rows: 0..<table.rowCount)
        #expect(zip(q.cumulative, q.cumulative.dropFirst()).contains { $1 < $0 }, "cumulative weight should decrease somewhere")
    }

    @Test("quantile estimates and Woodruff intervals match R svyquantile(qrule = 'math') with negative weights")
    func quantilesMatchR() throws {
        let (table, design, _) = try Self.calibratedDesign()
        let expected = try Self.read("expected_quantiles.csv")
        let ps = try expected.numeric("p").values
        let estimator = SurveyEstimator(table: table, design: design)
        let got = try estimator.estimate(variables: ["y"], statistic: .quantile(ps))
        #expect(got.count == ps.count)
        let est = try expected.numeric("estimate").values, lo = try expected.numeric("ci_low").values
        let hi = try expected.numeric("ci_high").values, se = try expected.numeric("se").values
        for (k, e) in got.enumerated() {
            #expect(abs(e.estimate - est[k]) <= 1e-9 * abs(est[k]), "p = \(ps[k]): \(e.estimate) vs R \(est[k])")
            if lo[k].isNaN { #expect(e.ciLow == nil) } else { #expect(abs((e.ciLow ?? .nan) - lo[k]) <= 1e-9 * abs(lo[k]), "p = \(ps[k]) lower") }
            if hi[k].isNaN { #expect(e.ciHigh == nil) } else { #expect(abs((e.ciHigh ?? .nan) - hi[k]) <= 1e-9 * abs(hi[k]), "p = \(ps[k]) upper") }
            if !se[k].isNaN { #expect(abs(e.se - se[k]) <= 1e-6 * se[k], "p = \(ps[k]) se \(e.se) vs R \(se[k])") }
        }
    }

    @Test("R's rule on a hand-made non-monotone distribution: the last position at or below p Σw, then the next value")
    func lastPositionRule() {
        // Sorted values 1...6, weights 1, 3, 1, 1, -4, 2: cumulative 1, 4, 5, 6, 2, 4 (total 4).
        let q = WeightedQuantile(values: [1, 2, 3, 4, 5, 6], weights: [1, 3, 1, 1, -4, 2], rows: 0..<6)
        // p = 0.5: p Σw = 2, the last cumulative ≤ 2 is at value 5 and equals it exactly -> 5
        // (a binary search assuming monotonicity stops at the first position and answers 2).
        #expect(q.quantile(0.5) == 5)
        // p = 0.6: p Σw = 2.4, last cumulative ≤ 2.4 is at value 5, not exact -> the next value, 6.
        #expect(q.quantile(0.6) == 6)
        // p = 0.1: no cumulative ≤ 0.4: R takes the first position, not exact -> the second value.
        #expect(q.quantile(0.1) == 2)
    }

    @Test("tied values keep the records' order when accumulating, as R's stable order()")
    func tiesKeepRecordOrder() {
        // Value 1 twice with weights 3 then -2, value 2 with weight 1: cumulative 3, 1, 2 (total 2).
        let q = WeightedQuantile(values: [1, 1, 2], weights: [3, -2, 1], rows: 0..<3)
        #expect(q.cumulative == [3, 1, 2])
        #expect(q.quantile(0.5) == 1)  // p Σw = 1: last cumulative ≤ 1 is position 2 (value 1), exact
    }
}
