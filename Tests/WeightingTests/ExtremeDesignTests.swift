import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Numerical robustness: targets are reproduced on extreme designs, and no NaN or infinity ever comes out.
@Suite("Extreme designs")
struct ExtremeDesignTests {
    func maxRelativeMiss(_ r: CalibrationResult, _ table: Table, _ margins: Margins) throws -> Double {
        var worst = 0.0
        for m in margins.categorical {
            let totals = try weightedTotals(table, m.variables[0], r.weights)
            for (k, level) in m.levels.enumerated() { worst = max(worst, abs(totals[level[0]]! - m.targets[k]) / m.targets[k]) }
        }
        return worst
    }

    @Test("one respondent holding 30% of the population", arguments: [CalibrationMethod.raking, .linear, .poststratify])
    func giantCell(method: CalibrationMethod) throws {
        let g: [String?] = ["rare"] + [String?](repeating: "commun", count: 499)
        let table = try Table(["g": .categorical(g)])
        let margins = Margins(categorical: [CategoricalMargin("g", ["rare": 3e8, "commun": 7e8])])
        let r = try Calibrator(margins: margins, method: method).calibrate(table)
        #expect(try maxRelativeMiss(r, table, margins) < 1e-12)
        #expect(abs(r.weights[0] - 3e8) / 3e8 < 1e-12)
        #expect(r.weights.allSatisfy { $0.isFinite && $0 > 0 })
    }

    @Test("1,000 margin levels and totals of 10^9", arguments: [CalibrationMethod.raking, .linear, .logit(lower: 0.01, upper: 100)])
    func thousandLevels(method: CalibrationMethod) throws {
        var rng = TestRandom(seed: 11)
        let n = 6000
        var a: [String?] = [], b: [String?] = []
        for i in 0..<n { a.append("L\(i % 1000)"); b.append(rng.uniform() < 0.3 ? "x" : "y") }
        let table = try Table(["a": .categorical(a), "b": .categorical(b)])
        var levels: [[String]] = [], targets: [Double] = []
        for k in 0..<1000 { levels.append(["L\(k)"]); targets.append(1e6 * (1 + Double(k % 7) / 10)) }
        let total = targets.reduce(0, +)
        let margins = Margins(categorical: [try CategoricalMargin(variables: ["a"], levels: levels, targets: targets),
                                            CategoricalMargin("b", ["x": 0.35 * total, "y": 0.65 * total])])
        // Base weights scaled to the population, so that bounds on w/d are meaningful.
        let r = try Calibrator(margins: margins, method: method).calibrate(table, baseWeights: [Double](repeating: total / Double(n), count: n))
        #expect(total > 1e9)
        #expect(try maxRelativeMiss(r, table, margins) < 1e-9)
        #expect(r.weights.allSatisfy { $0.isFinite })
    }

    @Test("numeric totals of very different scales (1 and 10^9) together")
    func mixedScales() throws {
        var rng = TestRandom(seed: 5)
        let n = 400
        let small = (0..<n).map { _ in rng.uniform() }, big = (0..<n).map { _ in 1e7 * (1 + rng.uniform()) }
        let g: [String?] = (0..<n).map { $0 % 2 == 0 ? "p" : "q" }
        let table = try Table(["g": .categorical(g), "small": .numeric(small), "big": .numeric(big)])
        let margins = Margins(categorical: [CategoricalMargin("g", ["p": 500, "q": 500])],
                              numeric: [NumericTotal("small", total: 0.52 * 1000), NumericTotal("big", total: 1.45e7 * 1000)])
        for method in [CalibrationMethod.linear, .raking] {
            let r = try Calibrator(margins: margins, method: method).calibrate(table)
            let s = zip(r.weights, small).reduce(0) { $0 + $1.0 * $1.1 }, b = zip(r.weights, big).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(s - 520) / 520 < 1e-9 && abs(b - 1.45e10) / 1.45e10 < 1e-9)
        }
    }
}
