import Weighting

/// The CSV text of numbers already formatted, by bit pattern: weights written beside every record repeat a few
/// values (one per cell of a raking, a post-stratification or a class adjustment), and formatting a double
/// (``NumberFormat/field(_:decimalComma:)``, Swift's shortest round-trip text) costs far more than finding
/// its text again.
///
/// The text is the formatter's, byte for byte: the cache only remembers it. An open-addressing table of
/// ``capacity`` slots stops taking new values when half full, so memory stays bounded when every value differs
/// (then each value is formatted as without the cache, after one probe).
struct FieldTextCache {
    /// Slots of the table (a power of two).
    static let capacity = 4096
    /// Whether numbers use a decimal comma.
    let decimalComma: Bool
    private var keys = [UInt64](repeating: 0, count: capacity)
    private var used = [Bool](repeating: false, count: capacity)
    /// The text of slot `k` is `store[start[k] ..< start[k] + length[k]]`.
    private var start = [Int32](repeating: 0, count: capacity)
    private var length = [UInt8](repeating: 0, count: capacity)
    private var store: [UInt8] = []
    private var count = 0

    init(decimalComma: Bool) { self.decimalComma = decimalComma }

    /// Writes the text of `x` into `sink`, from the cache when `x` was seen.
    @inline(__always)
    mutating func write<S: ByteWriting>(_ x: Double, into sink: inout S) {
        let bits = x.bitPattern
        var k = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> 52)  // 12 bits: capacity 4096
        while used[k] {
            if keys[k] == bits {
                let s = Int(start[k])
                store.withUnsafeBufferPointer { sink.write(UnsafeBufferPointer(rebasing: $0[s..<s + Int(length[k])])) }
                return
            }
            k = (k + 1) & (Self.capacity - 1)
        }
        let text = NumberFormat.field(x, decimalComma: decimalComma)
        sink.write(text.utf8)
        let bytes = text.utf8.count
        guard count < Self.capacity / 2, bytes <= Int(UInt8.max), store.count + bytes < Int(Int32.max) else { return }
        used[k] = true
        keys[k] = bits
        start[k] = Int32(store.count)
        length[k] = UInt8(bytes)
        store.append(contentsOf: text.utf8)
        count += 1
    }
}
