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
        // One thread or several, the same copy (`threads` workers find and format the records of each batch).
        try copyRecords(columns, into: &sink)
    }
}
