import Foundation
import Testing
@testable import Weighting

/// `WeightSummary` sorts weights with few distinct values by counting them (issue 17): the summary is the one
/// of a full sort, bit for bit.
@Suite("Weight summaries")
struct WeightSummaryTests {
    /// The summary as computed before, from `sorted()`.
    static func reference(_ values: [Double]) -> [UInt64] {
        let s = values.sorted()
        func q(_ p: Double) -> Double {
            let h = Double(s.count - 1) * p
            let lo = Int(h.rounded(.down)), hi = Swift.min(lo + 1, s.count - 1)
            return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
        }
        let sum = s.reduce(0, +)
        return [s.first!, q(0.25), q(0.5), q(0.75), s.last!, sum / Double(s.count), sum].map(\.bitPattern)
    }

    static func bits(_ w: WeightSummary) -> [UInt64] {
        [w.min, w.q1, w.median, w.q3, w.max, w.mean, w.sum].map(\.bitPattern)
    }

    @Test("few distinct values (cells), many, constant, and with zeros: the same summary as a full sort",
          arguments: [1, 7, 300, 4096, 4097, 100_000])
    func sameAsFullSort(distinct: Int) {
        var rng = SplitMix64(seed: UInt64(distinct))
        let levels = (0..<distinct).map { _ in Double(rng.next() % 1_000_000) / 997 + (distinct > 1 ? 0 : 10) }
        let values = (0..<200_000).map { _ in levels[Int(rng.next() % UInt64(distinct))] }
        #expect(Self.bits(WeightSummary(values)) == Self.reference(values))
        #expect((WeightSummary.sortedFew(values) != nil) == (Set(values).count <= 4096))
        if let fast = WeightSummary.sortedFew(values) { #expect(fast == values.sorted()) }
    }

    @Test("a negative zero or a NaN leaves the values to the full sort")
    func signedZeroAndNaN() {
        #expect(WeightSummary.sortedFew([1, -0.0, 0, 2]) == nil)
        #expect(WeightSummary.sortedFew([1, .nan]) == nil)
        #expect(WeightSummary.sortedFew([3, 0, 1, 0, 3]) == [0, 0, 1, 3, 3])
        #expect(WeightSummary.sortedFew([]) == [])
    }
}
