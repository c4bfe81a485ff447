import Dispatch
import Foundation
import Weighting

/// How a command will ask for a column of a streamed file (``Table/init(streamingColumns:dialect:plan:chunkSize:memoryBudget:threads:)``).
public enum StreamedColumnKind: Sendable, Equatable {
    /// Parsed as numbers (weights, finite population corrections, denominators, numeric totals).
    case numeric
    /// Dictionary-encoded as levels (domains, strata, clusters, calibration variables).
    case categorical
    /// Parsed as numbers when every value is one, otherwise as levels (an estimated variable: a mean, or the
    /// proportions of its levels).
    case numericOrCategorical
    /// Parsed as numbers (when every value is one) and encoded as levels, for a column asked for both ways (a
    /// numeric total read as numbers on a whole wave and as levels through a subset of it).
    case numericAndCategorical
}

/// A column a command will use, how it reads it, and whether memory may let it go once handed out.
public struct StreamedColumnPlan: Sendable, Equatable {
    /// The column's name in the file's header.
    public var name: String
    /// How it is read.
    public var kind: StreamedColumnKind
    /// Whether the column is used once (an estimated variable): it is then dropped from memory when handed
    /// out, so that memory holds a few variables at a time, and read again (another pass over the file) if it
    /// is asked for a second time.
    public var once: Bool

    /// Creates a plan entry.
    public init(name: String, kind: StreamedColumnKind, once: Bool = false) {
        self.name = name
        self.kind = kind
        self.once = once
    }
}

/// A delimited file whose columns are converted chunk by chunk as they are read, behind the same interface as
/// a file read whole (``CSVBuffer``): a ``Table`` over it gives the same values, the same levels and the same
/// errors (file, line, column), but memory holds the planned columns' codes and numbers and one chunk, never
/// the text of the file.
///
/// The first pass reads the whole file through ``CSVChunkReader`` (so every structural problem is found before
/// any column is handed out, as when the file is read whole), records the physical line of each record, and
/// converts the planned columns: every column that is kept, and the columns used once (variables) in plan order
/// while their estimated size stays within the memory budget. A column asked for and not converted (a variable
/// beyond the budget, a column outside the plan, or one asked for a second time after being let go) costs one
/// more pass over the file, which also converts the next planned columns within the budget. A conversion error
/// (a value that is not a number) is kept and thrown when the column is asked for, naming the same cell as a
/// whole-file read: the first bad value of the column in file order.
///
/// A later pass first checks that the file is unchanged (device, inode, size, modification time); a change, or
/// a failure to read it again, is recorded in ``failure`` (``Table/checkStreamedReading()``): commands check it
/// before writing anything.
///
/// - Complexity: one pass over the file per group of columns that fits in the budget; memory O(n) per converted
///   column (8 bytes a number, 4 bytes a code) plus 4 bytes a record for the line numbers and one chunk.
final class StreamedColumnSource: TextColumnSource, @unchecked Sendable {
    let file: String
    let header: [String]
    let rowCount: Int
    /// The delimiter found (or given) by the first pass.
    let delimiter: UInt8
    /// The header's line ending, reused when writing.
    let lineEnding: String
    private let lines: [UInt32]
    private let dialect: CSVDialect
    private let chunkSize: Int
    private let signature: FileSignature
    private let budget: Int
    /// Threads converting the columns of a chunk.
    private let threads: Int
    /// Planned columns by index in the header, in plan order.
    private let planned: [(column: Int, plan: StreamedColumnPlan)]
    private let lock = NSLock()
    private var numericCache: [Int: Result<NumericColumn, Error>] = [:]
    private var categoricalCache: [Int: CategoricalColumn] = [:]
    /// Planned used-once columns already converted at least once (the next pass starts after them).
    private var converted: Set<Int> = []
    private var failureStorage: Error?
    /// Passes over the file so far (1 after the initial one).
    private(set) var passes = 0

    /// The first problem met by a later pass (the file changed or could not be read again), if any.
    var failure: Error? { lock.lock(); defer { lock.unlock() }; return failureStorage }

    /// Reads `path` once, converting the planned columns (see the type's documentation).
    init(path: String, dialect: CSVDialect, plan: [StreamedColumnPlan], chunkSize: Int, memoryBudget: Int,
         threads: Int = ReadingThreads.available) throws {
        signature = try FileSignature(path: path)
        self.threads = max(1, threads)
        self.file = path
        self.dialect = dialect
        self.chunkSize = chunkSize
        self.budget = memoryBudget
        var reader = try CSVChunkReader(path: path, dialect: dialect, chunkSize: chunkSize)
        guard let first = try reader.next() else { throw DataError.emptyFile(file: path) }  // next() throws first
        header = first.header
        delimiter = first.delimiter
        lineEnding = first.lineEnding
        var seen = Set<Int>()
        var planned: [(Int, StreamedColumnPlan)] = []
        for p in plan {
            guard let j = header.firstIndex(of: p.name) else { continue }  // the table says it is unknown when asked
            if let k = planned.firstIndex(where: { $0.0 == j }) {
                // Asked for in two roles: kept, and read both ways when the kinds differ.
                var merged = planned[k].1
                merged.once = merged.once && p.once
                if merged.kind == .numericAndCategorical || p.kind == .numericAndCategorical {
                    merged.kind = .numericAndCategorical
                } else if merged.kind != p.kind {
                    merged.kind = .numericOrCategorical
                }
                planned[k].1 = merged
                continue
            }
            if seen.insert(j).inserted { planned.append((j, p)) }
        }
        self.planned = planned
        // Records expected, from the first chunk's bytes per record, to fit the used-once columns in the budget.
        let fileSize = Double(max(1, signature.size))
        let firstBytes = Double(max(1, first.bytes.count))
        let expectedRows = max(first.rowCount, Int(fileSize / firstBytes * Double(first.rowCount)))
        var converters = StreamedColumnSource.select(planned, after: nil, excluding: [], rows: expectedRows,
                                                     budget: memoryBudget, cachedBytes: 0, atLeastOne: true)
        var lines: [UInt32] = []
        var chunk: CSVBuffer? = first
        reader.projection = ColumnConverter.projection(converters)
        // The next chunk is split while this one is converted.
        let ahead = PrefetchingChunkReader(reader)
        defer { ahead.close() }
        while let c = chunk {
            lines.append(contentsOf: c.lines)
            ColumnConverter.append(c, to: &converters, dialect: dialect, isFirstChunk: c === first, threads: threads)
            chunk = try ahead.next()
        }
        self.lines = lines
        self.rowCount = lines.count
        passes = 1
        store(converters)
    }

    /// The converters of a pass: the kept planned columns not converted yet, then the used-once ones after
    /// `after` (in plan order, wrapping around) while their size fits in what the budget leaves.
    /// With `atLeastOne`, the first used-once column is taken even beyond the budget (the first pass reads at
    /// least one variable).
    private static func select(_ planned: [(column: Int, plan: StreamedColumnPlan)], after: Int?, excluding: Set<Int>,
                               rows: Int, budget: Int, cachedBytes: Int, atLeastOne: Bool) -> [ColumnConverter] {
        var out: [ColumnConverter] = []
        var bytes = cachedBytes
        for (j, p) in planned where !p.once && !excluding.contains(j) {
            out.append(ColumnConverter(column: j, kind: p.kind, expectedRows: rows))
        }
        let once = planned.filter { $0.plan.once }
        let start = after.flatMap { a in once.firstIndex { $0.column == a }.map { $0 + 1 } } ?? 0
        for k in 0..<once.count {
            let (j, p) = once[(start + k) % once.count]
            if excluding.contains(j) { continue }
            let size = rows * (p.kind == .categorical ? 4 : p.kind == .numericAndCategorical ? 12 : 8)
            if bytes + size > budget && !(atLeastOne && k == 0) { break }
            bytes += size
            out.append(ColumnConverter(column: j, kind: p.kind, expectedRows: rows))
        }
        return out
    }

    /// Keeps the results of a pass.
    private func store(_ converters: [ColumnConverter]) {
        for c in converters {
            if let numeric = c.numericResult { numericCache[c.column] = numeric }
            if let categorical = c.categoricalResult { categoricalCache[c.column] = categorical }
            converted.insert(c.column)
        }
    }

    private func plan(of column: Int) -> StreamedColumnPlan? { planned.first { $0.column == column }?.plan }

    private var cachedBytes: Int {
        numericCache.values.reduce(0) { s, r in s + ((try? r.get())?.values.count ?? 0) * 8 }
            + categoricalCache.values.reduce(0) { $0 + $1.codes.count * 4 }
    }

    /// Another pass over the file converting `column` (as `kind`) and the next planned columns within the
    /// budget; a problem is recorded in ``failure``.
    private func pass(for column: Int, kind: StreamedColumnKind) {
        guard failureStorage == nil else { return }
        let already = Set(numericCache.keys).union(categoricalCache.keys)
        var converters = [ColumnConverter(column: column, kind: kind, expectedRows: rowCount)]
        if let p = plan(of: column), p.once {
            converters += StreamedColumnSource.select(planned, after: column,
                                                      excluding: already.union(converted).union([column]),
                                                      rows: rowCount, budget: budget, cachedBytes: cachedBytes + rowCount * 8,
                                                      atLeastOne: false)
        }
        do {
            guard try FileSignature(path: file) == signature else { throw StreamedReadingError.changedBetweenPasses(file: file) }
            var reader = try CSVChunkReader(path: file, dialect: dialect, chunkSize: chunkSize)
            reader.projection = ColumnConverter.projection(converters)
            let ahead = PrefetchingChunkReader(reader)
            defer { ahead.close() }
            var records = 0
            var isFirst = true
            while let c = try ahead.next() {
                guard c.header == header else { throw StreamedReadingError.changedBetweenPasses(file: file) }
                ColumnConverter.append(c, to: &converters, dialect: dialect, isFirstChunk: isFirst, threads: threads)
                records += c.rowCount
                isFirst = false
            }
            guard records == rowCount, try FileSignature(path: file) == signature else {
                throw StreamedReadingError.changedBetweenPasses(file: file)
            }
            passes += 1
            store(converters)
        } catch {
            failureStorage = error
        }
    }

    func line(ofRecord row: Int) -> Int { Int(lines[row]) }

    /// A subset of a streamed table converts only the columns asked for (another column may cost a pass).
    var subsetsLazily: Bool { true }

    /// Where the records stand in the file, to copy them (``StreamingWeightedFileWriter``,
    /// ``StreamingRecordSubsetWriter``).
    var origin: StreamOrigin {
        StreamOrigin(file: file, header: header, lines: lines, signature: signature, dialect: dialect,
                     delimiter: delimiter, lineEnding: lineEnding)
    }

    func location(row: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: Int(lines[row]), column: column + 1, columnName: header[column])
    }

    func numeric(column: Int, decimalComma: Bool) throws -> NumericColumn {
        lock.lock()
        defer { lock.unlock() }
        if numericCache[column] == nil { pass(for: column, kind: .numeric) }
        if let failureStorage { throw failureStorage }
        guard let result = numericCache[column] else { throw StreamedReadingError.changedBetweenPasses(file: file) }
        let values = try result.get()
        if plan(of: column)?.once ?? false {
            numericCache[column] = nil
            categoricalCache[column] = nil
        }
        return values
    }

    func categorical(column: Int) -> CategoricalColumn {
        lock.lock()
        defer { lock.unlock() }
        if categoricalCache[column] == nil { pass(for: column, kind: .categorical) }
        guard failureStorage == nil, let levels = categoricalCache[column] else {
            // The failure is recorded; the command checks it before writing anything.
            return CategoricalColumn(codes: [UInt32](repeating: CategoricalColumn.missing, count: rowCount), levels: [])
        }
        if plan(of: column)?.once ?? false {
            categoricalCache[column] = nil
            numericCache[column] = nil
        }
        return levels
    }
}

/// Converts one column of the chunks of one pass.
struct ColumnConverter {
    let column: Int
    let kind: StreamedColumnKind
    private var values: [Double] = []
    private var numericError: Error?
    private var encoder: CSVLevelEncoder?
    /// A numeric-or-categorical column found not numeric after its first chunk: its levels need another pass.
    private var levelsMissed = false

    /// `expectedRows`: the records the file is expected to hold (exact in a later pass, estimated from the first
    /// chunk in the first), reserved for the numbers at once rather than grown by copies chunk after chunk.
    init(column: Int, kind: StreamedColumnKind, expectedRows: Int) {
        self.column = column
        self.kind = kind
        if kind == .categorical || kind == .numericAndCategorical { encoder = CSVLevelEncoder() }
        if kind != .categorical { values.reserveCapacity(max(0, expectedRows)) }
    }

    /// The columns the converters read, for ``CSVChunkReader/projection``.
    static func projection(_ converters: [ColumnConverter]) -> [Int] {
        Array(Set(converters.map(\.column))).sorted()
    }

    /// Records converted at a time by one thread, column after column: their fields and boundaries (about
    /// 200 KiB for the benchmark file's 25 columns) stay in the processor's cache for all the columns.
    static let rowBlock = 2048

    /// Appends `chunk` to every converter, the columns shared out among up to `threads` threads (each column
    /// is converted by one thread, from the same chunk: the results do not depend on the number of threads).
    /// Each thread reads its numeric columns by blocks of ``rowBlock`` records, then encodes its levels.
    static func append(_ chunk: CSVBuffer, to converters: inout [ColumnConverter], dialect: CSVDialect,
                       isFirstChunk: Bool, threads: Int) {
        let count = converters.count, workers = max(1, min(threads, count))
        // Each converter is mutated in place by one worker (worker w takes w, w + workers, ...): no copy of its
        // values, no two workers on one converter.
        converters.withUnsafeMutableBufferPointer { buffer in
            let shared = ConverterSlots(base: buffer.baseAddress!)
            let work: @Sendable (Int) -> Void = { w in
                let mine = Array(Swift.stride(from: w, to: count, by: workers))
                var start = 0
                repeat {
                    let rows = start..<min(chunk.rowCount, start + rowBlock)
                    for k in mine {
                        (shared.base + k).pointee.appendNumbers(chunk, rows: rows, dialect: dialect, isFirstChunk: isFirstChunk)
                    }
                    start = rows.upperBound
                } while start < chunk.rowCount
                for k in mine { (shared.base + k).pointee.appendLevels(chunk) }
            }
            if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        }
    }

    /// Appends the numbers of `rows` of `chunk` (the chunk's blocks are given in order, all of them): the first
    /// field that is not a number ends the column's numbers, as ``CSVBuffer/numeric(column:decimalComma:)`` on the
    /// whole chunk would.
    mutating func appendNumbers(_ chunk: CSVBuffer, rows: Range<Int>, dialect: CSVDialect, isFirstChunk: Bool) {
        guard kind != .categorical && numericError == nil else { return }
        do {
            try chunk.appendNumbers(column: column, rows: rows, decimalComma: dialect.decimalComma, to: &values)
        } catch {
            numericError = error
            values = []
            if kind == .numericOrCategorical {
                // Not numbers: levels, from this first chunk on, or in another pass if earlier chunks are gone.
                if isFirstChunk { encoder = CSVLevelEncoder() } else { levelsMissed = true }
            }
        }
    }

    /// Appends the levels of `chunk`, when the column is encoded (after its numbers).
    mutating func appendLevels(_ chunk: CSVBuffer) {
        if encoder != nil { encoder!.append(chunk, column: column) }
    }

    /// The numbers, or the first value that is not one (nil for a categorical column).
    var numericResult: Result<NumericColumn, Error>? {
        if kind == .categorical { return nil }
        if let numericError { return .failure(numericError) }
        return .success(NumericColumn(values))
    }

    /// The levels, when they were encoded.
    var categoricalResult: CategoricalColumn? {
        guard let encoder, !levelsMissed else { return nil }
        return encoder.finish()
    }
}

/// The converters of a chunk, shared by the workers of ``ColumnConverter/append(_:to:dialect:isFirstChunk:threads:)``
/// (each element mutated by one worker only).
private struct ConverterSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<ColumnConverter>
}

/// Problems of a file read in several passes.
public enum StreamedReadingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file changed between two passes over it.
    case changedBetweenPasses(file: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .changedBetweenPasses(let f):
            return "\(f) changed while it was being read (it is read in several passes to keep memory small); nothing was written, run again once it no longer changes"
        }
    }
}

extension Table {
    /// Reads a delimited file chunk by chunk, converting only the planned columns on the way: a table that
    /// gives the same values, levels and errors as ``init(contentsOf:dialect:)`` for every column (columns
    /// outside the plan cost another pass over the file when asked for), with memory for the converted columns
    /// only, never the text of the file (see `StreamedColumnSource`).
    ///
    /// - Parameters:
    ///   - plan: the columns the command will ask for, how, and which are used once.
    ///   - chunkSize: bytes read at a time.
    ///   - memoryBudget: bytes of used-once columns held at a time (more passes when they do not fit).
    ///   - threads: threads converting the columns of each chunk (the values do not depend on it).
    /// - Throws: ``DataError`` for an unreadable or malformed file, as ``init(contentsOf:dialect:)``.
    public init(streamingColumns path: String, dialect: CSVDialect = CSVDialect(), plan: [StreamedColumnPlan],
                chunkSize: Int = 8 << 20, memoryBudget: Int = 384 << 20, threads: Int = ReadingThreads.available) throws {
        let source = try StreamedColumnSource(path: path, dialect: dialect, plan: plan, chunkSize: chunkSize,
                                              memoryBudget: memoryBudget, threads: threads)
        self.init(text: source, decimalComma: dialect.decimalComma)
    }

    /// Throws the first problem met while reading a streamed table again (the file changed between passes, or
    /// could not be read): commands call it before writing results computed from the table. A subset of a
    /// streamed table reports its file's problems.
    public func checkStreamedReading() throws {
        if let source = (textSource ?? parentTextSource) as? StreamedColumnSource, let failure = source.failure { throw failure }
    }

    /// Whether the table was read with ``init(streamingColumns:dialect:plan:chunkSize:memoryBudget:threads:)``
    /// (its records can be copied by ``StreamingWeightedFileWriter`` and ``StreamingRecordSubsetWriter``).
    public var isStreamedColumns: Bool { textSource is StreamedColumnSource }

    /// Where the records of a streamed table stand in its file (read with ``init(streaming:dialect:categorical:numeric:chunkSize:threads:)``
    /// or ``init(streamingColumns:dialect:plan:chunkSize:memoryBudget:threads:)``), nil for another table.
    var streamedRecords: StreamOrigin? {
        (streamOrigin as? StreamOrigin) ?? (textSource as? StreamedColumnSource)?.origin
    }

    /// Passes made over the file of a table read with ``init(streamingColumns:dialect:plan:chunkSize:memoryBudget:threads:)``
    /// (nil for another table).
    public var streamedPasses: Int? { (textSource as? StreamedColumnSource)?.passes }
}
