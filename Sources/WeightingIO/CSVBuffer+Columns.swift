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
    /// - Complexity: O(n) with an open-addressing hash table over the field bytes (no per-row allocation).
    public func categorical(column: Int) -> CategoricalColumn {
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
    public func numeric(column: Int, decimalComma: Bool) throws -> NumericColumn {
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
                    if CategoricalColumn.missingTokens.contains(t) { continue }
                    throw DataError.notANumber(location(row: r, column: column), value: t)
                }
            }
          }
        }
        return NumericColumn(out)
    }
}
