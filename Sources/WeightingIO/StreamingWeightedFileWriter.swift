import Weighting
/// Writes a streamed file back with new numeric columns appended, reading it a second time chunk by chunk, so
/// that memory never holds the whole file (the companion of
/// ``Table/init(streaming:dialect:categorical:numeric:chunkSize:threads:)`` and
/// ``Table/init(streamingColumns:dialect:plan:chunkSize:memoryBudget:threads:)``).
///
/// The output is the same as ``WeightedFileWriter``'s: byte-order mark, header and records copied byte for
/// byte, then the delimiter and the new values (shortest round-trip decimal text, decimal comma when the input
/// uses one), then each line's own ending.
/// Before and after copying, the input is checked to be the file that was read (same device, inode, size and
/// modification time, same number of records); otherwise nothing is written.
public struct StreamingWeightedFileWriter: Sendable {
    let origin: StreamOrigin
    /// Whether numbers use a decimal comma.
    public let decimalComma: Bool
    let chunkSize: Int
    /// Whether a new column whose name is already a column of the file replaces that column's values in place
    /// (same position, header unchanged, every other field byte for byte) instead of being refused.
    public let replacesExisting: Bool
    /// Threads that format the chunks (see ``ReadingThreads``); the bytes written are the same for every count.
    public let threads: Int

    /// A writer for the file a streamed table was read from.
    ///
    /// - Parameter threads: threads that find the records of the chunks and format them (default: every
    ///   processor); chunks are written in file order, so the output does not depend on it.
    /// - Precondition: `table.isStreamed || table.isStreamedColumns`.
    public init(table: Table, decimalComma: Bool = false, chunkSize: Int = 8 << 20, replacesExisting: Bool = false,
                threads: Int = ReadingThreads.available) {
        guard let origin = table.streamedRecords else {
            preconditionFailure("the table was not read with Table(streaming:) or Table(streamingColumns:)")
        }
        self.origin = origin
        self.decimalComma = decimalComma
        self.chunkSize = chunkSize
        self.replacesExisting = replacesExisting
        self.threads = max(1, threads)
    }

    /// Appends columns and writes the file to `path` atomically (never over an input).
    ///
    /// - Throws: ``DataError/cannotWrite(file:reason:)``, ``OutputPathError/outputIsInput(output:input:)``,
    ///   ``DataError/changedWhileReading(file:)``, or ``CalibrationError/nonFinite(_:)`` if a value is NaN or
    ///   infinite (nothing is written then).
    public func write(columns: [(name: String, values: [Double])], to path: String, otherInputs: [String] = []) throws {
        try validate(columns)
        try FileIO.writeAtomically(to: path, inputs: [origin.file] + otherInputs) { sink in
            try self.emit(columns, into: &sink)
        }
    }

    /// Appends columns and writes the result into a sink (an output of an ``OutputPlan``), in pieces.
    public func write(columns: [(name: String, values: [Double])], into sink: inout ByteSink) throws {
        try validate(columns)
        try emit(columns, into: &sink)
    }

    /// Appends columns and writes the result to an open file descriptor (standard output), in pieces.
    public func write(columns: [(name: String, values: [Double])], toDescriptor fd: Int32, name: String) throws {
        try validate(columns)
        var sink = ByteSink(fd: fd, path: name)
        try emit(columns, into: &sink)
        try sink.flush()
    }

    func validate(_ columns: [(name: String, values: [Double])]) throws {
        for c in columns {
            precondition(c.values.count == origin.lines.count)
            if !replacesExisting, let j = origin.header.firstIndex(of: c.name) {
                throw DataError.duplicateColumn(file: origin.file, name: c.name, columns: [j + 1, origin.header.count + 1])
            }
            if let i = c.values.firstIndex(where: { !$0.isFinite }) {
                throw CalibrationError.nonFinite("\(c.name) of record \(i + 1) (line \(origin.lines[i]))")
            }
        }
    }

    func emit(_ columns: [(name: String, values: [Double])], into sink: inout ByteSink) throws {
        guard try FileSignature(path: origin.file) == origin.signature else {
            throw DataError.changedWhileReading(file: origin.file)
        }
        if threads > 1 { return try emitInParallel(columns, into: &sink) }
        // The file was split and checked by the first reading and has not changed since: records are found by
        // line feeds outside quotes alone, and each must start on the line the first reading saw.
        var reader = try CSVChunkReader(path: origin.file, dialect: origin.dialect, chunkSize: chunkSize)
        let delimiter = origin.delimiter
        let replaced = columns.map { c in replacesExisting ? origin.header.firstIndex(of: c.name) : nil }
        let replacing = columns.indices.compactMap { k in replaced[k].map { (field: $0, key: k) } }
        let appended = columns.indices.filter { replaced[$0] == nil }
        var row = -1  // -1: the header comes first
        var numberTexts = FieldTextCache(decimalComma: decimalComma)
        var line = 1
        var first = true
        while let bytes = try reader.nextBytes() {
            try bytes.withUnsafeBufferPointer { buf in
                let n = buf.count
                var pos = 0
                if first, n >= 3, buf[0] == 0xEF, buf[1] == 0xBB, buf[2] == 0xBF {
                    sink.write(UnsafeBufferPointer(rebasing: buf[0..<3]))  // the byte-order mark is kept
                    pos = 3
                }
                first = false
                while pos < n {
                    // Blank lines between records are dropped, as by the first reading.
                    if buf[pos] == 0x0A { line += 1; pos += 1; continue }
                    if buf[pos] == 0x0D { if pos + 1 >= n || buf[pos + 1] != 0x0A { line += 1 }; pos += 1; continue }
                    let start = pos, startLine = line
                    var inQuotes = false
                    var end = n, next = n
                    while pos < n {
                        let b = buf[pos]
                        if b == 0x22 { inQuotes.toggle() } else if b == 0x0A || (b == 0x0D && (pos + 1 >= n || buf[pos + 1] != 0x0A)) {
                            line += 1
                            if !inQuotes { end = pos; next = pos + 1; break }
                        }
                        pos += 1
                    }
                    if end > start && buf[end - 1] == 0x0D { end -= 1 }
                    pos = next
                    if row < 0 {
                        sink.write(UnsafeBufferPointer(rebasing: buf[start..<end]))
                        for k in appended {
                            sink.write(CollectionOfOne(delimiter))
                            sink.write(CSVField.quoted(columns[k].name, delimiter: delimiter).utf8)
                        }
                    } else {
                        guard row < origin.lines.count, Int(origin.lines[row]) == startLine else {
                            throw DataError.changedWhileReading(file: origin.file)
                        }
                        ReplacedFields.write(UnsafeBufferPointer(rebasing: buf[start..<end]), replacing: replacing,
                                             delimiter: delimiter, into: &sink) { k in
                            NumberFormat.field(columns[k].values[row], decimalComma: decimalComma)
                        }
                        for k in appended {
                            sink.write(CollectionOfOne(delimiter))
                            numberTexts.write(columns[k].values[row], into: &sink)
                        }
                    }
                    sink.write(UnsafeBufferPointer(rebasing: buf[end..<next]))  // the line's own ending, if any
                    row += 1
                }
            }
            if let failure = sink.failure { throw failure }
        }
        guard row == origin.lines.count, try FileSignature(path: origin.file) == origin.signature else {
            throw DataError.changedWhileReading(file: origin.file)
        }
    }
}
