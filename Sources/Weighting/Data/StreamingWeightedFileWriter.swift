/// Writes a streamed file back with new numeric columns appended, reading it a second time chunk by chunk, so
/// that memory never holds the whole file (the companion of ``Table/init(streaming:dialect:categorical:numeric:chunkSize:)``).
///
/// The output is the same as ``WeightedFileWriter``'s: header and records copied byte for byte, then the
/// delimiter and the new values (shortest round-trip decimal text, decimal comma when the input uses one).
/// Before and after copying, the input is checked to be the file that was read (same device, inode, size and
/// modification time, same number of records); otherwise nothing is written.
public struct StreamingWeightedFileWriter: Sendable {
    let origin: StreamOrigin
    /// Whether numbers use a decimal comma.
    public let decimalComma: Bool
    let chunkSize: Int

    /// A writer for the file a streamed table was read from.
    ///
    /// - Precondition: `table.isStreamed`.
    public init(table: Table, decimalComma: Bool = false, chunkSize: Int = 8 << 20) {
        precondition(table.streamOrigin != nil, "the table was not read with Table(streaming:)")
        self.origin = table.streamOrigin!
        self.decimalComma = decimalComma
        self.chunkSize = chunkSize
    }

    /// Appends columns and writes the file to `path` atomically (never over an input).
    ///
    /// - Throws: ``DataError/cannotWrite(file:reason:)``, ``DataError/outputIsInput(file:)``,
    ///   ``DataError/changedWhileReading(file:)``, or ``CalibrationError/nonFinite(_:)`` if a value is NaN or
    ///   infinite (nothing is written then).
    public func write(columns: [(name: String, values: [Double])], to path: String, otherInputs: [String] = []) throws {
        try validate(columns)
        try FileIO.writeAtomically(to: path, inputs: [origin.file] + otherInputs) { sink in
            try self.emit(columns, into: &sink)
        }
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
            if let j = origin.header.firstIndex(of: c.name) {
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
        var reader = try CSVChunkReader(path: origin.file, dialect: origin.dialect, chunkSize: chunkSize)
        var row = 0
        var first = true
        while let chunk = try reader.next() {
            let delimiter = [chunk.delimiter]
            let eol = Array(chunk.lineEnding.utf8)
            if first {
                guard chunk.header == origin.header else { throw DataError.changedWhileReading(file: origin.file) }
                sink.write(chunk.bytes[chunk.headerRange])
                for c in columns {
                    sink.write(delimiter)
                    sink.write(WeightedFileWriter.quoteIfNeeded(c.name, delimiter: chunk.delimiter).utf8)
                }
                sink.write(eol)
                first = false
            }
            guard row + chunk.rowCount <= origin.lines.count else { throw DataError.changedWhileReading(file: origin.file) }
            for r in 0..<chunk.rowCount {
                sink.write(chunk.rawRecord(r))
                for c in columns {
                    sink.write(delimiter)
                    sink.write(WeightedFileWriter.format(c.values[row], decimalComma: decimalComma).utf8)
                }
                sink.write(eol)
                row += 1
            }
            if let failure = sink.failure { throw failure }
        }
        guard row == origin.lines.count, try FileSignature(path: origin.file) == origin.signature else {
            throw DataError.changedWhileReading(file: origin.file)
        }
    }
}
