import Testing
@testable import Weighting
@testable import WeightingIO
import WeightingTestSupport

/// `FieldTextCache` (issue 17): the weights written beside each record are formatted once per distinct value,
/// and the bytes are those of `NumberFormat.field` for every value, repeated or not, past the cache's capacity.
@Suite("Cached number texts of the weighted files")
struct FieldTextCacheTests {
    @Test("repeated, distinct and special values give NumberFormat.field's bytes, with a point or a decimal comma",
          arguments: [false, true])
    func sameBytesAsTheFormatter(decimalComma: Bool) {
        var rng = SplitMix64(seed: 99)
        // A few cell weights repeated (as after a raking), then more distinct values than the cache holds.
        let cells = (0..<40).map { _ in Double.random(in: 0.5...800, using: &rng) }
        var values = (0..<20_000).map { _ in cells[Int.random(in: 0..<cells.count, using: &rng)] }
        values += (0..<(3 * FieldTextCache.capacity)).map { _ in Double.random(in: -1e6...1e6, using: &rng) }
        values += [0, -0.0, 1, 10, 1e-300, 1e300, 123456789012345680, 0.1 + 0.2, .pi] + cells
        var cache = FieldTextCache(decimalComma: decimalComma)
        var sink = ArraySink(bytes: [])
        var expected: [UInt8] = []
        for x in values {
            cache.write(x, into: &sink)
            sink.write(CollectionOfOne(UInt8(ascii: "|")))
            expected += Array(NumberFormat.field(x, decimalComma: decimalComma).utf8) + [UInt8(ascii: "|")]
        }
        #expect(sink.bytes == expected)
    }
}
