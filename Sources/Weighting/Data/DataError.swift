/// Where in an input file a problem sits: file, physical line (1-based) and column (1-based, with its name).
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    /// The file as the user named it.
    public var file: String
    /// Physical line number, 1-based (the header is line 1).
    public var line: Int
    /// Column number, 1-based, when the problem is in one field.
    public var column: Int?
    /// Column name from the header, when known.
    public var columnName: String?

    /// Creates a location.
    public init(file: String, line: Int, column: Int? = nil, columnName: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
    }

    /// The message shown to the user: what went wrong, where, and what to do about it.
    public var description: String {
        var s = "\(file):\(line)"
        if let column {
            s += ":\(column)"
            if let columnName { s += " (column \(Echo.quoted(columnName)))" }
        }
        return s
    }
}

/// Problems found while reading or writing delimited text files.
public enum DataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case cannotRead(file: String, reason: String)
    /// The file could not be written.
    case cannotWrite(file: String, reason: String)
    /// The file holds no bytes (or only a byte-order mark / blank lines).
    case emptyFile(file: String)
    /// The file has a header line and no data rows.
    case noDataRows(file: String)
    /// Bytes that are not valid UTF-8 (often a Latin-1 / Windows-1252 export).
    case invalidUTF8(SourceLocation, byte: UInt8)
    /// The file is UTF-16 text (a byte-order mark, or NUL bytes every other byte), not UTF-8.
    case utf16(file: String, bigEndian: Bool, byteOrderMark: Bool)
    /// A quoted field is never closed.
    case unterminatedQuote(SourceLocation)
    /// A quote character appears inside an unquoted field, or text follows a closing quote.
    case strayQuote(SourceLocation)
    /// A row has a different number of fields than the header.
    case raggedRow(SourceLocation, expected: Int, found: Int)
    /// Two header columns have the same name.
    case duplicateColumn(file: String, name: String, columns: [Int])
    /// A header column has an empty name.
    case emptyColumnName(file: String, column: Int)
    /// A named column does not exist.
    case unknownColumn(file: String, name: String, available: [String])
    /// A value that should be a number is not one.
    case notANumber(SourceLocation, value: String)
    /// A number that is infinite or does not fit in a double.
    case nonFiniteNumber(SourceLocation, value: String)
    /// The output would overwrite an input file (no longer thrown: `WeightingIO`'s `OutputPlan` throws
    /// `OutputPathError.outputIsInput(output:input:)`, which names both; kept for source compatibility).
    case outputIsInput(file: String)
    /// A file read twice (streamed) was modified between the two readings.
    case changedWhileReading(file: String)
    /// A table built in code has columns of different lengths.
    case columnLengthMismatch(table: String, column: String, expected: Int, found: Int, firstColumn: String)

    /// The message shown to the user: what went wrong, where, and what to do about it.
    public var description: String {
        switch self {
        case .cannotRead(let f, let r): return "cannot read \(f): \(r)"
        case .cannotWrite(let f, let r): return "cannot write \(f): \(r)"
        case .emptyFile(let f): return "\(f): the file is empty"
        case .noDataRows(let f): return "\(f): the file has a header but no data rows"
        case .invalidUTF8(let loc, let b):
            return "\(loc): byte 0x\(String(b, radix: 16, uppercase: true)) is not valid UTF-8; the file looks like Latin-1 or Windows-1252: convert it first, e.g. iconv -f WINDOWS-1252 -t UTF-8"
        case .utf16(let f, let be, let bom):
            let how = bom ? "its byte-order mark \(be ? "FE FF" : "FF FE") says so" : "every other byte is NUL"
            return "\(f): the file is UTF-16 (\(be ? "big" : "little")-endian: \(how)), not UTF-8; save it as CSV UTF-8, or convert it first, e.g. iconv -f UTF-16 -t UTF-8 \(f) > converted.csv"
        case .unterminatedQuote(let loc): return "\(loc): a quoted field opened here is never closed (unbalanced quote)"
        case .strayQuote(let loc): return "\(loc): unexpected quote character; quote the whole field and double inner quotes (RFC 4180)"
        case .raggedRow(let loc, let e, let f):
            return "\(loc): expected \(e) fields as in the header, found \(f) (truncated or ragged row, or wrong delimiter?)"
        case .columnLengthMismatch(let t, let c, let e, let f, let first):
            return "\(t): column \(Echo.quoted(c)) has \(f) values but column \(Echo.quoted(first)) has \(e); every column of a table needs one value per record"
        case .duplicateColumn(let f, let n, let cols):
            return "\(f): column name \(Echo.quoted(n)) appears more than once (columns \(cols.map(String.init).joined(separator: ", ")))"
        case .emptyColumnName(let f, let c): return "\(f): column \(c) of the header has an empty name"
        case .unknownColumn(let f, let n, let avail):
            return "\(f): no column named \(Echo.quoted(n)) (columns are: \(Echo.list(avail)))"
        case .notANumber(let loc, let v): return "\(loc): \(Echo.quoted(v)) is not a number"
        case .nonFiniteNumber(let loc, let v): return "\(loc): \(Echo.quoted(v)) is not a finite number"
        case .outputIsInput(let f): return "\(f): the output file is also an input file; refusing to overwrite it"
        case .changedWhileReading(let f):
            return "\(f) changed while it was being weighted (it is read twice: to calibrate, then to copy its rows); nothing was written, run again once it no longer changes"
        }
    }
}
