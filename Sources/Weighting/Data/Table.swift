/// Survey records as named columns, read from a delimited file or built in code.
///
/// Columns read from a file stay as text until asked for: `categorical(_:)` dictionary-encodes a column and
/// `numeric(_:)` parses it, each with errors that name the file, line and column. Only the columns a method
/// uses are ever converted, so a wide file costs little more than its reading.
public struct Table: Sendable {
    package enum Storage: Sendable {
        case text(any TextColumnSource, Int)
        case numeric(NumericColumn)
        case categorical(CategoricalColumn)
        /// Numeric codes with value labels (SPSS, Stata, SAS): numbers as numbers, levels by label.
        case labelled(NumericColumn, [Double: String])
    }

    /// Column names, in order.
    public internal(set) var names: [String]
    package var storage: [Storage]
    /// Number of records.
    public let rowCount: Int
    /// Name used in messages (the file path, or "table").
    public let source: String
    /// The file the table was read from, when it was read from one (`WeightingIO`'s `buffer`).
    package let textSource: (any TextColumnSource)?
    /// Whether numbers in text columns use a decimal comma (a subset keeps its table's).
    package internal(set) var decimalComma: Bool
    /// For a subset: the row of each record in the original file, so messages still name the right line.
    var rowMap: [Int]?
    /// For a subset: the file it came from.
    package var parentTextSource: (any TextColumnSource)?

    /// For a table read column by column from a streamed file: where its records stand in that file.
    package var streamOrigin: (any StreamedRecords)?

    /// For a table made by ``subset(_:)``: the row of each record in the original file.
    public var sourceRows: [Int]? { rowMap }

    /// A table over the text columns of a file, each converted when first asked for.
    package init(text source: any TextColumnSource, decimalComma: Bool) {
        self.names = source.header
        self.storage = (0..<source.header.count).map { .text(source, $0) }
        self.rowCount = source.rowCount
        self.source = source.file
        self.textSource = source
        self.decimalComma = decimalComma
    }

    /// A table of columns already converted, read from a streamed file (`WeightingIO`'s `Table(streaming:)`).
    package init(names: [String], storage: [Storage], rowCount: Int, source: String, decimalComma: Bool,
                 streamOrigin: any StreamedRecords) {
        self.names = names
        self.storage = storage
        self.rowCount = rowCount
        self.source = source
        self.textSource = nil
        self.decimalComma = decimalComma
        self.streamOrigin = streamOrigin
    }

    /// A table built in code. All columns must have the same length.
    ///
    /// ```swift
    /// let sample = try Table(["region": .categorical(["N", "S", "S"]), "d": .numeric([10, 12, 8])])
    /// ```
    ///
    /// - Throws: ``DataError/columnLengthMismatch(table:column:expected:found:firstColumn:)`` when the columns
    ///   differ in length, ``DataError/duplicateColumn(file:name:columns:)`` when a name is repeated.
    public init(_ columns: KeyValuePairs<String, TableColumn>, source: String = "table") throws {
        try self.init(columns: columns.map { ($0.key, $0.value) }, source: source)
    }

    /// A table built in code from an ordered list of named columns.
    ///
    /// - Throws: ``DataError/columnLengthMismatch(table:column:expected:found:firstColumn:)`` when the columns
    ///   differ in length, ``DataError/duplicateColumn(file:name:columns:)`` when a name is repeated.
    public init(columns: [(String, TableColumn)], source: String = "table") throws {
        let n = columns.first.map { $0.1.count } ?? 0
        if let bad = columns.first(where: { $0.1.count != n }) {
            throw DataError.columnLengthMismatch(table: source, column: bad.0, expected: n, found: bad.1.count,
                                                 firstColumn: columns[0].0)
        }
        var seen: [String: Int] = [:]
        for (j, c) in columns.enumerated() {
            if let first = seen[c.0] { throw DataError.duplicateColumn(file: source, name: c.0, columns: [first + 1, j + 1]) }
            seen[c.0] = j
        }
        self.names = columns.map(\.0)
        self.storage = columns.map {
            switch $0.1 {
            case .numeric(let v): return .numeric(NumericColumn(v))
            case .categorical(let v): return .categorical(CategoricalColumn(v))
            }
        }
        self.rowCount = n
        self.source = source
        self.textSource = nil
        self.decimalComma = false
    }

    /// Every column name of the file the table was read from, in order (a streamed table keeps only some of
    /// them as ``names``); the table's own names when it was built in code.
    public var fileColumns: [String] { streamOrigin?.header ?? textSource?.header ?? names }

    /// Whether a column exists.
    public func has(_ name: String) -> Bool { names.contains(name) }

    /// Index of a column, or an error that lists the available ones.
    public func index(of name: String) throws -> Int {
        if let i = names.firstIndex(of: name) { return i }
        throw DataError.unknownColumn(file: source, name: name, available: names)
    }

    /// Location of a cell for messages.
    public func location(row: Int, column: Int) -> SourceLocation {
        // A column added after reading (``setNumeric(_:_:)``, ``setCategorical(_:_:)``) has no place in the file.
        if let textSource, column < textSource.header.count { return textSource.location(row: row, column: column) }
        if let o = streamOrigin {
            let j = o.header.firstIndex(of: names[column]) ?? column
            return SourceLocation(file: o.file, line: Int(o.lines[row]), column: j + 1, columnName: names[column])
        }
        if let parentTextSource, let rowMap, let j = parentTextSource.header.firstIndex(of: names[column]) {
            return parentTextSource.location(row: rowMap[row], column: j)
        }
        return SourceLocation(file: source, line: row + 2, column: column + 1, columnName: names[column])
    }

    /// Adds (or replaces) a numeric column.
    public mutating func setNumeric(_ name: String, _ values: [Double]) {
        precondition(values.count == rowCount)
        if let i = names.firstIndex(of: name) { storage[i] = .numeric(NumericColumn(values)) } else {
            names.append(name)
            storage.append(.numeric(NumericColumn(values)))
        }
    }

    /// Adds (or replaces) a categorical column.
    public mutating func setCategorical(_ name: String, _ column: CategoricalColumn) {
        precondition(column.count == rowCount)
        if let i = names.firstIndex(of: name) { storage[i] = .categorical(column) } else {
            names.append(name)
            storage.append(.categorical(column))
        }
    }

    /// The column as a categorical variable (text levels; numbers keep their text as written in the file).
    public func categorical(_ name: String) throws -> CategoricalColumn {
        let j = try index(of: name)
        switch storage[j] {
        case .categorical(let c): return c
        case .numeric(let v):
            return CategoricalColumn(v.values.map { $0.isNaN ? nil : Table.format($0) })
        case .text(let buffer, let column):
            return buffer.categorical(column: column)
        case .labelled(let v, let labels):
            return Table.labelledLevels(v, labels)
        }
    }

    /// The column as numbers; missing values are NaN. Fails on text that is not a number.
    public func numeric(_ name: String) throws -> NumericColumn {
        let j = try index(of: name)
        switch storage[j] {
        case .numeric(let v): return v
        case .labelled(let v, let labels):
            // A labelled variable is categorical (its levels are its labels): not a number, like a text column.
            if let i = v.values.firstIndex(where: { labels[$0] != nil }) {
                throw DataError.notANumber(location(row: i, column: j), value: labels[v.values[i]]!)
            }
            return v
        case .categorical(let c):
            return try Table.parsedLevels(c, decimalComma: decimalComma) { location(row: $0, column: j) }
        case .text(let buffer, let column):
            return try buffer.numeric(column: column, decimalComma: decimalComma)
        }
    }

    /// A categorical column read as numbers: each level parsed once, missing values NaN.
    ///
    /// - Parameter location: where a record's cell sits, to name the first record of the first level that is
    ///   not a number (levels are in order of first appearance, so it is the first such record).
    /// - Throws: ``DataError/notANumber(_:value:)``.
    static func parsedLevels(_ c: CategoricalColumn, decimalComma: Bool,
                             location: (Int) -> SourceLocation) throws -> NumericColumn {
        var out = [Double](repeating: .nan, count: c.codes.count)
        var parsedLevels: [Double] = []
        for (k, level) in c.levels.enumerated() {
            guard let x = NumberParser.parse(level, decimalComma: decimalComma) else {
                let row = c.codes.firstIndex(of: UInt32(k)) ?? 0
                throw DataError.notANumber(location(row), value: level)
            }
            parsedLevels.append(x)
        }
        for i in c.codes.indices where c.codes[i] != CategoricalColumn.missing { out[i] = parsedLevels[Int(c.codes[i])] }
        return NumericColumn(out)
    }

    /// Shortest text that reads back as the same double (integers without a decimal point): the name kept for
    /// ``NumberFormat/shortest(_:)``.
    public static func format(_ x: Double) -> String { NumberFormat.shortest(x) }
}

/// A column given in code when building a ``Table``.
public enum TableColumn: Sendable {
    /// Numbers; NaN for missing.
    case numeric([Double])
    /// Text levels; `nil` for missing.
    case categorical([String?])

    var count: Int {
        switch self {
        case .numeric(let v): return v.count
        case .categorical(let v): return v.count
        }
    }
}

extension Table {
    /// The records at `rows`, in that order, every column kept (as text levels; numeric columns still parse).
    ///
    /// The columns of a source that converts them at a cost (a file read in chunks, `WeightingIO`'s
    /// `Table(streamingColumns:)`) stay lazy, each converted when first asked for, with the same levels,
    /// numbers and errors as a subset converting every column at once. Numbers keep the table's decimal mark.
    public func subset(_ rows: [Int]) throws -> Table {
        if storage.contains(where: { if case .text(let s, _) = $0 { return s.subsetsLazily }; return false }) {
            return try lazySubset(rows)
        }
        var columns: [(String, TableColumn)] = []
        for name in names {
            let c = try categorical(name)
            columns.append((name, .categorical(rows.map { c[$0] })))
        }
        var t = try Table(columns: columns, source: source)
        t.decimalComma = decimalComma  // levels keep the file's text: "1,5" is a number in a decimal-comma file
        t.rowMap = rows.map { rowMap?[$0] ?? $0 }
        t.parentTextSource = textSource ?? parentTextSource
        return t
    }

    /// ``subset(_:)`` with the columns of a lazily subset source left as text of a ``SubsetTextSource`` (one per
    /// source), the others converted at once as ``subset(_:)`` does. Like ``subset(_:)``'s table, the result
    /// reads numbers with its table's decimal mark.
    private func lazySubset(_ rows: [Int]) throws -> Table {
        var sources: [ObjectIdentifier: SubsetTextSource] = [:]
        var columns: [Storage] = []
        for (j, name) in names.enumerated() {
            if case .text(let s, let column) = storage[j], s.subsetsLazily {
                let subset = sources[ObjectIdentifier(s)] ?? SubsetTextSource(parent: s, rows: rows)
                sources[ObjectIdentifier(s)] = subset
                columns.append(.text(subset, column))
            } else {
                let c = try categorical(name)
                columns.append(.categorical(CategoricalColumn(rows.map { c[$0] })))
            }
        }
        var t = Table(statColumns: names, storage: columns, rowCount: rows.count, source: source)
        t.decimalComma = decimalComma
        t.rowMap = rows.map { rowMap?[$0] ?? $0 }
        t.parentTextSource = textSource ?? parentTextSource
        return t
    }
}

extension Table {
    /// Whether the table was read column by column from a streamed file (`WeightingIO`'s `Table(streaming:)`).
    public var isStreamed: Bool { streamOrigin != nil }

    /// The physical line of record `row` in the file it was read from (`row + 2` for a table built in code).
    public func line(ofRow row: Int) -> Int {
        if let textSource { return textSource.line(ofRecord: row) }
        if let o = streamOrigin { return Int(o.lines[row]) }
        if let parentTextSource, let rowMap { return parentTextSource.line(ofRecord: rowMap[row]) }
        return row + 2
    }
}
