#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Weighting

/// The bytes of a delimited text file, split into records and fields once (RFC 4180), never copied again.
///
/// Fields are located by boundary offsets: for record `r` and a header of `k` columns,
/// `bounds[r * (k + 1) + j]` is the first byte of field `j` and field `j` ends one byte before
/// `bounds[r * (k + 1) + j + 1]` (the delimiter or the virtual one after the record). Quoted fields keep their
/// quotes in place; they are unescaped only when read.
///
/// A chunk read for a few columns only (a projection) is split and checked in full, but keeps the boundaries of
/// those columns alone, two per field (its first byte, and one past its last): `bounds[r * 2p + 2s]` and
/// `bounds[r * 2p + 2s + 1]` for the `s`-th of `p` kept columns. `fieldOffset` maps a column to its place in
/// a record's boundaries for both layouts, so readers of fields need not know which one they read.
///
/// - Complexity: one pass over the bytes; memory is the file plus 4 bytes a field (8 bytes a kept field).
public final class CSVBuffer: Sendable {
    /// The file name used in messages.
    public let file: String
    /// The file's bytes, byte-order mark removed.
    let bytes: [UInt8]
    /// The delimiter used.
    public let delimiter: UInt8
    /// Column names from the header.
    public let header: [String]
    /// Field boundaries (see the type's documentation), header excluded.
    let bounds: [UInt32]
    /// Boundaries per record: `k + 1`, or `2p` for a projection on `p` columns.
    let boundsStride: Int
    /// Where each column's first boundary stands among its record's (`j`, or `2s` for the `s`-th kept column of
    /// a projection; -1 for a column a projection does not keep). The field ends one byte before the next one.
    let fieldOffset: [Int]
    /// Whether only some columns' boundaries are kept (see the type's documentation).
    let isProjected: Bool
    /// Physical line (1-based) where each record starts.
    let lines: [UInt32]
    /// Byte range of each record's raw text (without its line ending).
    let recordStart: [UInt32]
    /// Raw bytes of the header line (without its line ending).
    let headerRange: Range<Int>
    /// The line ending of the header line (`\r\n`, `\n` or a lone `\r` as in old Mac files), reused when writing.
    public let lineEnding: String
    /// Whether the file started with a UTF-8 byte-order mark (removed from ``bytes``, written back by writers).
    public let hasByteOrderMark: Bool

    /// Number of data records.
    public var rowCount: Int { lines.count }
    /// Number of columns.
    public var columnCount: Int { header.count }

    /// Reads and splits a file.
    public convenience init(contentsOf path: String, dialect: CSVDialect = CSVDialect()) throws {
        try self.init(bytes: try FileIO.readAll(path), file: path, dialect: dialect)
    }

    /// Splits bytes already in memory.
    public convenience init(bytes input: [UInt8], file: String, dialect: CSVDialect = CSVDialect()) throws {
        try self.init(bytes: input, file: file, dialect: dialect, continuing: nil, firstLine: 1, allowNoRows: false)
    }

    /// What a chunk after the first needs to know of the file it belongs to.
    struct Continuation: Sendable {
        var header: [String]
        var delimiter: UInt8
        var lineEnding: String
    }

    /// Splits bytes: a whole file (`continuing == nil`: header first), or a later chunk of one that starts on
    /// a record boundary at physical line `firstLine` (`continuing` gives the file's header and delimiter).
    /// `utf16Checked`: the caller has refused UTF-16 on the file's first ``utf16SampleBytes`` (a first chunk).
    /// `projection`: the only columns whose fields will be read (sorted, distinct; for a later chunk only), nil
    /// for all (see the type's documentation).
    init(bytes input: [UInt8], file: String, dialect: CSVDialect, continuing: Continuation?, firstLine: Int,
         allowNoRows: Bool, utf16Checked: Bool = false, projection: [Int]? = nil) throws {
        var data = input
        let bom = continuing == nil && data.count >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF
        if continuing == nil && !utf16Checked { try CSVBuffer.refuseUTF16(data, file: file) }
        if bom { data.removeFirst(3) }
        self.hasByteOrderMark = bom
        guard data.count < Int(UInt32.max) - 2 else {
            throw DataError.cannotRead(file: file, reason: "files over 4 GiB are not supported yet")
        }
        try CSVBuffer.validateUTF8(data, file: file, firstLine: firstLine)
        let parsed = try data.withUnsafeBufferPointer { buf in
            try CSVBuffer.split(buf, file: file, dialect: dialect, continuing: continuing, firstLine: firstLine,
                                allowNoRows: allowNoRows, projection: continuing == nil ? nil : projection)
        }
        self.file = file
        self.bytes = data
        self.delimiter = parsed.delimiter
        self.header = parsed.header
        self.bounds = parsed.bounds
        if let kept = parsed.projection {
            var offsets = [Int](repeating: -1, count: parsed.header.count)
            for (slot, j) in kept.enumerated() { offsets[j] = 2 * slot }
            self.fieldOffset = offsets
            self.boundsStride = 2 * kept.count
            self.isProjected = true
        } else {
            self.fieldOffset = Array(parsed.header.indices)
            self.boundsStride = parsed.header.count + 1
            self.isProjected = false
        }
        self.lines = parsed.lines
        self.recordStart = parsed.recordStart
        self.headerRange = parsed.headerRange
        self.nextLine = parsed.nextLine
        if let continuing {
            self.lineEnding = continuing.lineEnding
        } else {
            let end = parsed.headerRange.upperBound
            if end < data.count && data[end] == 0x0D {
                self.lineEnding = end + 1 < data.count && data[end + 1] == 0x0A ? "\r\n" : "\r"
            } else {
                self.lineEnding = "\n"
            }
        }
    }

    /// The physical line after the last one of these bytes (where a following chunk starts).
    let nextLine: Int

    /// Index of a named column, or an error listing the columns.
    public func columnIndex(_ name: String) throws -> Int {
        if let i = header.firstIndex(of: name) { return i }
        throw DataError.unknownColumn(file: file, name: name, available: header)
    }

    /// Location of a field for messages.
    public func location(row: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: Int(lines[row]), column: column + 1, columnName: header[column])
    }

    /// Raw byte range of field (`row`, `column`), quotes included.
    @inline(__always)
    func rawRange(row: Int, column: Int) -> (start: Int, end: Int) {
        let offset = fieldOffset[column]
        precondition(offset >= 0, "column \(column) is not among the columns this chunk was split for")
        let base = row * boundsStride + offset
        return (Int(bounds[base]), Int(bounds[base + 1]) - 1)
    }

    /// The text of field (`row`, `column`), unquoted and unescaped.
    public func text(row: Int, column: Int) -> String {
        let (s, e) = rawRange(row: row, column: column)
        return bytes.withUnsafeBufferPointer { CSVBuffer.unquote($0, s, e) }
    }

    /// The raw header line.
    public var headerText: String { String(decoding: bytes[headerRange], as: UTF8.self) }

    /// The raw bytes of record `row` (without line ending).
    public func rawRecordBytes(_ row: Int) -> [UInt8] { Array(rawRecord(row)) }

    /// The raw text of a whole record as it stands in the file (without line ending).
    func rawRecord(_ row: Int) -> ArraySlice<UInt8> {
        precondition(!isProjected, "a record's end is known only when every column's boundaries are kept")
        let (_, end) = rawRange(row: row, column: header.count - 1)
        return bytes[Int(recordStart[row])..<end]
    }

    static func unquote(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> String {
        guard e > s else { return "" }
        if buf[s] == UInt8(ascii: "\"") && e - s >= 2 {
            var out = [UInt8]()
            out.reserveCapacity(e - s)
            var i = s + 1
            while i < e - 1 {
                out.append(buf[i])
                if buf[i] == UInt8(ascii: "\"") { i += 1 }  // skip the doubled quote
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
        return String(decoding: UnsafeBufferPointer(rebasing: buf[s..<e]), as: UTF8.self)
    }

    // MARK: - Splitting

    private struct Split {
        var delimiter: UInt8
        var header: [String]
        var bounds: [UInt32]
        var lines: [UInt32]
        var recordStart: [UInt32]
        var headerRange: Range<Int>
        var nextLine: Int
        /// The kept columns, or nil for all.
        var projection: [Int]?
    }

    private static func split(_ buf: UnsafeBufferPointer<UInt8>, file: String, dialect: CSVDialect,
                              continuing: Continuation?, firstLine: Int, allowNoRows: Bool,
                              projection: [Int]?) throws -> Split {
        let n = buf.count
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var pos = 0
        var line = firstLine
        var firstLineEnd = pos
        let delimiter: UInt8
        if let continuing {
            delimiter = continuing.delimiter
        } else {
            // Skip leading blank lines.
            while pos < n, buf[pos] == lf || buf[pos] == cr {
                if isLineEnd(buf, pos) { line += 1 }
                pos += 1
            }
            if pos >= n { throw DataError.emptyFile(file: file) }
            firstLineEnd = pos
            while firstLineEnd < n, buf[firstLineEnd] != lf, buf[firstLineEnd] != cr { firstLineEnd += 1 }
            delimiter = dialect.delimiter
                ?? CSVDialect.detectDelimiter(in: UnsafeBufferPointer(rebasing: buf[pos..<firstLineEnd]))
        }

        var bounds: [UInt32] = []
        var lines: [UInt32] = []
        var recordStart: [UInt32] = []
        var header: [String] = continuing?.header ?? []
        var headerRange = 0..<0
        var fieldCount = continuing?.header.count ?? -1
        // A projection keeps its columns' boundaries only (a later chunk: the header is known).
        // Only when it is smaller than the full layout (two boundaries a kept field against one a field): a
        // record's boundaries then fill fewer cache lines for the columns read.
        let kept: [Int]? = continuing == nil ? nil
            : projection.map { p in p.filter { $0 >= 0 && $0 < fieldCount } }.flatMap { 2 * $0.count < fieldCount + 1 ? $0 : nil }
        // Estimate capacity from the first line.
        let firstLen = max(1, firstLineEnd - pos + 1)
        let estimatedRows = n / firstLen + 16
        var rowBounds = RowBounds(capacity: max(64, fieldCount + 2))
        defer { rowBounds.free() }
        var keptBounds = [UInt32](repeating: 0, count: 2 * (kept?.count ?? 0))
        let raw = UnsafeRawBufferPointer(buf)
        let specials = SpecialBytes(delimiter: delimiter)

        while pos < n {
            // Skip blank lines between records.
            if buf[pos] == lf { line += 1; pos += 1; continue }
            if buf[pos] == cr { if isLineEnd(buf, pos) { line += 1 }; pos += 1; continue }
            let startLine = line
            let start = pos
            rowBounds.count = 0
            var fieldStart = pos
            rowBounds.append(UInt32(fieldStart))
            var endOfRecord = n
            var i = pos
            recordLoop: while true {
                // At the start of a field.
                if i < n && buf[i] == quote {
                    let openLine = line, openCol = i
                    i += 1
                    while true {
                        if i >= n {
                            throw DataError.unterminatedQuote(
                                SourceLocation(file: file, line: openLine, column: rowBounds.count,
                                               columnName: rowBounds.count <= header.count ? header[rowBounds.count - 1] : nil))
                        }
                        let b = buf[i]
                        if b == quote {
                            if i + 1 < n && buf[i + 1] == quote { i += 2; continue }
                            i += 1
                            break
                        }
                        if isLineEnd(buf, i) { line += 1 }
                        i += 1
                    }
                    _ = openCol
                    // After the closing quote: delimiter, end of line or end of file.
                    if i < n && buf[i] != delimiter && buf[i] != lf && buf[i] != cr {
                        throw DataError.strayQuote(SourceLocation(file: file, line: line, column: rowBounds.count,
                                                                  columnName: rowBounds.count <= header.count ? header[rowBounds.count - 1] : nil))
                    }
                }
                // Scan an unquoted field (or the remainder after a quoted one).
                while i < n {
                    // Eight bytes at a time: each delimiter in the word ends a field; the first other special
                    // byte (a line ending, a quote) is handled byte by byte below.
                    words: while i &+ 8 <= n {
                        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                        var found = specials.matches(word)
                        if found != 0 {
                            let delimiters = specials.delimiterMatches(word)
                            repeat {
                                let bit = found & (0 &- found)
                                let offset = bit.trailingZeroBitCount &>> 3
                                if bit & delimiters == 0 { i &+= offset; break words }
                                fieldStart = i &+ offset &+ 1
                                // Below 4 GiB (checked when the bytes were taken): no conversion check.
                                rowBounds.append(UInt32(truncatingIfNeeded: fieldStart))
                                found ^= bit
                            } while found != 0
                        }
                        i &+= 8
                    }
                    if i >= n { break }
                    let b = buf[i]
                    // A quote opening a field that the word loop started: read it as a quoted field.
                    if b == quote && i == fieldStart { continue recordLoop }
                    if b == delimiter {
                        i += 1
                        fieldStart = i
                        rowBounds.append(UInt32(fieldStart))
                        continue recordLoop
                    }
                    if b == lf {
                        endOfRecord = (i > start && buf[i - 1] == cr) ? i - 1 : i
                        line += 1
                        i += 1
                        break recordLoop
                    }
                    if b == cr && (i + 1 >= n || buf[i + 1] != lf) {
                        // A lone carriage return ends the line (classic Mac OS files); one that ends the bytes
                        // too (a chunk is cut after a lone carriage return, never inside CR LF).
                        endOfRecord = i
                        line += 1
                        i += 1
                        break recordLoop
                    }
                    if b == quote {
                        throw DataError.strayQuote(SourceLocation(file: file, line: line, column: rowBounds.count,
                                                                  columnName: rowBounds.count <= header.count ? header[rowBounds.count - 1] : nil))
                    }
                    i += 1
                }
                if i >= n {
                    endOfRecord = (n > start && buf[n - 1] == cr) ? n - 1 : n
                    break recordLoop
                }
            }
            pos = i
            rowBounds.append(UInt32(endOfRecord + 1))
            let count = rowBounds.count - 1
            if fieldCount < 0 {
                fieldCount = count
                var names: [String] = []
                for j in 0..<count {
                    let s = Int(rowBounds.base[j]), e = Int(rowBounds.base[j + 1]) - 1
                    names.append(unquote(buf, s, e).trimmingSpaces())
                }
                for (j, name) in names.enumerated() where name.isEmpty {
                    throw DataError.emptyColumnName(file: file, column: j + 1)
                }
                var seen: [String: Int] = [:]
                for (j, name) in names.enumerated() {
                    if let k = seen[name] { throw DataError.duplicateColumn(file: file, name: name, columns: [k + 1, j + 1]) }
                    seen[name] = j
                }
                header = names
                headerRange = start..<endOfRecord
                bounds.reserveCapacity(estimatedRows * (count + 1))
                lines.reserveCapacity(estimatedRows)
                recordStart.reserveCapacity(estimatedRows)
                continue
            }
            if continuing != nil && lines.isEmpty {
                // Reserve from the first record's length, as for the header of a whole file.
                let rows = n / max(1, pos - start) + n / max(1, pos - start) / 8 + 16
                bounds.reserveCapacity(rows * (kept.map { 2 * $0.count } ?? fieldCount + 1))
                lines.reserveCapacity(rows)
                recordStart.reserveCapacity(rows)
            }
            if count != fieldCount {
                throw DataError.raggedRow(SourceLocation(file: file, line: startLine), expected: fieldCount, found: count)
            }
            if let kept {
                keptBounds.withUnsafeMutableBufferPointer { out in
                    for (slot, j) in kept.enumerated() {
                        out[2 &* slot] = rowBounds.base[j]
                        out[2 &* slot &+ 1] = rowBounds.base[j &+ 1]
                    }
                }
                bounds.append(contentsOf: keptBounds)
            } else {
                bounds.append(contentsOf: UnsafeBufferPointer(start: rowBounds.base, count: rowBounds.count))
            }
            lines.append(UInt32(startLine))
            recordStart.append(UInt32(start))
        }
        if lines.isEmpty && !allowNoRows { throw DataError.noDataRows(file: file) }
        return Split(delimiter: delimiter, header: header, bounds: bounds, lines: lines, recordStart: recordStart,
                     headerRange: headerRange, nextLine: line, projection: kept)
    }

    /// The field boundaries of the record being split: a buffer of its own that grows when a record has more
    /// fields than expected (its field count is checked once the record ends), written without the checks of an
    /// array append at every field.
    struct RowBounds {
        var base: UnsafeMutablePointer<UInt32>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        }

        @inline(__always)
        mutating func append(_ value: UInt32) {
            if count == capacity { grow() }
            base[count] = value
            count &+= 1
        }

        mutating func grow() {
            let bigger = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity * 2)
            bigger.update(from: base, count: count)
            base.deallocate()
            base = bigger
            capacity *= 2
        }

        func free() { base.deallocate() }
    }

    /// The bytes that end an unquoted field (the delimiter, a line feed, a carriage return) or make it malformed
    /// (a quote), found eight at a time in a 64-bit word (SIMD within a register).
    struct SpecialBytes {
        let delimiter: UInt64, lineFeed: UInt64, carriageReturn: UInt64, quote: UInt64
        static let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

        init(delimiter: UInt8) {
            let ones: UInt64 = 0x0101_0101_0101_0101
            self.delimiter = ones &* UInt64(delimiter)
            self.lineFeed = ones &* 0x0A
            self.carriageReturn = ones &* 0x0D
            self.quote = ones &* 0x22
        }

        /// The high bit of every byte of `x` that is not zero, exactly (no carry crosses a byte: the low seven
        /// bits plus 0x7F stay below 0x100).
        @inline(__always)
        static func nonZero(_ x: UInt64) -> UInt64 { ((x & low7) &+ low7) | x }

        /// The high bit of every byte of `word` (byte 0 lowest) that is the delimiter, exactly.
        @inline(__always)
        func delimiterMatches(_ word: UInt64) -> UInt64 { ~(Self.nonZero(word ^ delimiter) | Self.low7) }

        /// The high bit of every byte of `word` (byte 0 lowest) that is one of the special bytes, exactly.
        @inline(__always)
        func matches(_ word: UInt64) -> UInt64 {
            let kept = Self.nonZero(word ^ delimiter) & Self.nonZero(word ^ lineFeed)
                & Self.nonZero(word ^ carriageReturn) & Self.nonZero(word ^ quote)
            return ~(kept | Self.low7)
        }
    }

    /// `true` when byte `i` ends a physical line: a line feed, or a carriage return not followed by one (a lone
    /// carriage return, as in classic Mac OS files; one at the very end of the bytes counts too).
    @inline(__always)
    static func isLineEnd(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        let b = buf[i]
        return b == 0x0A || (b == 0x0D && (i + 1 >= buf.count || buf[i + 1] != 0x0A))
    }

    /// The bytes at the start of a file on which UTF-16 is recognised.
    static let utf16SampleBytes = 1024

    /// Refuses UTF-16 text, recognised by its byte-order mark (`FF FE` or `FE FF`) or, without one, by NUL
    /// bytes in most even or most odd positions of the first KiB (ASCII text in UTF-16); the UTF-8 check would
    /// otherwise call it Latin-1 and advise a conversion that produces garbage.
    static func refuseUTF16(_ data: [UInt8], file: String) throws {
        guard data.count >= 2 else { return }
        if data[0] == 0xFF && data[1] == 0xFE { throw DataError.utf16(file: file, bigEndian: false, byteOrderMark: true) }
        if data[0] == 0xFE && data[1] == 0xFF { throw DataError.utf16(file: file, bigEndian: true, byteOrderMark: true) }
        let m = min(data.count, utf16SampleBytes) & ~1
        guard m >= 4 else { return }
        var evenNul = 0, oddNul = 0
        for i in stride(from: 0, to: m, by: 2) {
            if data[i] == 0 { evenNul += 1 }
            if data[i + 1] == 0 { oddNul += 1 }
        }
        let pairs = m / 2
        if oddNul * 2 > pairs && evenNul * 8 < pairs { throw DataError.utf16(file: file, bigEndian: false, byteOrderMark: false) }
        if evenNul * 2 > pairs && oddNul * 8 < pairs { throw DataError.utf16(file: file, bigEndian: true, byteOrderMark: false) }
    }

    /// Checks that the bytes are UTF-8, reporting the line and column (in characters) of the first bad byte;
    /// the bytes start at physical line `firstLine` of the file.
    static func validateUTF8(_ data: [UInt8], file: String, firstLine: Int = 1) throws {
        try data.withUnsafeBufferPointer { buf in
            let n = buf.count
            var i = 0
            let raw = UnsafeRawBufferPointer(buf)
            while i < n {
                // ASCII fast path: 32 bytes at a time (four words or-ed), then eight, while none has its high bit set.
                while n &- i >= 32 {
                    let any = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                        | raw.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)
                        | raw.loadUnaligned(fromByteOffset: i &+ 16, as: UInt64.self)
                        | raw.loadUnaligned(fromByteOffset: i &+ 24, as: UInt64.self)
                    if any & 0x8080_8080_8080_8080 != 0 { break }
                    i &+= 32
                }
                while n - i >= 8, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i &+= 8 }
                if i >= n { break }
                let b = buf[i]
                if b < 0x80 { i += 1; continue }
                var need = 0
                if b & 0xE0 == 0xC0, b >= 0xC2 { need = 1 } else if b & 0xF0 == 0xE0 { need = 2 } else if b & 0xF8 == 0xF0, b <= 0xF4 { need = 3 } else { need = -1 }
                var ok = need > 0 && i + need < n
                if ok {
                    for k in 1...need where buf[i + k] & 0xC0 != 0x80 { ok = false }
                }
                if !ok {
                    // Locate line and column of byte i.
                    var line = firstLine, lineStart = 0
                    for k in 0..<i where isLineEnd(buf, k) { line += 1; lineStart = k + 1 }
                    let col = String(decoding: UnsafeBufferPointer(rebasing: buf[lineStart..<i]), as: UTF8.self).count + 1
                    throw DataError.invalidUTF8(SourceLocation(file: file, line: line, column: col), byte: b)
                }
                i += need + 1
            }
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        // Most fields have nothing to trim: check the first and last bytes before building a substring.
        let u = utf8
        guard let first = u.first, let last = u.last else { return self }
        if first != 0x20 && first != 0x09 && last != 0x20 && last != 0x09 { return self }
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
