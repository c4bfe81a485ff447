/// The records of a column source at some rows, in a given order: the lazy columns of a subset
/// (``Table/subset(_:)``) of a table whose source converts columns at a cost (a streamed file, read again for
/// a column it did not keep), so that a subset converts only the columns asked for.
///
/// A column is converted when first asked for exactly as a subset converting every column at once does: the
/// parent's levels at the chosen rows, encoded again in their order of first appearance there (kept for later
/// requests); numbers parsed from those levels, the first level that is not a number named at its first record
/// (``Table/parsedLevels(_:decimalComma:location:)``). Messages name the parent's file, line and column.
///
/// - Complexity: O(rows) per column the first time it is asked for (levels) and each time it is read as
///   numbers; memory 8 bytes a row for the row numbers plus 4 a row for each column asked for as levels.
final class SubsetTextSource: TextColumnSource, @unchecked Sendable {
    /// The source the rows are taken from.
    let parent: any TextColumnSource
    /// The parent's row of each record.
    let rows: [Int]
    private let lock = NSLockLike()
    private var levels: [Int: CategoricalColumn] = [:]

    /// The records of `parent` at `rows`, in that order.
    init(parent: any TextColumnSource, rows: [Int]) {
        self.parent = parent
        self.rows = rows
    }

    var file: String { parent.file }
    var header: [String] { parent.header }
    var rowCount: Int { rows.count }
    /// A subset of this subset stays lazy too.
    var subsetsLazily: Bool { true }

    func line(ofRecord row: Int) -> Int { parent.line(ofRecord: rows[row]) }

    func location(row: Int, column: Int) -> SourceLocation { parent.location(row: rows[row], column: column) }

    func categorical(column: Int) -> CategoricalColumn {
        if let known = lock.locked({ levels[column] }) { return known }
        let whole = parent.categorical(column: column)
        let c = CategoricalColumn(rows.map { whole[$0] })
        lock.locked { levels[column] = c }
        return c
    }

    func numeric(column: Int, decimalComma: Bool) throws -> NumericColumn {
        try Table.parsedLevels(categorical(column: column), decimalComma: decimalComma) { location(row: $0, column: column) }
    }
}
