import Foundation
import Testing
@testable import Weighting
import WeightingTestSupport

/// The one-pass decimal reader of `inspect` and `calibrate` (issue #17 item 3): `[+-]?digits[.digits]` with up
/// to 15 digits is converted by Clinger's fast path, everything else by the checked general path and `strtod`.
/// Every text must give the bits of Swift's `Double(String)` (the C library's correctly rounded conversion), or
/// be refused when it is not a whole decimal number.
@Suite("Fast decimal reading")
struct ParallelNumberParsingTests {
    /// A text is a decimal number for the reader when it is an optional sign, digits with at most one decimal
    /// mark (at least one digit), and an optional exponent.
    static func isDecimal(_ text: String) -> Bool {
        text.range(of: #"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil
    }

    static let edgeCases = [
        "0", "-0", "+0", "0.", ".0", "-.0", "1.", ".5", "-.5", "+.5", ".", "-", "+", "", "-+1", "1.2.3", "1..2",
        "000000000000000", "0000000000000001", "123456789012345", "123456789012345.", ".123456789012345",
        "-1234567.89012345", "999999999999999", "9999999999999999", "999999999999999.9", "9007199254740993",
        "0.1", "0.2", "0.3", "0.30000000000000004", "2.675", "1.005", "4.35", "80.3", "64.14", "1e5", "1E-5",
        "1e", "1e+", "e5", "1e400", "-1e400", "1e-400", "0.000000000000001", "0.0000000000000001",
        "100000000000000", "1000000000000000", "12a", "a12", "1 2", " 1", "1 ", "1,5", "0x10", "inf", "nan",
        "123456789012345678901234567890", "0.123456789012345678901234567890",
    ]

    /// Random texts: signs, 0 to 18 digits on either side of a mark, sometimes an exponent or a stray byte.
    static func randomTexts(_ count: Int) -> [String] {
        var rng = SplitMix64(seed: 2026_12_02)
        let stray: [Character] = ["a", " ", ".", "e", "-", "+", "x", ","]
        return (0..<count).map { _ in
            var s = ""
            switch Int.random(in: 0..<4, using: &rng) { case 0: s = "-"; case 1: s = "+"; default: break }
            let whole = Int.random(in: 0...18, using: &rng), fraction = Int.random(in: 0...18, using: &rng)
            for _ in 0..<whole { s.append(String(Int.random(in: 0...9, using: &rng))) }
            if Int.random(in: 0..<4, using: &rng) > 0 { s.append(".") }
            for _ in 0..<fraction { s.append(String(Int.random(in: 0...9, using: &rng))) }
            if Int.random(in: 0..<10, using: &rng) == 0 { s += "e\(Int.random(in: -30...30, using: &rng))" }
            if Int.random(in: 0..<20, using: &rng) == 0 {
                s.insert(stray.randomElement(using: &rng)!, at: s.index(s.startIndex, offsetBy: Int.random(in: 0...s.count, using: &rng)))
            }
            return s
        }
    }

    @Test("decimal texts give the bits of Double(String), with a point or a decimal comma; others are refused")
    func sameBitsAsDoubleInit() {
        var mismatches: [String] = []
        for text in Self.edgeCases + Self.randomTexts(60_000) {
            let point = NumberParser.parse(text, decimalComma: false)
            let comma = text.contains(",") ? point : NumberParser.parse(text.replacingOccurrences(of: ".", with: ","), decimalComma: true)
            if Self.isDecimal(text), let reference = Double(text) {
                if point?.bitPattern != reference.bitPattern || comma?.bitPattern != reference.bitPattern {
                    mismatches.append("\(text): \(String(describing: point)) / \(String(describing: comma)) for \(reference)")
                }
            } else if point != nil || (comma != nil && !text.contains(",")) {
                mismatches.append("\(text): accepted as \(String(describing: point)) / \(String(describing: comma))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches: \(mismatches.prefix(10))")
    }

    @Test("the fast path covers the benchmark's fields and stops at 15 digits")
    func fastPathBoundary() {
        // 15 digits: exact integer below 2^53, one division; 16: the general path (strtod), same bits.
        #expect(NumberParser.parse("123456789.012345", decimalComma: false) == 123456789.012345)
        #expect(NumberParser.parse("9007199254740993", decimalComma: false) == 9007199254740992)
        #expect(NumberParser.parse("0.30000000000000004", decimalComma: false) == 0.1 + 0.2)
        #expect(NumberParser.parse("64,14", decimalComma: true) == 64.14)
        #expect(NumberParser.parse("-0", decimalComma: false)!.sign == .minus)
    }
}
