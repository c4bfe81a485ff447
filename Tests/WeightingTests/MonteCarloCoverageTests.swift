import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// How many draws the simulation checks make: a reduced run in every test run (CI included), the full run of
/// the README's figures on demand with `WEIGHTING_MONTE_CARLO=1` (`bash Benchmarks/coverage.sh`).
/// The thresholds are the simulation's own Monte Carlo error at the number of draws made, so the same
/// assertions hold (and can fail) at both sizes.
enum SimulationRun {
    static let full = ProcessInfo.processInfo.environment["WEIGHTING_MONTE_CARLO"] == "1"

    /// Draws for a check whose full size is `full` and reduced size `reduced`.
    static func draws(full: Int, reduced: Int) -> Int { Self.full ? full : reduced }

    /// Mean and standard deviation (n − 1) of a sample of estimates.
    static func meanAndSD(_ xs: [Double]) -> (mean: Double, sd: Double) {
        let mean = xs.reduce(0, +) / Double(xs.count)
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count - 1)
        return (mean, variance.squareRoot())
    }
}

/// Simulation check of the whole chain (raking, linearization with calibration residuals, t intervals),
/// against the README's section "Variance, intervals and their calibration": 95 % coverage, raw bias +0.1016,
/// raked bias −0.0009 (none), mean linearized SE 0.0163 against an empirical SD of 0.0158.
///
/// A population of 20,000 units with 4 regions and 3 size classes; the indicator's rate depends on both.
/// Each draw is a Poisson sample whose inclusion probability is a product of a region and a size factor
/// (over-representing two regions and large units), so raking on the two margins removes the selection bias.
/// Reduced run: 250 draws; full run (`WEIGHTING_MONTE_CARLO=1`): the README's 1,000.
@Suite("Monte Carlo coverage")
struct MonteCarloCoverageTests {
    /// The README's figures, from the full run.
    static let readmeRawBias = 0.1016, readmeSD = 0.0158

    @Test("95% intervals after raking cover the truth within the binomial error; the raw mean is biased by the README's +0.10, the raked one not; the linearized SE matches the empirical SD")
    func coverage() throws {
        var rng = TestRandom(seed: 2026)
        let regions = ["Nord", "Sud", "Est", "Ouest"], sizes = ["petite", "moyenne", "grande"]
        let N = 20_000
        var region: [Int] = [], size: [Int] = [], y: [Double] = []
        for _ in 0..<N {
            let r = rng.pick([0, 1, 2, 3], weights: [4, 3, 2, 1])
            let s = rng.pick([0, 1, 2], weights: [6, 3, 1])
            region.append(r)
            size.append(s)
            let p = 1 / (1 + exp(-(-1.2 + 0.5 * Double(r) + 0.9 * Double(s))))
            y.append(rng.uniform() < p ? 1 : 0)
        }
        let truth = y.reduce(0, +) / Double(N)
        var regionTargets = [Double](repeating: 0, count: 4), sizeTargets = [Double](repeating: 0, count: 3)
        for i in 0..<N { regionTargets[region[i]] += 1; sizeTargets[size[i]] += 1 }
        let margins = Margins(categorical: [
            try CategoricalMargin(variables: ["region"], levels: regions.map { [$0] }, targets: regionTargets),
            try CategoricalMargin(variables: ["size"], levels: sizes.map { [$0] }, targets: sizeTargets),
        ])
        let regionFactor = [0.5, 1.5, 0.5, 1.5], sizeFactor = [0.6, 1.2, 2.4]
        let draws = SimulationRun.draws(full: 1000, reduced: 250)
        var covered = 0, raws: [Double] = [], estimates: [Double] = [], ses: [Double] = []
        for _ in 0..<draws {
            var sr: [String?] = [], ss: [String?] = [], sy: [Double] = []
            for i in 0..<N where rng.uniform() < 0.075 * regionFactor[region[i]] * sizeFactor[size[i]] {
                sr.append(regions[region[i]]); ss.append(sizes[size[i]]); sy.append(y[i])
            }
            let table = try Table(["region": .categorical(sr), "size": .categorical(ss), "y": .numeric(sy)])
            let result = try Calibrator(margins: margins, method: .raking).calibrate(table)
            let design = try SurveyDesign(table: table).calibrated(result)
            let e = try SurveyEstimator(table: table, design: design).estimate(variables: ["y"], statistic: .mean)[0]
            if e.ciLow! <= truth && truth <= e.ciHigh! { covered += 1 }
            raws.append(sy.reduce(0, +) / Double(sy.count))
            estimates.append(e.estimate)
            ses.append(e.se)
        }
        let n = Double(draws)
        let coverage = Double(covered) / n
        let raw = SimulationRun.meanAndSD(raws), weighted = SimulationRun.meanAndSD(estimates)
        let rawBias = raw.mean - truth, weightedBias = weighted.mean - truth
        let meanSE = ses.reduce(0, +) / n
        print(String(format: "MONTE CARLO (%d draws): truth %.4f; raw bias %+.4f; weighted bias %+.4f; coverage %.1f%%; mean SE %.4f vs empirical SD %.4f",
                     draws, truth, rawBias, weightedBias, 100 * coverage, meanSE, weighted.sd))

        // Coverage: binomial error of a 95% interval's hit rate over `draws` independent samples.
        let coverageError = 3 * (0.95 * 0.05 / n).squareRoot()
        #expect(abs(coverage - 0.95) <= coverageError, "coverage \(coverage) outside 0.95 ± \(coverageError)")
        // Bias: Monte Carlo standard error of a mean of `draws` estimates.
        let rawError = 3 * raw.sd / n.squareRoot(), weightedError = 3 * weighted.sd / n.squareRoot()
        #expect(abs(rawBias - Self.readmeRawBias) <= rawError, "raw bias \(rawBias), README \(Self.readmeRawBias) ± \(rawError)")
        #expect(abs(weightedBias) <= weightedError, "raked bias \(weightedBias) not within ± \(weightedError) of zero")
        // Standard error: the sample SD of `draws` estimates has relative error about 1 / √(2(n − 1)).
        let sdError = 3 / (2 * (n - 1)).squareRoot()
        #expect(abs(meanSE / weighted.sd - 1) <= sdError, "mean SE \(meanSE) against empirical SD \(weighted.sd): relative gap beyond \(sdError)")
        #expect(abs(weighted.sd / Self.readmeSD - 1) <= sdError, "empirical SD \(weighted.sd), README \(Self.readmeSD)")
    }
}
