import Foundation
import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// A small deterministic generator for test data (the library's SplitMix64).
struct TestRandom {
    var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func pick<T>(_ xs: [T], weights: [Double]) -> T {
        let u = uniform() * weights.reduce(0, +)
        var acc = 0.0
        for (x, w) in zip(xs, weights) { acc += w; if u < acc { return x } }
        return xs.last!
    }
}

/// A biased sample of 600 "communes" with region, size class, a numeric population and base weights, and
/// population margins that the sample over- or under-represents.
struct SyntheticSurvey {
    static let regions = ["Nord", "Sud", "Est", "Ouest"]
    static let sizes = ["petite", "moyenne", "grande"]
    let table: Table
    let d: [Double]
    let regionTargets: [Double] = [4000, 3000, 2000, 1000]
    let sizeTargets: [Double] = [6000, 3000, 1000]
    let populationTotal: Double

    init(seed: UInt64 = 7, n: Int = 600) {
        var rng = TestRandom(seed: seed)
        var region: [String?] = [], size: [String?] = [], pop: [Double] = [], d: [Double] = []
        for _ in 0..<n {
            let r = rng.pick(SyntheticSurvey.regions, weights: [1, 3, 2, 2])
            let s = rng.pick(SyntheticSurvey.sizes, weights: [2, 2, 1.5])
            region.append(r)
            size.append(s)
            let base = s == "petite" ? 300.0 : s == "moyenne" ? 2000 : 15000
            pop.append((base * (0.5 + rng.uniform())).rounded())
            d.append(10 + 20 * rng.uniform())
        }
        // The four columns have n values each by construction.
        table = try! Table(["region": .categorical(region), "size": .categorical(size), "pop": .numeric(pop),
                       "d": .numeric(d)])
        self.d = d
        // A feasible population total: the d-weighted mean of pop in each size class times the class target,
        // minus 5% (so calibration has work to do but positive weights can reach it).
        var sum: [String: Double] = [:], sumD: [String: Double] = [:]
        for i in 0..<n { sum[size[i]!, default: 0] += d[i] * pop[i]; sumD[size[i]!, default: 0] += d[i] }
        let classTargets = [6000.0, 3000, 1000]
        populationTotal = (0.95 * zip(SyntheticSurvey.sizes, classTargets).reduce(0) { $0 + $1.1 * sum[$1.0]! / sumD[$1.0]! }).rounded()
    }

    var regionMargin: CategoricalMargin {
        CategoricalMargin(checkedVariables: ["region"], levels: SyntheticSurvey.regions.map { [$0] }, targets: regionTargets)
    }
    var sizeMargin: CategoricalMargin {
        CategoricalMargin(checkedVariables: ["size"], levels: SyntheticSurvey.sizes.map { [$0] }, targets: sizeTargets)
    }
}

/// Weighted totals of the categories of a variable.
func weightedTotals(_ table: Table, _ variable: String, _ w: [Double]) throws -> [String: Double] {
    let c = try table.categorical(variable)
    var out: [String: Double] = [:]
    for i in 0..<c.count { out[c[i]!, default: 0] += w[i] }
    return out
}

/// The folder of committed test fixtures.
func fixturesURL() -> URL {
    Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
}

