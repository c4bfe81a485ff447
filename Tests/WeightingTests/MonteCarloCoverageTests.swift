import Foundation
import Testing
@testable import Weighting

/// Simulation check of the whole chain (raking, linearization with calibration residuals, t intervals),
/// run on demand: `WEIGHTING_MONTE_CARLO=1 swift test --filter MonteCarlo` (or `bash Benchmarks/coverage.sh`).
///
/// A population of 20,000 units with 4 regions and 3 size classes; the indicator's rate depends on both.
/// Each draw is a Poisson sample whose inclusion probability is a product of a region and a size factor
/// (over-representing two regions and large units), so raking on the two margins removes the selection bias.
@Suite("Monte Carlo coverage (on demand)", .enabled(if: ProcessInfo.processInfo.environment["WEIGHTING_MONTE_CARLO"] == "1"))
struct MonteCarloCoverageTests {
    @Test("95% intervals after raking cover the truth 93–97% of 1,000 draws; the raw mean is biased")
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
            CategoricalMargin(variables: ["region"], levels: regions.map { [$0] }, targets: regionTargets),
            CategoricalMargin(variables: ["size"], levels: sizes.map { [$0] }, targets: sizeTargets),
        ])
        let regionFactor = [0.5, 1.5, 0.5, 1.5], sizeFactor = [0.6, 1.2, 2.4]
        let draws = 1000
        var covered = 0, rawSum = 0.0, weightedSum = 0.0, seSum = 0.0, estimates: [Double] = []
        for _ in 0..<draws {
            var sr: [String?] = [], ss: [String?] = [], sy: [Double] = []
            for i in 0..<N where rng.uniform() < 0.075 * regionFactor[region[i]] * sizeFactor[size[i]] {
                sr.append(regions[region[i]]); ss.append(sizes[size[i]]); sy.append(y[i])
            }
            let table = Table(["region": .categorical(sr), "size": .categorical(ss), "y": .numeric(sy)])
            let result = try Calibrator(margins: margins, method: .raking).calibrate(table)
            let design = try SurveyDesign(table: table).calibrated(result)
            let e = try SurveyEstimator(table: table, design: design).estimate(variables: ["y"], statistic: .mean)[0]
            if e.ciLow! <= truth && truth <= e.ciHigh! { covered += 1 }
            rawSum += sy.reduce(0, +) / Double(sy.count)
            weightedSum += e.estimate
            seSum += e.se
            estimates.append(e.estimate)
        }
        let coverage = Double(covered) / Double(draws)
        let rawBias = rawSum / Double(draws) - truth
        let weightedBias = weightedSum / Double(draws) - truth
        let mean = estimates.reduce(0, +) / Double(draws)
        let empiricalSD = (estimates.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws - 1)).squareRoot()
        print(String(format: "MONTE CARLO: truth %.4f; raw bias %+.4f; weighted bias %+.4f; coverage %.1f%%; mean SE %.4f vs empirical SD %.4f",
                     truth, rawBias, weightedBias, 100 * coverage, seSum / Double(draws), empiricalSD))
        #expect(coverage >= 0.93 && coverage <= 0.97)
        #expect(abs(rawBias) > 5 * abs(weightedBias))
        #expect(abs(weightedBias) < 0.2 * empiricalSD)
    }
}
