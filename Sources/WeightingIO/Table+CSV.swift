import Weighting

extension Table {
    /// Reads a delimited file; its columns stay text until a method asks for them.
    ///
    /// - Throws: ``DataError`` naming the file, line and column of a malformed file.
    public init(contentsOf path: String, dialect: CSVDialect = CSVDialect()) throws {
        let buffer = try CSVBuffer(contentsOf: path, dialect: dialect)
        self.init(buffer: buffer, dialect: dialect)
    }

    /// A table over an already split file.
    public init(buffer: CSVBuffer, dialect: CSVDialect = CSVDialect()) {
        self.init(text: buffer, decimalComma: dialect.decimalComma)
    }

    /// The file the table was read from, when it was read whole from one.
    public var buffer: CSVBuffer? { textSource as? CSVBuffer }

    /// The file the table (or the table it is a subset of) was read from.
    public var sourceBuffer: CSVBuffer? { (textSource ?? parentTextSource) as? CSVBuffer }
}

extension CSVBuffer: TextColumnSource {
    /// Physical line of record `row` (the header is line 1).
    package func line(ofRecord row: Int) -> Int { Int(lines[row]) }
}
