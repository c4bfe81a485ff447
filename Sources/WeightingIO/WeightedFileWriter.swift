import Weighting
import Foundation

/// Writes a data file back with new numeric columns appended, every original row and field byte for byte.
///
/// The header line and each record are copied as they stand in the input (quotes, spacing, delimiter), then
/// the delimiter and the new values are appended, then the line's own ending (`\r\n`, `\n`, or none on a
/// last line without one: a file mixing endings keeps them); a UTF-8 byte-order mark is kept. Numbers are
/// written with the shortest decimal text that reads back to the same double, with a decimal comma when the
/// input uses one. Written atomically.
public struct WeightedFileWriter: Sendable {
    /// The input file.
    public let buffer: CSVBuffer
    /// Whether numbers use a decimal comma.
    public let decimalComma: Bool
    /// Whether a new column whose name is already a column of the file replaces that column's values in place
    /// (same position, header unchanged, every other field byte for byte) instead of being refused.
    public let replacesExisting: Bool

    /// Creates a writer over an input file.
    public init(buffer: CSVBuffer, decimalComma: Bool = false, replacesExisting: Bool = false) {
        self.buffer = buffer
        self.decimalComma = decimalComma
        self.replacesExisting = replacesExisting
    }

    /// Appends columns and writes the file to `path` atomically (never over the input).
    ///
    /// - Throws: ``DataError/cannotWrite(file:reason:)``, ``OutputPathError/outputIsInput(output:input:)``, or
    ///   ``CalibrationError/nonFinite(_:)`` if a value is NaN or infinite (nothing is written then).
    public func write(columns: [(name: String, values: [Double])], to path: String, otherInputs: [String] = []) throws {
        try validate(columns)
        try FileIO.writeAtomically(to: path, inputs: [buffer.file] + otherInputs) { sink in
            self.emit(columns, into: &sink)
        }
    }

    /// Appends columns and writes the result into a sink (an output of an ``OutputPlan``).
    public func write(columns: [(name: String, values: [Double])], into sink: inout ByteSink) throws {
        try validate(columns)
        emit(columns, into: &sink)
    }

    /// The output as bytes (for standard output).
    public func render(columns: [(name: String, values: [Double])]) throws -> [UInt8] {
        try validate(columns)
        var out: [UInt8] = []
        var sink = ArraySink(bytes: [])
        emit(columns, into: &sink)
        out = sink.bytes
        return out
    }

    func validate(_ columns: [(name: String, values: [Double])]) throws {
        for c in columns {
            precondition(c.values.count == buffer.rowCount)
            if !replacesExisting, buffer.header.contains(c.name) {
                throw DataError.duplicateColumn(file: buffer.file, name: c.name,
                                                columns: [buffer.header.firstIndex(of: c.name)! + 1, buffer.header.count + 1])
            }
            if let i = c.values.firstIndex(where: { !$0.isFinite }) {
                throw CalibrationError.nonFinite("\(c.name) of record \(i + 1) (line \(buffer.lines[i]))")
            }
        }
    }

    func emit<S: ByteWriting>(_ columns: [(name: String, values: [Double])], into sink: inout S) {
        let delimiter = [buffer.delimiter]
        let replaced = columns.map { c in replacesExisting ? buffer.header.firstIndex(of: c.name) : nil }
        let appended = columns.indices.filter { replaced[$0] == nil }
        if buffer.hasByteOrderMark { sink.write(CSVBuffer.byteOrderMark) }
        sink.write(buffer.bytes[buffer.headerRange])
        for k in appended {
            sink.write(delimiter)
            sink.write(quoteIfNeeded(columns[k].name).utf8)
        }
        sink.write(buffer.lineEnding(after: buffer.headerRange.upperBound))
        var numberTexts = FieldTextCache(decimalComma: decimalComma)
        buffer.bytes.withUnsafeBufferPointer { all in
            for r in 0..<buffer.rowCount {
                let record = buffer.rawRecord(r)
                let raw = UnsafeBufferPointer(rebasing: all[record.startIndex..<record.endIndex])
                ReplacedFields.write(raw, replacing: columns.indices.compactMap { k in replaced[k].map { ($0, k) } },
                                     delimiter: buffer.delimiter, into: &sink) { k in
                    NumberFormat.field(columns[k].values[r], decimalComma: decimalComma)
                }
                for k in appended {
                    sink.write(delimiter)
                    numberTexts.write(columns[k].values[r], into: &sink)
                }
                sink.write(buffer.lineEnding(after: record.endIndex))
            }
        }
    }

    func quoteIfNeeded(_ s: String) -> String { CSVField.quoted(s, delimiter: buffer.delimiter) }
}

extension CSVBuffer {
    /// The UTF-8 byte-order mark.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The line ending that follows a line ending at byte `end` of the file (without its byte-order mark):
    /// `\r\n`, `\n`, a lone `\r` at the end of the file, or nothing for a last line without an ending.
    func lineEnding(after end: Int) -> ArraySlice<UInt8> {
        var stop = end
        if stop < bytes.count && bytes[stop] == 0x0D { stop += 1 }
        if stop < bytes.count && bytes[stop] == 0x0A { stop += 1 }
        return bytes[end..<stop]
    }

    /// The raw bytes of record `row` followed by its own line ending (to copy a subset of records unchanged).
    public func rawRecordBytesWithLineEnding(_ row: Int) -> [UInt8] {
        let record = rawRecord(row)
        return Array(record) + Array(lineEnding(after: record.endIndex))
    }

    /// The byte-order mark if the file had one, the raw header line and its own line ending.
    public var rawHeaderBytesWithLineEnding: [UInt8] {
        (hasByteOrderMark ? CSVBuffer.byteOrderMark : []) + Array(bytes[headerRange]) + Array(lineEnding(after: headerRange.upperBound))
    }
}

/// A data file written back with new numeric columns: ``WeightedFileWriter`` (file in memory) or
/// ``StreamingWeightedFileWriter`` (file read again in chunks).
public protocol WeightedOutput: Sendable {
    /// Appends columns and writes the file to `path` atomically (never over an input).
    func write(columns: [(name: String, values: [Double])], to path: String, otherInputs: [String]) throws
    /// Appends columns and writes the result into a sink (an output of an ``OutputPlan``).
    func write(columns: [(name: String, values: [Double])], into sink: inout ByteSink) throws
    /// Appends columns and writes the result to an open file descriptor (standard output).
    func write(columns: [(name: String, values: [Double])], toDescriptor fd: Int32, name: String) throws
}

extension WeightedFileWriter: WeightedOutput {
    /// Appends columns and writes the result to an open file descriptor (standard output).
    public func write(columns: [(name: String, values: [Double])], toDescriptor fd: Int32, name: String) throws {
        let bytes = try render(columns: columns)
        var sink = ByteSink(fd: fd, path: name)
        sink.write(bytes)
        try sink.flush()
    }
}

extension StreamingWeightedFileWriter: WeightedOutput {}

/// Something bytes can be written to.
public protocol ByteWriting {
    /// Appends bytes.
    mutating func write<C: Collection>(_ bytes: C) where C.Element == UInt8
}

extension ByteSink: ByteWriting {}

/// An in-memory byte sink.
struct ArraySink: ByteWriting {
    var bytes: [UInt8]
    mutating func write<C: Collection>(_ b: C) where C.Element == UInt8 { bytes.append(contentsOf: b) }
}

/// Copies a record with some of its fields replaced: the bytes between the delimiters (outside quotes) of each
/// replaced field give way to a new value, every other byte is copied as it stands.
enum ReplacedFields {
    /// Writes `record` with the fields `replacing` (field index, column key) replaced by `value(key)`.
    /// With nothing to replace the record is copied in one piece.
    static func write<S: ByteWriting>(_ record: UnsafeBufferPointer<UInt8>, replacing: [(field: Int, key: Int)],
                                      delimiter: UInt8, into sink: inout S, value: (Int) -> String) {
        guard !replacing.isEmpty else { sink.write(record); return }
        var field = 0, fieldStart = 0, inQuotes = false, copied = 0
        func close(_ end: Int) {
            if let k = replacing.first(where: { $0.field == field })?.key {
                sink.write(UnsafeBufferPointer(rebasing: record[copied..<fieldStart]))
                sink.write(value(k).utf8)
                copied = end
            }
        }
        for pos in 0..<record.count {
            let b = record[pos]
            if b == 0x22 { inQuotes.toggle() } else if b == delimiter && !inQuotes {
                close(pos)
                field += 1
                fieldStart = pos + 1
            }
        }
        close(record.count)
        sink.write(UnsafeBufferPointer(rebasing: record[copied..<record.count]))
    }
}
