import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// Against the README's section "Panel attrition": a simulated panel where staying to wave 2 depends on a wave-1 maturity score, and the wave-2 indicator on
/// maturity. Calibration to population margins alone leaves most of the bias; the attrition adjustment
/// (propensity classes on wave-1 covariates, then calibration to the margins and to the wave-1 total of the
/// score) removes it. The README reports, over 500 draws, a bias of +0.1741 (raw), +0.1555 (margins only) and
/// −0.0030 (adjusted); each is asserted within three Monte Carlo standard errors of the draws made.
/// Reduced run: 120 draws in every test run; full run (`WEIGHTING_MONTE_CARLO=1`, `bash Benchmarks/coverage.sh`):
/// the README's 500.
@Suite("Attrition simulation")
struct AttritionSimulationTests {
    /// The README's biases (full run).
    static let readmeRaw = 0.1741, readmeMarginsOnly = 0.1555, readmeAdjusted = -0.0030

    @Test("the wave-2 biases are the README's (raw +0.174, margins only +0.156, adjusted −0.003) within the simulation's error; the adjusted one is near zero, margins alone keep most of it")
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
            try CategoricalMargin(variables: ["region"], levels: regions.map { [$0] }, targets: rt),
            try CategoricalMargin(variables: ["size"], levels: sizes.map { [$0] }, targets: st),
        ])
        var raw: [Double] = [], marginsOnly: [Double] = [], adjusted: [Double] = []
        let draws = SimulationRun.draws(full: 500, reduced: 120)
        for _ in 0..<draws {
            var idx: [Int] = []
            for i in 0..<N where rng.uniform() < 0.1 * [0.6, 1.0, 1.6][region[i]] * [0.7, 1.2, 2.0][size[i]] { idx.append(i) }
            let score = idx.map { maturity[$0] + 0.3 * ((-2 * log(rng.uniform())).squareRoot() * cos(2 * Double.pi * rng.uniform())) }
            let wave1 = try Table(["region": .categorical(idx.map { regions[region[$0]] }), "size": .categorical(idx.map { sizes[size[$0]] }),
                               "score": .numeric(score)])
            let w1 = try Calibrator(margins: margins, method: .raking).calibrate(wave1).weights
            let stay = score.map { rng.uniform() < 1 / (1 + exp(-(-1.3 + 1.1 * $0))) }
            let rows = (0..<idx.count).filter { stay[$0] }
            let y = rows.map { y2[idx[$0]] }
            raw.append(y.reduce(0, +) / Double(y.count))
            // Margins alone: the stayers' wave-1 weights raked again to the population margins.
            let stayers = try wave1.subset(rows)
            let mw = try Calibrator(margins: margins, method: .raking).calibrate(stayers, baseWeights: rows.map { w1[$0] }).weights
            marginsOnly.append(zip(mw, y).reduce(0) { $0 + $1.0 * $1.1 } / mw.reduce(0, +))
            let adj = AttritionAdjustment(wave1: wave1, retained: stay, covariates: ["region", "size", "score"],
                                          adjustment: .propensityClasses(5), margins: margins, calibrateToWave1: ["score"],
                                          method: .raking, wave: 2)
            let aw = try adj.run(wave1Weights: w1).weights
            adjusted.append(zip(aw, y).reduce(0) { $0 + $1.0 * $1.1 } / aw.reduce(0, +))
        }
        let n = Double(draws)
        let r = SimulationRun.meanAndSD(raw), m = SimulationRun.meanAndSD(marginsOnly), a = SimulationRun.meanAndSD(adjusted)
        let biasRaw = r.mean - truth, biasMargins = m.mean - truth, biasAdjusted = a.mean - truth
        // Three Monte Carlo standard errors of each mean over `draws` draws.
        let errRaw = 3 * r.sd / n.squareRoot(), errMargins = 3 * m.sd / n.squareRoot(), errAdjusted = 3 * a.sd / n.squareRoot()
        print(String(format: "ATTRITION (%d draws): truth %.4f; bias raw %+.4f (±%.4f), margins only %+.4f (±%.4f), attrition-adjusted %+.4f (±%.4f); SD of the adjusted estimate %.4f",
                     draws, truth, biasRaw, errRaw, biasMargins, errMargins, biasAdjusted, errAdjusted, a.sd))
        #expect(abs(biasRaw - Self.readmeRaw) <= errRaw, "raw bias \(biasRaw), README \(Self.readmeRaw) ± \(errRaw)")
        #expect(abs(biasMargins - Self.readmeMarginsOnly) <= errMargins, "margins-only bias \(biasMargins), README \(Self.readmeMarginsOnly) ± \(errMargins)")
        #expect(abs(biasAdjusted - Self.readmeAdjusted) <= errAdjusted, "adjusted bias \(biasAdjusted), README \(Self.readmeAdjusted) ± \(errAdjusted)")
        // "Removes it": the adjusted bias is zero within the Monte Carlo error (|bias| ≤ 3 standard errors) ...
        #expect(abs(biasAdjusted) <= errAdjusted, "adjusted bias \(biasAdjusted) not within ± \(errAdjusted) of zero")
        // ... while "most of the bias stays" with the margins alone.
        #expect(biasMargins > biasRaw / 2)
    }
}
