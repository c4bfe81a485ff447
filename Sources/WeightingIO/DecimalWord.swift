import Weighting

/// A short decimal field read as one 64-bit word: the CSV reader's fast path for the commonest numbers (codes,
/// indicators, scores with a few decimals). In this module so that it is inlined into the loops over fields.
enum DecimalWord {
    /// The value of the `count` (1 to 8) bytes at `offset` when they are digits with at most one decimal mark
    /// and at least one digit, else nil (the caller then reads them with ``NumberParser``).
    ///
    /// The bytes are read as one little-endian 64-bit word (the caller guarantees 8 readable bytes) and checked
    /// and converted within the register: a byte is a digit when its high nibble is 3 and adding 6 leaves it
    /// so; the mark is squeezed out, the digits are right-aligned behind zeros and combined pairwise (×10,
    /// ×100, ×10⁴), the multiplication-based conversion of eight digits described by Lemire (2018–2021, "fast
    /// number parsing"). The mantissa is below 10⁸ and the division by 10^k is the same correctly rounded
    /// operation as ``NumberParser``'s fast path, so both give the same double.
    @inline(__always)
    static func value(_ raw: UnsafeRawBufferPointer, at offset: Int, count: Int, decimalComma: Bool) -> Double? {
        let ones: UInt64 = 0x0101_0101_0101_0101, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let bits = UInt64(truncatingIfNeeded: count &* 8)
        let kept: UInt64 = count == 8 ? ~0 : (1 &<< bits) &- 1
        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) & kept
        // The decimal mark: at most one, exactly located (no carry crosses a byte).
        let markByte: UInt64 = decimalComma ? 0x2C : 0x2E
        let x = word ^ (ones &* markByte)
        let marks = ~((((x & low7) &+ low7) | x) | low7) & kept
        guard marks & (marks &- 1) == 0 else { return nil }
        // The mark counted as a '0' for the digit check; the bytes past `count` too.
        let markBytes = (marks &>> 7) &* 0xFF
        let asDigits = (word & ~markBytes) | (ones &* 0x30 & (markBytes | ~kept))
        guard asDigits & (ones &* 0xF0) == ones &* 0x30,
              (asDigits &+ ones &* 0x06) & (ones &* 0xF0) == ones &* 0x30 else { return nil }
        var values = asDigits &- ones &* 0x30
        var digits = count, fraction = 0
        if marks != 0 {
            let at = UInt64(truncatingIfNeeded: marks.trailingZeroBitCount &- 7)  // the mark's bit offset
            let before: UInt64 = at == 0 ? 0 : (1 &<< at) &- 1
            values = (values & before) | ((values &>> (at &+ 8)) &<< at)
            digits &-= 1
            fraction = digits &- Int(at &>> 3)
        }
        guard digits > 0 else { return nil }
        // Leading zeros in the low (most significant) bytes, then the pairwise combination.
        values = values &<< UInt64(truncatingIfNeeded: (8 &- digits) &* 8)
        values = values &* 10 &+ (values &>> 8)
        values = ((values & 0x0000_00FF_0000_00FF) &* (100 &+ (1_000_000 &<< 32))
                  &+ ((values &>> 16) & 0x0000_00FF_0000_00FF) &* (1 &+ (10_000 &<< 32))) &>> 32
        // 10^fraction (fraction ≤ 7) as a product of exact powers chosen by its bits: no table, no branch.
        let power = (fraction & 1 != 0 ? 10.0 : 1.0) * (fraction & 2 != 0 ? 100.0 : 1.0) * (fraction & 4 != 0 ? 1e4 : 1.0)
        // An integer needs no division (x / 1 is x): the common codes and indicators skip its latency.
        return fraction == 0 ? Double(values) : Double(values) / power
    }
}
