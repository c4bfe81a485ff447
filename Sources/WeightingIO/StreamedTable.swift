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
    ///   - threads: threads that split and convert the chunks (default: every processor; see
    ///     ``ReadingThreads``). The table, its level codes and the first error, in file order, are the same for
    ///     every number of threads and every chunk size.
    /// - Throws: ``DataError`` for unreadable or malformed files, unknown columns and non-numeric values.
    public init(streaming path: String, dialect: CSVDialect = CSVDialect(), categorical: [String], numeric: [String],
                chunkSize: Int = 8 << 20, threads: Int = ReadingThreads.available) throws {
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
            if first && threads > 1 {
                // The first chunk (header, delimiter) as below, then the others split and converted by several
                // threads and merged in file order.
                header = chunk.header
                delimiter = chunk.delimiter
                lineEnding = chunk.lineEnding
                categoricalIndex = try categoricalNames.map { try chunk.columnIndex($0) }
                numericIndex = try numericNames.map { try chunk.columnIndex($0) }
                lines.append(contentsOf: chunk.lines)
                for (k, j) in categoricalIndex.enumerated() { encoders[k].append(chunk, column: j) }
                for (k, j) in numericIndex.enumerated() {
                    values[k].append(contentsOf: try chunk.numeric(column: j, decimalComma: dialect.decimalComma).values)
                }
                let continuation = CSVBuffer.Continuation(header: header, delimiter: delimiter, lineEnding: lineEnding)
                var nextLine = chunk.nextLine
                while true {
                    let (batch, failure) = reader.nextByteChunks(threads)
                    if batch.isEmpty, let failure { throw failure }
                    if batch.isEmpty { break }
                    let done = ParallelWork.map(batch.count, threads: threads) { i in
                        StreamedChunk(bytes: batch[i], file: path, dialect: dialect, continuation: continuation,
                                      categorical: categoricalIndex, numeric: numericIndex)
                    }
                    for (i, part) in done.enumerated() {
                        if part.failed {
                            // Read again here with its true first line, as the one-thread reading does: throws its
                            // error (the first in file order, with its line).
                            let again = try CSVBuffer(bytes: batch[i], file: path, dialect: dialect,
                                                      continuing: continuation, firstLine: nextLine, allowNoRows: true)
                            nextLine = again.nextLine
                            lines.append(contentsOf: again.lines)
                            for (k, j) in categoricalIndex.enumerated() { encoders[k].append(again, column: j) }
                            for (k, j) in numericIndex.enumerated() {
                                values[k].append(contentsOf: try again.numeric(column: j, decimalComma: dialect.decimalComma).values)
                            }
                            continue
                        }
                        let shift = UInt32(nextLine - 1)
                        lines.append(contentsOf: shift == 0 ? part.lines : part.lines.map { $0 + shift })
                        nextLine += part.nextLine - 1
                        guard !part.lines.isEmpty else { continue }
                        for k in encoders.indices { encoders[k].merge(part.encoders[k]) }
                        for k in values.indices { values[k].append(contentsOf: part.values[k]) }
                    }
                    if let failure { throw failure }
                }
                if lines.isEmpty { throw DataError.noDataRows(file: path) }
                break
            }
            if first {
                header = chunk.header
                delimiter = chunk.delimiter
                lineEnding = chunk.lineEnding
                categoricalIndex = try categoricalNames.map { try chunk.columnIndex($0) }
                numericIndex = try numericNames.map { try chunk.columnIndex($0) }
                reader.projection = Array(Set(categoricalIndex + numericIndex)).sorted()
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
