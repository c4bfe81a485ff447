#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Weighting

extension CSVBuffer {
    /// The slot of a 64-bit hash in an open-addressing table of `size` (a power of two) slots: the high bits of
    /// the hash times a Fibonacci constant, so that levels differing only in their last characters spread out.
    @inline(__always)
    static func slot(_ h: UInt64, _ size: Int) -> Int {
        Int(truncatingIfNeeded: (h &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - size.trailingZeroBitCount))
    }

    /// Dictionary-encodes a column: levels in order of first appearance, missing for empty fields and
    /// the missing tokens (`NA`, `NaN`, …). Leading and trailing spaces are not part of a level.
    ///
    /// - Complexity: O(n) with an open-addressing hash table over the field bytes (no per-row allocation); see
    ///   ``CSVLevelEncoder``.
    public func categorical(column: Int) -> CategoricalColumn {
        var encoder = CSVLevelEncoder()
        encoder.append(self, column: column)
        return encoder.finish()
    }

    /// The value of the trimmed, unquoted field `s..<e` when it is a one-digit number or 3 to 8 bytes of digits
    /// with at most one decimal mark (``DecimalWord/value(_:at:count:decimalComma:)``), inlined into the
    /// loops over fields; nil sends the field to ``NumberParser/parse(_:_:_:decimalComma:scratch:)``, which
    /// gives the same double for these fields and reads every other one.
    @inline(__always)
    static func commonNumber(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, decimalComma: Bool) -> Double? {
        let length = e &- s
        if length == 1 {
            let digit = buf[s] &- 0x30
            return digit <= 9 ? Double(digit) : nil
        }
        guard length >= 3 && length <= 8 && s &+ 8 <= buf.count else { return nil }
        return DecimalWord.value(UnsafeRawBufferPointer(buf), at: s, count: length, decimalComma: decimalComma)
    }

    /// Parses a column as numbers (NaN where missing), failing on the first field that is not a finite number.
    public func numeric(column: Int, decimalComma: Bool) throws -> NumericColumn {
        var values: [Double] = []
        try appendNumbers(column: column, rows: 0..<rowCount, decimalComma: decimalComma, to: &values)
        return NumericColumn(values)
    }

    /// Appends the numbers of column `column` in records `rows` to `values` (NaN where missing), failing on the
    /// first field of those records, in file order, that is not a finite number (`values` is then left with
    /// some of them appended). A converter calls it on blocks of records, so that the records' fields and
    /// boundaries stay in the processor's cache while it reads several columns of them.
    func appendNumbers(column: Int, rows: Range<Int>, decimalComma: Bool, to values: inout [Double]) throws {
        let stride = boundsStride, offset = fieldOffset[column]
        precondition(offset >= 0, "column \(column) is not among the columns this chunk was split for")
        let first = values.count
        values.append(contentsOf: repeatElement(Double.nan, count: rows.count))
        try bytes.withUnsafeBufferPointer { buf in
          try bounds.withUnsafeBufferPointer { bounds in
          try values.withUnsafeMutableBufferPointer { values in
            let out = UnsafeMutableBufferPointer(rebasing: values[first...])
            var scratch = [CChar](repeating: 0, count: 512)
            for r in rows {
                let b = r &* stride &+ offset
                var s = Int(bounds[b]), e = Int(bounds[b &+ 1]) &- 1
                if e - s >= 2, buf[s] == 0x22 { s += 1; e -= 1 }
                while s < e, buf[s] == 0x20 || buf[s] == 0x09 { s += 1 }
                while e > s, buf[e - 1] == 0x20 || buf[e - 1] == 0x09 { e -= 1 }
                if s == e { continue }
                if let v = CSVBuffer.commonNumber(buf, s, e, decimalComma: decimalComma)
                    ?? NumberParser.parse(buf, s, e, decimalComma: decimalComma, scratch: &scratch) {
                    if !v.isFinite {
                        throw DataError.nonFiniteNumber(location(row: r, column: column), value: text(row: r, column: column))
                    }
                    out[r &- rows.lowerBound] = v
                } else {
                    let t = CSVBuffer.unquote(buf, s, e)
                    if CategoricalColumn.missingTokens.contains(t) { continue }
                    throw DataError.notANumber(location(row: r, column: column), value: t)
                }
            }
          }
          }
        }
    }
}
