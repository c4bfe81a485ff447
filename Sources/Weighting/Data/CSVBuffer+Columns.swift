#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    /// - Complexity: O(n) with an open-addressing hash table over the field bytes (no per-row allocation).
    func categorical(column: Int) -> CategoricalColumn {
        let n = rowCount
        var codes = [UInt32](repeating: CategoricalColumn.missing, count: n)
        var levels: [String] = []
        var levelRanges: [(Int, Int)] = []  // byte ranges of each level's first occurrence (trimmed, raw)
        var levelQuoted: [Bool] = []
        var tableSize = 1024
        var table = [Int32](repeating: -1, count: tableSize)
        var missingLevel: [Bool] = []
        var levelHash: [UInt64] = []
        var anyQuoted = false, anyMissing = false
        bytes.withUnsafeBufferPointer { buf in
            for r in 0..<n {
                var (s, e) = rawRange(row: r, column: column)
                while s < e, buf[s] == 0x20 || buf[s] == 0x09 { s += 1 }
                while e > s, buf[e - 1] == 0x20 || buf[e - 1] == 0x09 { e -= 1 }
                if s == e { continue }
                var h: UInt64 = 0xcbf29ce484222325
                for k in s..<e { h = (h ^ UInt64(buf[k])) &* 0x100000001b3 }
                var slot = CSVBuffer.slot(h, tableSize)
                var code: Int32 = -1
                while table[slot] >= 0 {
                    let c = Int(table[slot])
                    let (ls, le) = levelRanges[c]
                    if levelHash[c] == h && le - ls == e - s && memcmp(buf.baseAddress! + ls, buf.baseAddress! + s, e - s) == 0 {
                        code = Int32(c)
                        break
                    }
                    slot = (slot + 1) & (tableSize - 1)
                }
                if code < 0 {
                    code = Int32(levels.count)
                    let text = CSVBuffer.unquote(buf, s, e)
                    levels.append(text)
                    levelRanges.append((s, e))
                    levelHash.append(h)
                    let quoted = buf[s] == 0x22
                    levelQuoted.append(quoted)
                    anyQuoted = anyQuoted || quoted
                    // Missing tokens are at most 4 bytes long: longer levels skip the set lookup.
                    let missing = text.isEmpty || (text.utf8.count <= CSVDialect.longestMissingToken && CSVDialect.missingTokens.contains(text))
                    missingLevel.append(missing)
                    anyMissing = anyMissing || missing
                    table[slot] = code
                    if levels.count * 2 > tableSize {
                        tableSize *= 2
                        table = [Int32](repeating: -1, count: tableSize)
                        for (c, h2) in levelHash.enumerated() {
                            var sl = CSVBuffer.slot(h2, tableSize)
                            while table[sl] >= 0 { sl = (sl + 1) & (tableSize - 1) }
                            table[sl] = Int32(c)
                        }
                    }
                }
                codes[r] = UInt32(code)
            }
        }
        // Distinct unquoted spellings are distinct levels: nothing to merge.
        if !anyQuoted && !anyMissing { return CategoricalColumn(codes: codes, levels: levels) }
        // Quoted and unquoted spellings of one level ("a" and a) and missing tokens: merge.
        var finalIndex: [String: UInt32] = [:]
        var remap = [UInt32](repeating: CategoricalColumn.missing, count: levels.count)
        var finalLevels: [String] = []
        for (c, text) in levels.enumerated() where !missingLevel[c] {
            if let f = finalIndex[text] { remap[c] = f } else {
                let f = UInt32(finalLevels.count)
                finalIndex[text] = f
                finalLevels.append(text)
                remap[c] = f
            }
        }
        let identity = finalLevels.count == levels.count
        if !identity {
            for r in 0..<n where codes[r] != CategoricalColumn.missing { codes[r] = remap[Int(codes[r])] }
        }
        return CategoricalColumn(codes: codes, levels: finalLevels)
    }

    /// Parses a column as numbers (NaN where missing), failing on the first field that is not a finite number.
    func numeric(column: Int, decimalComma: Bool) throws -> NumericColumn {
        let n = rowCount
        var out = [Double](repeating: .nan, count: n)
        try bytes.withUnsafeBufferPointer { buf in
          try out.withUnsafeMutableBufferPointer { out in
            var scratch = [CChar](repeating: 0, count: 512)
            for r in 0..<n {
                var (s, e) = rawRange(row: r, column: column)
                if e - s >= 2, buf[s] == 0x22 { s += 1; e -= 1 }
                while s < e, buf[s] == 0x20 || buf[s] == 0x09 { s += 1 }
                while e > s, buf[e - 1] == 0x20 || buf[e - 1] == 0x09 { e -= 1 }
                if s == e { continue }
                if let v = NumberParser.parse(buf, s, e, decimalComma: decimalComma, scratch: &scratch) {
                    if !v.isFinite {
                        throw DataError.nonFiniteNumber(location(row: r, column: column), value: text(row: r, column: column))
                    }
                    out[r] = v
                } else {
                    let t = CSVBuffer.unquote(buf, s, e)
                    if CSVDialect.missingTokens.contains(t) { continue }
                    throw DataError.notANumber(location(row: r, column: column), value: t)
                }
            }
          }
        }
        return NumericColumn(out)
    }
}

/// Strict number parsing: the whole field must be a decimal number (optional sign, digits, one decimal mark,
/// optional exponent). `inf`, `nan`, hex and thousands separators are rejected.
enum NumberParser {
    /// 10^0 ... 10^15, each exact in a Double.
    static let powersOfTen: [Double] = (0...15).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

    static func parse(_ text: String, decimalComma: Bool) -> Double? {
        var scratch = [CChar](repeating: 0, count: 512)
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { parse($0, 0, bytes.count, decimalComma: decimalComma, scratch: &scratch) }
    }

    @inline(__always)
    static func parse(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, decimalComma: Bool,
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
