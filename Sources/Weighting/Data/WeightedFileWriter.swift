import Foundation

/// Writes a data file back with new numeric columns appended, every original row and field byte for byte.
///
/// The header line and each record are copied as they stand in the input (quotes, spacing, delimiter), then
/// the delimiter and the new values are appended. Numbers are written with the shortest decimal text that reads
/// back to the same double, with a decimal comma when the input uses one. Written atomically.
public struct WeightedFileWriter: Sendable {
    /// The input file.
    public let buffer: CSVBuffer
    /// Whether numbers use a decimal comma.
    public let decimalComma: Bool

    /// Creates a writer over an input file.
    public init(buffer: CSVBuffer, decimalComma: Bool = false) {
        self.buffer = buffer
        self.decimalComma = decimalComma
    }

    /// Text of a number as written in outputs.
    public static func format(_ x: Double, decimalComma: Bool) -> String {
        let s = "\(x)"
        let t = s.hasSuffix(".0") ? String(s.dropLast(2)) : s
        return decimalComma ? t.replacingOccurrences(of: ".", with: ",") : t
    }

    /// Appends columns and writes the file to `path` atomically (never over the input).
    ///
    /// - Throws: ``DataError/cannotWrite(file:reason:)``, ``DataError/outputIsInput(file:)``, or
    ///   ``CalibrationError/nonFinite(_:)`` if a value is NaN or infinite (nothing is written then).
    public func write(columns: [(name: String, values: [Double])], to path: String, otherInputs: [String] = []) throws {
        try validate(columns)
        try FileIO.writeAtomically(to: path, inputs: [buffer.file] + otherInputs) { sink in
            self.emit(columns, into: &sink)
        }
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
            if buffer.header.contains(c.name) {
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
        let eol = Array(buffer.lineEnding.utf8)
        sink.write(buffer.bytes[buffer.headerRange])
        for c in columns {
            sink.write(delimiter)
            sink.write(quoteIfNeeded(c.name).utf8)
        }
        sink.write(eol)
        for r in 0..<buffer.rowCount {
            sink.write(buffer.rawRecord(r))
            for c in columns {
                sink.write(delimiter)
                sink.write(WeightedFileWriter.format(c.values[r], decimalComma: decimalComma).utf8)
            }
            sink.write(eol)
        }
    }

    func quoteIfNeeded(_ s: String) -> String { WeightedFileWriter.quoteIfNeeded(s, delimiter: buffer.delimiter) }

    /// A column name as written in a header: quoted (RFC 4180) when it holds the delimiter, a quote or a line break.
    static func quoteIfNeeded(_ s: String, delimiter: UInt8) -> String {
        let special: Set<UInt8> = [delimiter, 0x22, 0x0A, 0x0D]
        guard s.utf8.contains(where: { special.contains($0) }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A data file written back with new numeric columns: ``WeightedFileWriter`` (file in memory) or
/// ``StreamingWeightedFileWriter`` (file read again in chunks).
public protocol WeightedOutput: Sendable {
    /// Appends columns and writes the file to `path` atomically (never over an input).
    func write(columns: [(name: String, values: [Double])], to path: String, otherInputs: [String]) throws
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
