import Foundation
import Testing
@testable import Weighting

/// On demand (`WEIGHTING_MONTE_CARLO=1 swift test --filter AttritionSimulation`, or `bash Benchmarks/coverage.sh`):
/// a simulated panel where staying to wave 2 depends on a wave-1 maturity score, and the wave-2 indicator on
/// maturity. Calibration to population margins alone leaves most of the bias; the attrition adjustment
/// (propensity classes on wave-1 covariates, then calibration to the margins and to the wave-1 total of the
/// score) removes it.
@Suite("Attrition simulation (on demand)", .enabled(if: ProcessInfo.processInfo.environment["WEIGHTING_MONTE_CARLO"] == "1"))
struct AttritionSimulationTests {
    @Test("over 500 draws the adjusted wave-2 estimate has |bias| < 1/3 of the raw bias; margins alone keep most of it")
    func attritionBias() throws {
        var rng = TestRandom(seed: 4)
        let regions = ["A", "B", "C"], sizes = ["petite", "moyenne", "grande"]
        let N = 20_000
        var region: [Int] = [], size: [Int] = [], maturity: [Double] = [], y2: [Double] = []
        for _ in 0..<N {
            let r = rng.pick([0, 1, 2], weights: [5, 3, 2]), s = rng.pick([0, 1, 2], weights: [6, 3, 1])
            let m = (-2 * log(rng.uniform())).squareRoot() * cos(2 * Double.pi * rng.uniform())  // N(0, 1)
            region.append(r); size.append(s); maturity.append(m)
            y2.append(rng.uniform() < 1 / (1 + exp(-(-0.5 + 0.4 * Double(s) + 1.2 * m))) ? 1 : 0)
        }
        let truth = y2.reduce(0, +) / Double(N)
        var rt = [Double](repeating: 0, count: 3), st = [Double](repeating: 0, count: 3)
        for i in 0..<N { rt[region[i]] += 1; st[size[i]] += 1 }
        let margins = Margins(categorical: [
            CategoricalMargin(variables: ["region"], levels: regions.map { [$0] }, targets: rt),
            CategoricalMargin(variables: ["size"], levels: sizes.map { [$0] }, targets: st),
        ])
        var raw = 0.0, marginsOnly = 0.0, adjusted = 0.0
        let draws = 500
        for _ in 0..<draws {
            var idx: [Int] = []
            for i in 0..<N where rng.uniform() < 0.1 * [0.6, 1.0, 1.6][region[i]] * [0.7, 1.2, 2.0][size[i]] { idx.append(i) }
            let score = idx.map { maturity[$0] + 0.3 * ((-2 * log(rng.uniform())).squareRoot() * cos(2 * Double.pi * rng.uniform())) }
            let wave1 = Table(["region": .categorical(idx.map { regions[region[$0]] }), "size": .categorical(idx.map { sizes[size[$0]] }),
                               "score": .numeric(score)])
            let w1 = try Calibrator(margins: margins, method: .raking).calibrate(wave1).weights
            let stay = score.map { rng.uniform() < 1 / (1 + exp(-(-1.3 + 1.1 * $0))) }
            let rows = (0..<idx.count).filter { stay[$0] }
            let y = rows.map { y2[idx[$0]] }
            raw += y.reduce(0, +) / Double(y.count)
            // Margins alone: the stayers' wave-1 weights raked again to the population margins.
            let stayers = try wave1.subset(rows)
            let mw = try Calibrator(margins: margins, method: .raking).calibrate(stayers, baseWeights: rows.map { w1[$0] }).weights
            marginsOnly += zip(mw, y).reduce(0) { $0 + $1.0 * $1.1 } / mw.reduce(0, +)
            let adj = AttritionAdjustment(wave1: wave1, retained: stay, covariates: ["region", "size", "score"],
                                          adjustment: .propensityClasses(5), margins: margins, calibrateToWave1: ["score"],
                                          method: .raking, wave: 2)
            let aw = try adj.run(wave1Weights: w1).weights
            adjusted += zip(aw, y).reduce(0) { $0 + $1.0 * $1.1 } / aw.reduce(0, +)
        }
        let biasRaw = raw / Double(draws) - truth
        let biasMargins = marginsOnly / Double(draws) - truth
        let biasAdjusted = adjusted / Double(draws) - truth
        print(String(format: "ATTRITION: truth %.4f; bias raw %+.4f, margins only %+.4f, attrition-adjusted %+.4f",
                     truth, biasRaw, biasMargins, biasAdjusted))
        #expect(abs(biasAdjusted) < abs(biasRaw) / 3)
        #expect(abs(biasMargins) > abs(biasRaw) / 2)
    }
}
