import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation

/// Waves that are not nested (README, "Real data"): a simulated panel where wave-1 respondents answer waves 2
/// and 3 independently (so some skip wave 2 and come back), both depending on a maturity score that also drives
/// the wave-3 indicator, and newcomers join at wave 3 (a fresh sample over-representing regions and sizes, not
/// maturity). The response model sees region, size and a noisy score (it cannot remove all the selection).
///
/// Stayers only: wave-1 respondents present in waves 2 and 3, attrition-adjusted and calibrated.
/// Combined: every wave-3 respondent (stayers, skippers and newcomers) through ``CrossSectionalCombination``.
/// Asserted in every draw: every wave-3 respondent has a positive weight and the margins are met; over the draws,
/// the combined estimator's bias is below the stayers-only one's by more than three Monte Carlo standard errors.
/// Reduced run: 25 draws in every test run; full run (`WEIGHTING_MONTE_CARLO=1`): 500 (README figures).
@Suite("Non-nested waves simulation")
struct NonNestedWaveSimulationTests {
    @Test("every wave-3 respondent gets a positive weight, the margins are met, and the bias is below the stayers-only estimator's")
    func newcomersAndSkippers() throws {
        var rng = TestRandom(seed: 14)
        func normal() -> Double { (-2 * log(rng.uniform())).squareRoot() * cos(2 * Double.pi * rng.uniform()) }
        let regions = ["A", "B", "C"], sizes = ["petite", "moyenne", "grande"]
        let N = 20_000
        var region: [Int] = [], size: [Int] = [], maturity: [Double] = [], y3: [Double] = []
        for _ in 0..<N {
            let r = rng.pick([0, 1, 2], weights: [5, 3, 2]), s = rng.pick([0, 1, 2], weights: [6, 3, 1])
            let m = normal()
            region.append(r); size.append(s); maturity.append(m)
            y3.append(rng.uniform() < 1 / (1 + exp(-(-0.5 + 0.4 * Double(s) + 1.2 * m))) ? 1 : 0)
        }
        let truth = y3.reduce(0, +) / Double(N)
        var rt = [Double](repeating: 0, count: 3), st = rt
        for i in 0..<N { rt[region[i]] += 1; st[size[i]] += 1 }
        let margins = Margins(categorical: [
            try CategoricalMargin(variables: ["region"], levels: regions.map { [$0] }, targets: rt),
            try CategoricalMargin(variables: ["size"], levels: sizes.map { [$0] }, targets: st),
        ])
        let calibrator = Calibrator(margins: margins, method: .raking)
        var stayersOnly: [Double] = [], combined: [Double] = [], lambdas: [Double] = [], skippers: [Int] = [], newcomers: [Int] = []
        let draws = SimulationRun.draws(full: 500, reduced: 25)
        for _ in 0..<draws {
            var idx: [Int] = [], inWave1 = [Bool](repeating: false, count: N)
            for i in 0..<N where rng.uniform() < 0.1 * [0.6, 1.0, 1.6][region[i]] * [0.7, 1.2, 2.0][size[i]] { idx.append(i); inWave1[i] = true }
            let score = idx.map { maturity[$0] + normal() }
            let wave1 = try Table(["region": .categorical(idx.map { regions[region[$0]] }), "size": .categorical(idx.map { sizes[size[$0]] }),
                               "score": .numeric(score)])
            let w1 = try calibrator.calibrate(wave1).weights
            let in2 = idx.map { rng.uniform() < 1 / (1 + exp(-(-0.8 + 1.0 * maturity[$0]))) }
            let in3 = idx.map { rng.uniform() < 1 / (1 + exp(-(-0.8 + 1.0 * maturity[$0]))) }
            func adjusted(_ retained: [Bool]) throws -> (weights: [Double], rows: [Int]) {
                let a = AttritionAdjustment(wave1: wave1, retained: retained, covariates: ["region", "size", "score"],
                                            adjustment: .propensityClasses(5), margins: margins, method: .raking, wave: 3)
                let r = try a.run(wave1Weights: w1)
                return (r.weights, r.rows)
            }
            // Stayers only: present in waves 2 and 3.
            let s = try adjusted(zip(in2, in3).map { $0 && $1 })
            stayersOnly.append(zip(s.weights, s.rows).reduce(0) { $0 + $1.0 * y3[idx[$1.1]] } / s.weights.reduce(0, +))
            // Combined: everyone present at wave 3, plus newcomers.
            let p = try adjusted(in3)
            var fresh: [Int] = []
            for i in 0..<N where !inWave1[i] && rng.uniform() < 0.015 * [0.6, 1.0, 1.6][region[i]] * [0.7, 1.2, 2.0][size[i]] { fresh.append(i) }
            let units = p.rows.map { idx[$0] } + fresh
            let wave3 = try Table(["region": .categorical(units.map { regions[region[$0]] }), "size": .categorical(units.map { sizes[size[$0]] })])
            let panelWeights: [Double?] = p.weights.map { Optional($0) } + fresh.map { _ in nil }
            let (w, report) = try CrossSectionalCombination(wave: wave3, panelWeights: panelWeights, calibrator: calibrator).run()
            #expect(w.count == units.count && w.allSatisfy { $0 > 0 })
            #expect(report.calibration.maxDeviation < 1e-6)
            var byRegion = [Double](repeating: 0, count: 3)
            for (k, u) in units.enumerated() { byRegion[region[u]] += w[k] }
            #expect(zip(byRegion, rt).allSatisfy { abs($0 - $1) / $1 < 1e-6 })
            combined.append(zip(w, units).reduce(0) { $0 + $1.0 * y3[$1.1] } / w.reduce(0, +))
            lambdas.append(report.lambda)
            skippers.append(zip(in2, in3).filter { !$0 && $1 }.count)
            newcomers.append(fresh.count)
        }
        let n = Double(draws)
        let so = SimulationRun.meanAndSD(stayersOnly), c = SimulationRun.meanAndSD(combined)
        let biasS = so.mean - truth, biasC = c.mean - truth
        let differences = zip(stayersOnly, combined).map { abs($0 - truth) - abs($1 - truth) }
        let d = SimulationRun.meanAndSD(differences)
        print(String(format: "non-nested waves, %d draws: truth %.4f; bias stayers only %+.4f (sd %.4f), combined %+.4f (sd %.4f); λ %.3f; skippers %.0f, newcomers %.0f a draw",
                     draws, truth, biasS, so.sd, biasC, c.sd, lambdas.reduce(0, +) / n,
                     Double(skippers.reduce(0, +)) / n, Double(newcomers.reduce(0, +)) / n))
        #expect(abs(biasC) < abs(biasS) - 3 * d.sd / n.squareRoot())
    }
}
