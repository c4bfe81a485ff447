import Testing
@testable import Weighting
@testable import WeightingIO
@testable import WeightingReports
@testable import WeightingSimulation
import WeightingTestSupport

/// The CSV number parser's fast path (digits divided by a power of ten) against the C library's `strtod`
/// (through Swift's `Double(String)`): every decimal must give the same bits.
@Suite("Number parsing")
struct NumberParsingTests {
    /// Decimal texts with 1 to 18 digits, 0 to 17 of them after the point, signs, leading zeros and the
    /// hard cases of rounding (halfway patterns such as 0.1 + 0.2 and 9007199254740993).
    static func texts() -> [String] {
        var rng = SplitMix64(seed: 42)
        var out = ["0", "-0", "0.0", "-0.0", "1.", ".5", "-.5", "+3.25", "0.1", "0.2", "0.3", "2.675", "1.005",
                   "9007199254740993", "900719925474099.3", "123456789012345", "1234567890123456", "0.000000000000001",
                   "999999999999999", "99999999999999.9", "00000000000000012.5", "4.35", "80.3", "1e5", "2.5E-3"]
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...18, using: &rng)
            var s = (0..<digits).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
            let point = Int.random(in: 0...digits, using: &rng)
            if point < digits { s.insert(".", at: s.index(s.startIndex, offsetBy: point)) }
            if Bool.random(using: &rng) { s = "-" + s }
            out.append(s)
        }
        return out
    }

    @Test("decimal texts parse to the same bits as strtod, with a point or a decimal comma")
    func sameBitsAsStrtod() {
        var mismatches: [String] = []
        for text in Self.texts() {
            guard let reference = Double(text) else { continue }
            let parsed = NumberParser.parse(text, decimalComma: false)
            let comma = NumberParser.parse(text.replacingOccurrences(of: ".", with: ","), decimalComma: true)
            if parsed?.bitPattern != reference.bitPattern || comma?.bitPattern != reference.bitPattern {
                mismatches.append("\(text): \(String(describing: parsed)) / \(String(describing: comma)) for \(reference)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test("texts that are not a whole decimal number are refused")
    func refusals() {
        for text in ["", ".", "-", "1.2.3", "1,5", "1e", "e5", "inf", "nan", "0x10", "1 000", "12a"] {
            #expect(NumberParser.parse(text, decimalComma: false) == nil, "\(text)")
        }
    }
}
