#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Strict number parsing: the whole field must be a decimal number (optional sign, digits, one decimal mark,
/// optional exponent). `inf`, `nan`, hex and thousands separators are rejected.
package enum NumberParser {
    /// 10^0 ... 10^15, each exact in a Double.
    @usableFromInline package static let powersOfTen: [Double] = (0...15).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

    package static func parse(_ text: String, decimalComma: Bool) -> Double? {
        var scratch = [CChar](repeating: 0, count: 512)
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { parse($0, 0, bytes.count, decimalComma: decimalComma, scratch: &scratch) }
    }

    @inlinable @inline(__always)
    package static func parse(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, decimalComma: Bool,
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
            let value = fraction == 0 ? m : m / NumberParser.powersOfTen[fraction]
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
