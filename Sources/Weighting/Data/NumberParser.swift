#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Strict number parsing: the whole field must be a decimal number (optional sign, digits, one decimal mark,
/// optional exponent). `inf`, `nan`, hex and thousands separators are rejected.
package enum NumberParser {

    package static func parse(_ text: String, decimalComma: Bool) -> Double? {
        var scratch = [CChar](repeating: 0, count: 512)
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { parse($0, 0, bytes.count, decimalComma: decimalComma, scratch: &scratch) }
    }

    /// 10^k for 0 ≤ k ≤ 15, exact, without the lazy initialisation of a static array.
    @inlinable @inline(__always)
    package static func exactPowerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: return 1
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        default: return 1e15
        }
    }

    /// Parses bytes `s..<e` of `buf` as a decimal number, or nil.
    ///
    /// The common field, `[+-]?digits[.digits]` with at most 15 digits in all, is read in one pass and converted
    /// by Clinger's fast path (Clinger 1990): the digits as an integer below 10^15 < 2^53, exact in a double,
    /// divided by 10^k (k ≤ 15, exact too) is one correctly rounded IEEE division, so the result is the
    /// correctly rounded value of the text, as `strtod` gives. Anything else (more digits, an exponent, a
    /// refusal) goes through the checked general path below, which calls `strtod`.
    @inlinable @inline(__always)
    package static func parse(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, decimalComma: Bool,
                              scratch: inout [CChar]) -> Double? {
        var i = s
        var negative = false
        if i < e, buf[i] == 0x2B || buf[i] == 0x2D { negative = buf[i] == 0x2D; i &+= 1 }
        var mantissa: UInt64 = 0
        let first = i
        while i < e {
            let d = buf[i] &- 0x30
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i &+= 1
        }
        var digits = i &- first, fraction = 0
        if i < e, buf[i] == (decimalComma ? 0x2C : 0x2E) {
            i &+= 1
            let start = i
            while i < e {
                let d = buf[i] &- 0x30
                if d > 9 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i &+= 1
            }
            fraction = i &- start
            digits &+= fraction
        }
        if i == e && digits > 0 && digits <= 15 {
            let m = Double(mantissa)
            let value = fraction == 0 ? m : m / exactPowerOfTen(fraction)
            return negative ? -value : value
        }
        return parseGeneral(buf, s, e, decimalComma: decimalComma, scratch: &scratch)
    }

    /// The general case of ``parse(_:_:_:decimalComma:scratch:)``: validates the shape, then Clinger's fast
    /// path when it applies, else `strtod`.
    @usableFromInline
    package static func parseGeneral(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, decimalComma: Bool,
                                     scratch: inout [CChar]) -> Double? {
        let len = e - s
        guard len > 0, len < scratch.count else { return nil }
        let mark: UInt8 = decimalComma ? 0x2C : 0x2E
        // Validate the shape and fast-path plain integers.
        var i = s
        var negative = false
        if buf[i] == 0x2B || buf[i] == 0x2D { negative = buf[i] == 0x2D; i += 1 }
        // `mantissa` holds the digits before and after the mark while there are at most 15 of them
        // (`fraction` of them after the mark): then `mantissa / 10^fraction` is one correctly rounded division.
        var digits = 0, mantissa: Int64 = 0, fraction = 0, sawMark = false, sawExp = false, simple = true
        while i < e {
            let b = buf[i]
            if b >= 0x30 && b <= 0x39 {
                if !sawExp && digits < 15 {
                    mantissa = mantissa &* 10 &+ Int64(b &- 0x30)
                    if sawMark { fraction &+= 1 }
                } else { simple = false }
                digits &+= 1
            } else if b == mark && !sawMark && !sawExp {
                sawMark = true
            } else if (b == 0x65 || b == 0x45) && !sawExp && digits > 0 {
                sawExp = true; simple = false
                if i + 1 < e, buf[i + 1] == 0x2B || buf[i + 1] == 0x2D { i += 1 }
                if i + 1 >= e { return nil }
            } else {
                return nil
            }
            i &+= 1
        }
        if digits == 0 { return nil }
        if simple {
            // Clinger's fast path (Clinger 1990): an integer below 2^53 divided by an exact power of ten
            // (10^k, k ≤ 22) is one correctly rounded IEEE operation, so the result equals strtod's.
            let m = Double(mantissa)
            let value = fraction == 0 ? m : m / NumberParser.exactPowerOfTen(fraction)
            return negative ? -value : value
        }
        for k in 0..<len {
            let b = buf[s + k]
            scratch[k] = CChar(bitPattern: b == mark ? 0x2E : b)
        }
        scratch[len] = 0
        return scratch.withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }
    }
}
