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

    /// Parses `text` as a field followed by `padding` bytes of the same buffer (eight or more: the CSV reader's
    /// word-at-a-time reading of short fields, `DecimalWord`; none: `NumberParser` alone, as for a field ending a
    /// chunk).
    static func parseField(_ text: String, padding: Int, decimalComma: Bool) -> Double? {
        let bytes = Array(text.utf8) + [UInt8](repeating: UInt8(ascii: decimalComma ? ";" : ","), count: padding)
        var scratch = [CChar](repeating: 0, count: 512)
        let count = text.utf8.count
        return bytes.withUnsafeBufferPointer { buf in
            // As the CSV reader's loops do: the word-at-a-time reading first, then the general parser.
            (padding > 0 ? CSVBuffer.commonNumber(buf, 0, count, decimalComma: decimalComma) : nil)
                ?? NumberParser.parse(buf, 0, count, decimalComma: decimalComma, scratch: &scratch)
        }
    }

    /// `[+-]?` then digits with at most one point and at least one digit, nothing else.
    static func isPlainDecimal(_ text: String) -> Bool {
        var body = Substring(text)
        if let f = body.first, f == "+" || f == "-" { body = body.dropFirst() }
        let points = body.filter { $0 == "." }.count
        let digits = body.filter { $0.isASCII && $0.isNumber }.count
        return points <= 1 && digits >= 1 && digits + points == body.count
    }

    @Test("fields of one to eight bytes read a word at a time give the bits of strtod and its refusals")
    func shortFieldsReadAsWords() {
        var rng = SplitMix64(seed: 7)
        // Every short decimal shape, and bytes around the digits and the marks ('/' and ':' border the digits,
        // '?' has the digits' high nibble, 0xC3 starts a UTF-8 letter).
        var texts = ["0", "5.", ".5", "-0", "+7", "-.5", ".", "-", "+", "..", "1.2.3", "1,5", "1.5,", "12345678",
                     "1234567.", ".1234567", "99999999", "00000000", "0000000.1", "1e5", "12a", "1/2", "1:2", "1?",
                     "\u{C3}\u{A9}", " 1", "1 ", "-1234567", "+1234.56"]
        let alphabet = Array("0123456789.,-+e/:?x ")
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...8, using: &rng)
            let digitsOnly = Bool.random(using: &rng)
            var text = String((0..<length).map { _ in digitsOnly ? Character(String(Int.random(in: 0...9, using: &rng))) : alphabet.randomElement(using: &rng)! })
            if digitsOnly && length > 1 && Bool.random(using: &rng) {
                text.insert(".", at: text.index(text.startIndex, offsetBy: Int.random(in: 0..<length, using: &rng)))
            }
            texts.append(text)
        }
        var mismatches: [String] = []
        for text in texts {
            for decimalComma in [false, true] {
                let asText = decimalComma ? text.replacingOccurrences(of: ".", with: "\u{1}").replacingOccurrences(of: ",", with: ".")
                    .replacingOccurrences(of: "\u{1}", with: ",") : text
                let words = Self.parseField(asText, padding: 8, decimalComma: decimalComma)
                let bytes = Self.parseField(asText, padding: 0, decimalComma: decimalComma)
                // strtod's reading of a plain decimal (sign, digits, one point, at least one digit).
                let plain = Self.isPlainDecimal(text)
                // Exponents are left to the general reading (checked against strtod above): both readings agree.
                let exponent = text.contains("e") && !plain
                let reference = plain ? Double(text.hasSuffix(".") ? text + "0" : text) : exponent ? bytes : nil
                if words?.bitPattern != reference?.bitPattern || bytes?.bitPattern != reference?.bitPattern {
                    mismatches.append("\(asText) (comma \(decimalComma)): words \(String(describing: words)), bytes \(String(describing: bytes)), strtod \(String(describing: reference))")
                }
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
