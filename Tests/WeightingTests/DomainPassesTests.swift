import Testing
@testable import Weighting
import WeightingTestSupport

/// `SurveyEstimator.DomainPasses` (issue 17): a numeric variable's sums over every domain in two passes over
/// the records in file order give the bits of the per-domain loops they replace (Σ w, Σ w y, the influence
/// values and the design effect's Σ w (y − ȳ)², each domain's records taken in increasing order).
@Suite("Domain sums in passes over the records")
struct DomainPassesTests {
    /// The per-domain computation: the domain's records with a value, in increasing order.
    static func reference(_ w: [Double], _ y: [Double], _ domain: [Int32], _ d: Int, isTotal: Bool)
        -> (sw: Double, swy: Double, ss: Double, z: [Double]) {
        let rows = domain.indices.filter { Int(domain[$0]) == d && !y[$0].isNaN }
        var sw = 0.0, swy = 0.0
        for i in rows { sw += w[i]; swy += w[i] * y[i] }
        let mean = sw > 0 ? swy / sw : .nan
        var ss = 0.0
        let z = rows.map { i -> Double in
            let wd = w[i] * (y[i] - mean)
            ss += wd * (y[i] - mean)
            return isTotal ? w[i] * y[i] : wd / sw
        }
        return (sw, swy, ss, z)
    }

    @Test("sums, squares and influence values have the per-domain bits, with missing values and an all-missing domain",
          arguments: [false, true])
    func sameBitsAsPerDomainLoops(isTotal: Bool) {
        var rng = SplitMix64(seed: 17)
        let n = 5_000, m = 7
        let w = (0..<n).map { _ in Double.random(in: 0.1...40, using: &rng) }
        let domain = (0..<n).map { _ in Int32.random(in: 0..<Int32(m), using: &rng) }
        // Domain 6 has only missing values; elsewhere one value in ten is missing.
        let y = (0..<n).map { i -> Double in
            domain[i] == 6 || Int.random(in: 0..<10, using: &rng) == 0 ? .nan : Double.random(in: -3...1e4, using: &rng)
        }
        let passes = SurveyEstimator.DomainPasses(weights: w, values: y, recordDomain: domain, domainCount: m, isTotal: isTotal)
        for d in 0..<m {
            let r = Self.reference(w, y, domain, d, isTotal: isTotal)
            #expect(passes.weightSums[d].bitPattern == r.sw.bitPattern, "domain \(d)")
            #expect(passes.weightedValueSums[d].bitPattern == r.swy.bitPattern, "domain \(d)")
            #expect(passes.squares[d].bitPattern == r.ss.bitPattern, "domain \(d)")
            #expect(passes.influence[d].map(\.bitPattern) == r.z.map(\.bitPattern), "domain \(d)")
        }
        #expect(passes.influence[6].isEmpty && passes.weightSums[6] == 0)
    }
}
