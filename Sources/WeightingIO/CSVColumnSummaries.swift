import Weighting

/// What a column of a delimited file holds, summarised without keeping the column: numbers (when every
/// non-missing value is one) with their range, or levels.
public enum ColumnSummary: Sendable, Equatable {
    /// Every value is a number or missing: the number of missing values and the extremes of the others (NaN
    /// when every value is missing); the extremes are the first smallest and first largest, as `Array.min()`.
    case numeric(missing: Int, min: Double, max: Double)
    /// Levels in order of first appearance (spaces trimmed, quoted and unquoted spellings merged, as
    /// ``CSVBuffer/categorical(column:)``) and the number of missing values.
    case categorical(levels: [String], missing: Int)
}

/// Every column of a delimited file summarised in one streamed pass (``CSVChunkReader``), so that memory
/// holds one chunk and the summaries, never the file: what `weight-cli inspect` prints.
///
/// The file is split and checked exactly as when read whole (quoting, field counts, UTF-8; errors name the
/// file, line and column). A column is numeric when every chunk parses as numbers; one that stops being
/// numeric after its first chunk is dictionary-encoded in a second pass over the file (levels only).
public struct CSVColumnSummaries: Sendable {
    /// Column names, from the header.
    public let names: [String]
    /// Number of data records.
    public let rowCount: Int
    /// One summary per column, in the order of ``names``.
    public let columns: [ColumnSummary]

    /// Reads and summarises a file.
    ///
    /// - Parameters:
    ///   - chunkSize: bytes read at a time; the default (1 MiB) keeps a chunk and its field boundaries in the
    ///     processor's cache while every column is converted in turn.
    ///   - threads: threads that split, check and summarise the chunks (default: every processor; see
    ///     ``ReadingThreads``); the summaries and the first error are the same for every count.
    /// - Throws: ``DataError`` for unreadable or malformed files.
    public init(streaming path: String, dialect: CSVDialect = CSVDialect(), chunkSize: Int = 1 << 20,
                threads: Int = ReadingThreads.available) throws {
        var reader = try CSVChunkReader(path: path, dialect: dialect, chunkSize: chunkSize)
        var names: [String] = []
        var numeric: [Bool] = []
        var missing: [Int] = [], lo: [Double] = [], hi: [Double] = []
        var encoders: [CSVLevelEncoder?] = []
        var rereadColumns: [Int] = []
        var rowCount = 0
        var first = true
        while let chunk = try reader.next() {
            if first {
                names = chunk.header
                let k = names.count
                numeric = [Bool](repeating: true, count: k)
                missing = [Int](repeating: 0, count: k)
                lo = [Double](repeating: .nan, count: k)
                hi = lo
                encoders = [CSVLevelEncoder?](repeating: nil, count: k)
            }
            let numbers = chunk.numberSummaries(numeric, decimalComma: dialect.decimalComma)
            for j in names.indices {
                if numeric[j] {
                    if let n = numbers[j] {
                        if !n.lo.isNaN && (lo[j].isNaN || n.lo < lo[j]) { lo[j] = n.lo }
                        if !n.hi.isNaN && (hi[j].isNaN || n.hi > hi[j]) { hi[j] = n.hi }
                        missing[j] += n.missing
                        continue
                    }
                    numeric[j] = false
                    if !first { rereadColumns.append(j); continue }
                    var encoder = CSVLevelEncoder()
                    encoder.keepsCodes = false
                    encoders[j] = encoder
                }
                if encoders[j] != nil { encoders[j]!.append(chunk, column: j) }
            }
            if first && threads > 1 {
                // The other chunks summarised by several threads, merged in file order.
                rowCount = chunk.rowCount
                let continuation = CSVBuffer.Continuation(header: chunk.header, delimiter: chunk.delimiter,
                                                          lineEnding: chunk.lineEnding)
                var nextLine = chunk.nextLine
                while true {
                    let (batch, failure) = reader.nextByteChunks(threads)
                    if batch.isEmpty, let failure { throw failure }
                    if batch.isEmpty { break }
                    let numericNow = numeric, levelled = encoders.map { $0 != nil }
                    let done = ParallelWork.map(batch.count, threads: threads) { i in
                        SummarisedChunk(bytes: batch[i], file: path, dialect: dialect, continuation: continuation,
                                        numeric: numericNow, levelled: levelled)
                    }
                    for (i, part) in done.enumerated() {
                        guard let parts = part.columns else {
                            // Read again with its true first line: throws the one-thread reading's error.
                            _ = try CSVBuffer(bytes: batch[i], file: path, dialect: dialect, continuing: continuation,
                                              firstLine: nextLine, allowNoRows: true)
                            throw DataError.changedWhileReading(file: path)  // not reached: the same bytes fail alike
                        }
                        nextLine += part.nextLine - 1
                        rowCount += part.rowCount
                        guard part.rowCount > 0 else { continue }
                        for j in names.indices {
                            switch parts[j] {
                            case let .numbers(m, l, h) where numeric[j]:
                                if !l.isNaN && (lo[j].isNaN || l < lo[j]) { lo[j] = l }
                                if !h.isNaN && (hi[j].isNaN || h > hi[j]) { hi[j] = h }
                                missing[j] += m
                            case .notNumbers where numeric[j]:
                                numeric[j] = false
                                rereadColumns.append(j)
                            case let .levels(local):
                                encoders[j]!.merge(local)
                            default:
                                break
                            }
                        }
                    }
                    if let failure { throw failure }
                }
                if rowCount == 0 { throw DataError.noDataRows(file: path) }
                first = false
                break
            }
            first = false
            rowCount = reader.rowCount
        }
        if !rereadColumns.isEmpty {
            // Columns found not numeric after the first chunk: their levels from the start of the file.
            for j in rereadColumns {
                var encoder = CSVLevelEncoder()
                encoder.keepsCodes = false
                encoders[j] = encoder
            }
            var again = try CSVChunkReader(path: path, dialect: dialect, chunkSize: chunkSize)
            if threads > 1 {
                // The file has been checked: the chunks are split again by several threads, merged in order.
                let numericNow = [Bool](repeating: false, count: names.count)
                let levelled = names.indices.map { rereadColumns.contains($0) }
                var continuation: CSVBuffer.Continuation?
                while true {
                    if continuation == nil, let chunk = try again.next() {
                        continuation = CSVBuffer.Continuation(header: chunk.header, delimiter: chunk.delimiter,
                                                              lineEnding: chunk.lineEnding)
                        for j in rereadColumns { encoders[j]!.append(chunk, column: j) }
                        continue
                    }
                    guard let continuation else { break }
                    let (batch, failure) = again.nextByteChunks(threads)
                    if let failure { throw failure }
                    if batch.isEmpty { break }
                    let done = ParallelWork.map(batch.count, threads: threads) { i in
                        SummarisedChunk(bytes: batch[i], file: path, dialect: dialect, continuation: continuation,
                                        numeric: numericNow, levelled: levelled)
                    }
                    for part in done {
                        guard let parts = part.columns else { throw DataError.changedWhileReading(file: path) }
                        for j in rereadColumns { if case let .levels(local) = parts[j] { encoders[j]!.merge(local) } }
                    }
                }
            } else {
                while let chunk = try again.next() {
                    for j in rereadColumns { encoders[j]!.append(chunk, column: j) }
                }
            }
        }
        self.names = names
        self.rowCount = rowCount
        self.columns = names.indices.map { j in
            if numeric[j] { return .numeric(missing: missing[j], min: lo[j], max: hi[j]) }
            let s = encoders[j]!.summary()
            return .categorical(levels: s.levels, missing: s.missing)
        }
    }
}

/// What one thread makes of one chunk for ``CSVColumnSummaries``: the chunk split and checked as if it started on
/// line 1, then each column summarised as the one-thread reading would at that point of the file (numbers while
/// the column has been numeric so far, levels with a table of the chunk's own when it is not).
struct SummarisedChunk {
    enum Part {
        /// Every field a number or missing: missing count and extremes (NaN when none), first smallest and
        /// first largest kept.
        case numbers(missing: Int, lo: Double, hi: Double)
        /// A field is not a number.
        case notNumbers
        /// The chunk's levels and counts.
        case levels(CSVLevelEncoder)
        /// Nothing asked for this column.
        case skipped
    }

    /// One part per column, or nil when splitting the chunk failed (its error is then thrown by re-reading it).
    var columns: [Part]?
    var rowCount = 0
    /// The chunk's next line, counted from 1 at its first byte.
    var nextLine = 1

    init(bytes: [UInt8], file: String, dialect: CSVDialect, continuation: CSVBuffer.Continuation, numeric: [Bool],
         levelled: [Bool]) {
        guard let chunk = try? CSVBuffer(bytes: bytes, file: file, dialect: dialect, continuing: continuation,
                                         firstLine: 1, allowNoRows: true) else { return }
        rowCount = chunk.rowCount
        nextLine = chunk.nextLine
        let numbers = chunk.numberSummaries(numeric, decimalComma: dialect.decimalComma)
        columns = numeric.indices.map { j in
            if numeric[j] {
                guard let n = numbers[j] else { return .notNumbers }
                return .numbers(missing: n.missing, lo: n.lo, hi: n.hi)
            }
            if levelled[j] {
                var encoder = CSVLevelEncoder()
                encoder.keepsCodes = false
                encoder.append(chunk, column: j)
                return .levels(encoder)
            }
            return .skipped
        }
    }
}

extension CSVBuffer {
    /// What ``numeric(column:decimalComma:)`` would make of each column asked for, summarised in one pass over
    /// the records by blocks of 1,024 (each field read once, nothing allocated per field): the number of missing values
    /// and the first smallest and first largest value (NaN when every value is missing), or nil for a column
    /// with a field that is not a finite number or a missing token.
    func numberSummaries(_ asked: [Bool], decimalComma: Bool) -> [(missing: Int, lo: Double, hi: Double)?] {
        var missing = [Int](repeating: 0, count: asked.count)
        // ±∞ until a value is seen (every value kept is finite), so the loop compares without a NaN test.
        var lo = [Double](repeating: .infinity, count: asked.count), hi = [Double](repeating: -.infinity, count: asked.count)
        var alive = asked
        let stride = boundsStride, offsets = fieldOffset, rows = rowCount
        var scratch = [CChar](repeating: 0, count: 512)
        let longestToken = CSVDialect.longestMissingToken + 2  // with the quotes
        // Records by blocks, each block column by column: the block's fields and boundaries stay in the
        // processor's cache for all its columns, and a column's extremes and missing count stay in registers.
        let block = 1024
        bytes.withUnsafeBufferPointer { buf in
          bounds.withUnsafeBufferPointer { bounds in
            var first = 0
            while first < rows {
                let last = min(rows, first &+ block)
                for j in asked.indices where alive[j] {
                    var l = lo[j], h = hi[j], m = 0
                    var ok = true
                    let offset = offsets[j]
                    var r = first
                    while r < last {
                        let b = r &* stride &+ offset
                        r &+= 1
                        var s = Int(bounds[b]), e = Int(bounds[b &+ 1]) &- 1
                        if e &- s >= 2, buf[s] == 0x22 { s &+= 1; e &-= 1 }
                        while s < e, buf[s] == 0x20 || buf[s] == 0x09 { s &+= 1 }
                        while e > s, buf[e &- 1] == 0x20 || buf[e &- 1] == 0x09 { e &-= 1 }
                        if s == e { m &+= 1; continue }
                        if let v = CSVBuffer.commonNumber(buf, s, e, decimalComma: decimalComma)
                            ?? NumberParser.parse(buf, s, e, decimalComma: decimalComma, scratch: &scratch) {
                            if !v.isFinite { ok = false; break }
                            if v < l { l = v }
                            if v > h { h = v }
                        } else if e &- s <= longestToken,
                                  CategoricalColumn.missingTokens.contains(CSVBuffer.unquote(buf, s, e)) {
                            m &+= 1
                        } else {
                            ok = false
                            break
                        }
                    }
                    if ok {
                        lo[j] = l
                        hi[j] = h
                        missing[j] &+= m
                    } else {
                        alive[j] = false
                    }
                }
                first = last
            }
          }
        }
        return asked.indices.map { j in
            guard alive[j] && asked[j] else { return nil }
            return lo[j] == .infinity ? (missing[j], .nan, .nan) : (missing[j], lo[j], hi[j])
        }
    }
}
