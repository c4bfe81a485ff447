#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Weighting

/// Dictionary-encodes one categorical column read in one or many chunks: one code per record, levels in order
/// of first appearance in the file.
///
/// The level table is keyed by the field's bytes (spaces and tabs trimmed, quotes kept): a level's bytes are
/// hashed and compared where they stand in the chunk, and copied (with the level's `String` built) only the
/// first time the level appears in the file, so a column of 100,000 distinct levels read in many chunks costs
/// one hash per record and one `String` per distinct level, never one per level per chunk. Codes stay integers
/// across chunks. ``finish()`` then merges the spellings of one level (`"a"` and `a`) and drops the missing
/// tokens (`NA`, `NaN`, …), exactly as a whole-file read would.
///
/// - Complexity: O(bytes of the column) expected; memory is 4 bytes a record plus the distinct levels.
struct CSVLevelEncoder {
    /// Whether ``codes`` are kept (a table's column); otherwise only the records per level are counted (a
    /// summary of the column, memory O(levels)).
    var keepsCodes = true
    /// Raw code of each record so far (``CategoricalColumn/missing`` for an empty field), when ``keepsCodes``.
    private(set) var codes: [UInt32] = []
    /// Records of each raw level, and empty fields, when not ``keepsCodes``.
    private var rawCount: [Int] = []
    private var emptyCount = 0
    /// Bytes of every distinct raw level, one after the other.
    private var arena: [UInt8] = []
    /// Where raw level `c` starts in ``arena``; it ends where level `c + 1` starts (one more entry than levels).
    private var arenaStart: [Int] = [0]
    /// The unquoted text of each raw level.
    private var rawText: [String] = []
    /// Whether each raw level is a missing token (or a quoted empty field).
    private var rawMissing: [Bool] = []
    private var anyQuoted = false, anyMissing = false
    /// A slot of the level table: the level's hash, length and first eight bytes beside its number, so that a
    /// lookup reads one slot (one cache line) and, for levels of at most eight bytes, nothing else.
    struct Slot {
        var hash: UInt64 = 0
        var word: UInt64 = 0
        var code: Int32 = -1
        var length: Int32 = 0
    }
    /// Open-addressing table of the raw levels (code -1: empty), a power of two at least twice the levels.
    private var table = [Slot](repeating: Slot(), count: 1024)

    /// Hash of `count` bytes at `p`: eight bytes at a time, multiply-rotate mixing, then a final avalanche.
    @inline(__always)
    static func hash(_ p: UnsafeRawPointer, _ count: Int) -> UInt64 { key(p, count).hash }

    /// The hash of `count` bytes at `p` and their first eight bytes as a little-endian word (zero-padded), which
    /// is the whole level when `count ≤ 8`.
    @inline(__always)
    static func key(_ p: UnsafeRawPointer, _ count: Int) -> (hash: UInt64, word: UInt64) {
        var h = seed(count)
        var first: UInt64 = 0
        var i = 0
        while count - i >= 8 {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if i == 0 { first = w }
            h = mix(h, w)
            h = (h << 29) | (h >> 35)
            i &+= 8
        }
        if i < count {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < count {
                w |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift &+= 8
                i &+= 1
            }
            if count < 8 { first = w }
            h = mix(h, w)
        }
        return (avalanche(h), first)
    }

    /// ``key(_:_:)`` of a level of 1 to 7 bytes read as one word: the same hash and word, without a loop over
    /// its bytes (the caller guarantees 8 readable bytes at `p`).
    @inline(__always)
    static func shortKey(_ p: UnsafeRawPointer, _ count: Int) -> (hash: UInt64, word: UInt64) {
        let w = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
            & ((1 &<< UInt64(truncatingIfNeeded: count &* 8)) &- 1)
        return (avalanche(mix(seed(count), w)), w)
    }

    /// The hash's start for a level of `count` bytes.
    @inline(__always)
    private static func seed(_ count: Int) -> UInt64 { 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count) }

    /// One word mixed into the hash (multiplication by an odd constant).
    @inline(__always)
    private static func mix(_ h: UInt64, _ w: UInt64) -> UInt64 { (h ^ w) &* 0xFF51_AFD7_ED55_8CCD }

    /// The final avalanche (two xor-shifts around a multiplication), so that every input bit reaches the slot bits.
    @inline(__always)
    private static func avalanche(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// Appends the codes of column `column` of `chunk`.
    mutating func append(_ chunk: CSVBuffer, column: Int) {
        let n = chunk.rowCount
        var out = [UInt32](repeating: CategoricalColumn.missing, count: n)
        let stride = chunk.boundsStride, offset = chunk.fieldOffset[column]
        precondition(offset >= 0, "column \(column) is not among the columns this chunk was split for")
        chunk.bytes.withUnsafeBufferPointer { buf in
            chunk.bounds.withUnsafeBufferPointer { bounds in
                out.withUnsafeMutableBufferPointer { out in
                    let base = UnsafeRawPointer(buf.baseAddress!)
                    for r in 0..<n {
                        let b = r &* stride &+ offset
                        var s = Int(bounds[b]), e = Int(bounds[b &+ 1]) &- 1
                        while s < e, buf[s] == 0x20 || buf[s] == 0x09 { s &+= 1 }
                        while e > s, buf[e &- 1] == 0x20 || buf[e &- 1] == 0x09 { e &-= 1 }
                        if s == e { continue }
                        let (h, w) = e &- s < 8 && s &+ 8 <= buf.count
                            ? CSVLevelEncoder.shortKey(base + s, e &- s) : CSVLevelEncoder.key(base + s, e &- s)
                        out[r] = code(of: buf, s, e, hash: h, word: w)
                    }
                }
            }
        }
        if keepsCodes {
            codes.append(contentsOf: out)
        } else {
            for c in out {
                if c == CategoricalColumn.missing { emptyCount += 1; continue }
                while rawCount.count <= Int(c) { rawCount.append(0) }
                rawCount[Int(c)] += 1
            }
        }
    }

    /// The raw level of bytes `s..<e` of `buf` (hash `h`, first eight bytes `w`), added if new.
    @inline(__always)
    private mutating func code(of buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, hash h: UInt64,
                               word w: UInt64) -> UInt32 {
        let size = table.count
        let length = e &- s
        var slot = CSVBuffer.slot(h, size)
        let found: Int32 = table.withUnsafeBufferPointer { table in
            while true {
                let t = table[slot]
                if t.code < 0 { return -1 }
                if t.hash == h && t.word == w && Int(t.length) == length {
                    if length <= 8 { return t.code }
                    let ls = arenaStart[Int(t.code)]
                    let same = arena.withUnsafeBufferPointer {
                        memcmp($0.baseAddress! + ls, buf.baseAddress! + s, length) == 0
                    }
                    if same { return t.code }
                }
                slot = (slot &+ 1) & (size &- 1)
            }
        }
        if found >= 0 { return UInt32(found) }
        let c = rawText.count
        arena.append(contentsOf: UnsafeBufferPointer(rebasing: buf[s..<e]))
        arenaStart.append(arena.count)
        let text = CSVBuffer.unquote(buf, s, e)
        rawText.append(text)
        let quoted = buf[s] == 0x22
        anyQuoted = anyQuoted || quoted
        // Missing tokens are at most a few bytes long: longer levels skip the set lookup.
        let missing = text.isEmpty || (text.utf8.count <= CSVDialect.longestMissingToken && CSVDialect.missingTokens.contains(text))
        rawMissing.append(missing)
        anyMissing = anyMissing || missing
        table[slot] = Slot(hash: h, word: w, code: Int32(c), length: Int32(length))
        if rawText.count * 2 > size { grow() }
        return UInt32(c)
    }

    /// Adds what `local`, an encoder of the next chunk alone, has seen: its levels in their order of first
    /// appearance (new ones get the next codes, as if the chunk had been appended to this encoder), then its
    /// records' codes mapped to this encoder's (or its counts, when codes are not kept). The result is the one
    /// ``append(_:column:)`` on the same chunk gives, whatever thread encoded the chunk.
    mutating func merge(_ local: CSVLevelEncoder) {
        var map = [UInt32](repeating: CategoricalColumn.missing, count: local.rawText.count)
        local.arena.withUnsafeBufferPointer { buf in
            for c in 0..<local.rawText.count {
                let s = local.arenaStart[c], e = local.arenaStart[c + 1]
                let (h, w) = CSVLevelEncoder.key(UnsafeRawPointer(buf.baseAddress! + s), e - s)
                map[c] = code(of: buf, s, e, hash: h, word: w)
            }
        }
        if keepsCodes {
            let start = codes.count
            codes.append(contentsOf: local.codes)
            let identity = map.indices.allSatisfy { map[$0] == UInt32($0) }
            if !identity {
                codes.withUnsafeMutableBufferPointer { out in
                    map.withUnsafeBufferPointer { map in
                        for r in start..<out.count where out[r] != CategoricalColumn.missing { out[r] = map[Int(out[r])] }
                    }
                }
            }
        } else {
            emptyCount += local.emptyCount
            for (c, n) in local.rawCount.enumerated() where n > 0 {
                let g = Int(map[c])
                while rawCount.count <= g { rawCount.append(0) }
                rawCount[g] += n
            }
        }
    }

    /// Doubles the table and re-inserts every level by its stored hash.
    private mutating func grow() {
        let size = table.count * 2
        var bigger = [Slot](repeating: Slot(), count: size)
        for t in table where t.code >= 0 {
            var slot = CSVBuffer.slot(t.hash, size)
            while bigger[slot].code >= 0 { slot = (slot + 1) & (size - 1) }
            bigger[slot] = t
        }
        table = bigger
    }

    /// The levels (merged as in ``finish()``, in order of first appearance) and the number of missing values,
    /// for an encoder that does not keep codes.
    func summary() -> (levels: [String], missing: Int) {
        var missing = emptyCount
        var seen = Set<String>()
        var levels: [String] = []
        for (c, text) in rawText.enumerated() {
            if rawMissing[c] { missing += c < rawCount.count ? rawCount[c] : 0; continue }
            if seen.insert(text).inserted { levels.append(text) }
        }
        return (levels, missing)
    }

    /// The column: quoted and unquoted spellings of one level merged, missing tokens coded missing, levels in
    /// order of first appearance.
    consuming func finish() -> CategoricalColumn {
        // Distinct unquoted spellings are distinct levels: nothing to merge.
        if !anyQuoted && !anyMissing { return CategoricalColumn(codes: codes, levels: rawText) }
        var finalIndex: [String: UInt32] = [:]
        var remap = [UInt32](repeating: CategoricalColumn.missing, count: rawText.count)
        var finalLevels: [String] = []
        for (c, text) in rawText.enumerated() where !rawMissing[c] {
            if let f = finalIndex[text] { remap[c] = f } else {
                let f = UInt32(finalLevels.count)
                finalIndex[text] = f
                finalLevels.append(text)
                remap[c] = f
            }
        }
        var out = codes
        if finalLevels.count != rawText.count {
            for r in out.indices where out[r] != CategoricalColumn.missing { out[r] = remap[Int(out[r])] }
        }
        return CategoricalColumn(codes: out, levels: finalLevels)
    }
}
