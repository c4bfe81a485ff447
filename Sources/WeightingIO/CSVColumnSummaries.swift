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
    /// - Parameter chunkSize: bytes read at a time; the default (1 MiB) keeps a chunk and its field boundaries
    ///   in the processor's cache while every column is converted in turn.
    /// - Throws: ``DataError`` for unreadable or malformed files.
    public init(streaming path: String, dialect: CSVDialect = CSVDialect(), chunkSize: Int = 1 << 20) throws {
        var reader = try CSVChunkReader(path: path, dialect: dialect, chunkSize: chunkSize)
        var names: [String] = []
        var numeric: [Bool] = []
        var missing: [Int] = [], lo: [Double] = [], hi: [Double] = []
        var encoders: [CSVLevelEncoder?] = []
        var rereadColumns: [Int] = []
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
            for j in names.indices {
                if numeric[j] {
                    if let values = try? chunk.numeric(column: j, decimalComma: dialect.decimalComma).values {
                        values.withUnsafeBufferPointer { v in
                            var l = lo[j], h = hi[j], m = missing[j]
                            for x in v {
                                if x.isNaN { m += 1; continue }
                                if l.isNaN || x < l { l = x }
                                if h.isNaN || x > h { h = x }
                            }
                            lo[j] = l; hi[j] = h; missing[j] = m
                        }
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
            first = false
        }
        if !rereadColumns.isEmpty {
            // Columns found not numeric after the first chunk: their levels from the start of the file.
            for j in rereadColumns {
                var encoder = CSVLevelEncoder()
                encoder.keepsCodes = false
                encoders[j] = encoder
            }
            var again = try CSVChunkReader(path: path, dialect: dialect, chunkSize: chunkSize)
            while let chunk = try again.next() {
                for j in rereadColumns { encoders[j]!.append(chunk, column: j) }
            }
        }
        self.names = names
        self.rowCount = reader.rowCount
        self.columns = names.indices.map { j in
            if numeric[j] { return .numeric(missing: missing[j], min: lo[j], max: hi[j]) }
            let s = encoders[j]!.summary()
            return .categorical(levels: s.levels, missing: s.missing)
        }
    }
}
