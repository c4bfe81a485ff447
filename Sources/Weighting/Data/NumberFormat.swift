import Foundation

/// Numbers as text, independent of the locale: the one place where Weighting turns a `Double` into characters
/// (messages, CSV fields, report cells).
///
/// Two round-trip forms exist because outputs already written by earlier versions must stay byte for byte:
/// ``shortest(_:)`` (messages, levels made from numbers) writes integers below 10^15 as integers, and
/// ``field(_:decimalComma:)`` (CSV outputs) is Swift's shortest round-trip text without a trailing `.0`.
public enum NumberFormat {
    /// Shortest text that reads back as the same double; integers below 10^15 in magnitude without a decimal
    /// point (`3`, `0.1`, `1e+20`).
    public static func shortest(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    /// A number as a CSV output writes it: Swift's shortest round-trip text (up to 17 significant digits)
    /// without a trailing `.0`, with a decimal comma when asked (`2.5` or `2,5`; `-0` for negative zero).
    public static func field(_ x: Double, decimalComma: Bool = false) -> String {
        let s = "\(x)"
        let t = s.hasSuffix(".0") ? String(s.dropLast(2)) : s
        return decimalComma ? t.replacingOccurrences(of: ".", with: ",") : t
    }

    /// ``field(_:decimalComma:)`` for a table cell: empty when NaN or infinite (never `nan` or `inf`).
    public static func cell(_ x: Double) -> String { x.isFinite ? field(x) : "" }

    /// ``shortest(_:)``, empty when NaN or infinite.
    public static func short(_ x: Double) -> String { x.isFinite ? shortest(x) : "" }

    /// `x` with `digits` decimals (`%.{digits}f`); empty when NaN or infinite.
    public static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "" }
        return String(format: "%.\(digits)f", x)
    }

    /// `x` as `1.23e-04` (`%.2e`); empty when NaN or infinite.
    public static func scientific(_ x: Double) -> String {
        guard x.isFinite else { return "" }
        return String(format: "%.2e", x)
    }
}
