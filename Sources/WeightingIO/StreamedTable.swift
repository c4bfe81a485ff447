#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Weighting

/// Identity and state of a file on disk (device, inode, size, modification time), to detect that a file read
/// twice changed in between.
public struct FileSignature: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: Int64
    let modifiedNanoseconds: Int64

    /// Reads the signature of `path`.
    ///
    /// - Throws: ``DataError/cannotRead(file:reason:)`` if the file cannot be examined.
    public init(path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else { throw DataError.cannotRead(file: path, reason: FileIO.errnoText()) }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        #if canImport(Darwin)
        modified = Int64(st.st_mtimespec.tv_sec)
        modifiedNanoseconds = Int64(st.st_mtimespec.tv_nsec)
        #else
        modified = Int64(st.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(st.st_mtim.tv_nsec)
        #endif
    }
}

/// Where the records of a table read from a streamed file stand in that file.
struct StreamOrigin: StreamedRecords {
    /// The file.
    var file: String
    /// The file's whole header (the table keeps only some columns).
    var header: [String]
    /// Physical line of each record.
    var lines: [UInt32]
    /// The file's state when it was read.
    var signature: FileSignature
    /// How it was read.
    var dialect: CSVDialect
    /// The delimiter found (or given).
    var delimiter: UInt8
    /// The header's line ending, reused when writing.
    var lineEnding: String
}

extension Table {
    /// Reads only the named columns of a delimited file, chunk by chunk, so memory holds the columns and one
    /// chunk, never the whole file (see ``CSVChunkReader``).
    ///
    /// The whole file is still checked (quoting, field counts, UTF-8), with errors naming its lines; categorical
    /// columns get the same levels as ``categorical(_:)`` on a table read at once (first-appearance order,
    /// spaces trimmed, missing tokens). A table read this way can be written back with its rows unchanged by
    /// ``StreamingWeightedFileWriter``, which reads the file a second time.
    ///
    /// - Parameters:
    ///   - categorical: columns kept as levels (auxiliary variables).
    ///   - numeric: columns parsed as numbers (weights, numeric auxiliaries).
    ///   - chunkSize: bytes read at a time.
    /// - Throws: ``DataError`` for unreadable or malformed files, unknown columns and non-numeric values.
    public init(streaming path: String, dialect: CSVDialect = CSVDialect(), categorical: [String], numeric: [String],
                chunkSize: Int = 8 << 20) throws {
        let signature = try FileSignature(path: path)
        var reader = try CSVChunkReader(path: path, dialect: dialect, chunkSize: chunkSize)
        var header: [String] = []
        var categoricalIndex: [Int] = [], numericIndex: [Int] = []
        let categoricalNames = categorical.uniqued()
        let numericNames = numeric.uniqued().filter { !categoricalNames.contains($0) }
        // One level table per column across chunks, keyed by the level's bytes (see CSVLevelEncoder).
        var encoders = [CSVLevelEncoder](repeating: CSVLevelEncoder(), count: categoricalNames.count)
        var values = [[Double]](repeating: [], count: numericNames.count)
        var lines: [UInt32] = []
        var first = true
        var delimiter = UInt8(ascii: ","), lineEnding = "\n"
        while let chunk = try reader.next() {
            if first {
                header = chunk.header
                delimiter = chunk.delimiter
                lineEnding = chunk.lineEnding
                categoricalIndex = try categoricalNames.map { try chunk.columnIndex($0) }
                numericIndex = try numericNames.map { try chunk.columnIndex($0) }
                first = false
            }
            lines.append(contentsOf: chunk.lines)
            for (k, j) in categoricalIndex.enumerated() { encoders[k].append(chunk, column: j) }
            for (k, j) in numericIndex.enumerated() {
                values[k].append(contentsOf: try chunk.numeric(column: j, decimalComma: dialect.decimalComma).values)
            }
        }
        var storage: [Storage] = []
        for encoder in encoders { storage.append(.categorical(encoder.finish())) }
        for k in numericNames.indices { storage.append(.numeric(NumericColumn(values[k]))) }
        self.init(names: categoricalNames + numericNames, storage: storage, rowCount: lines.count, source: path,
                  decimalComma: dialect.decimalComma,
                  streamOrigin: StreamOrigin(file: path, header: header, lines: lines, signature: signature,
                                             dialect: dialect, delimiter: delimiter, lineEnding: lineEnding))
    }
}

extension Array where Element: Hashable {
    /// The elements without repeats, in order of first appearance.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
