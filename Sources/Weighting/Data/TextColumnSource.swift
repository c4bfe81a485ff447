/// Columns kept as text until a method asks for them: the backing of a ``Table`` read from a file.
///
/// `WeightingIO`'s `CSVBuffer` is the one conformance; the protocol keeps the statistics module free of file
/// reading while a table still converts only the columns it uses and names the file, line and column of a bad
/// value.
package protocol TextColumnSource: AnyObject, Sendable {
    /// The file as the user named it.
    var file: String { get }
    /// Column names, in order.
    var header: [String] { get }
    /// Number of records.
    var rowCount: Int { get }
    /// Physical line of record `row` (the header is line 1).
    func line(ofRecord row: Int) -> Int
    /// The column dictionary-encoded (levels in order of first appearance, missing tokens missing).
    func categorical(column: Int) -> CategoricalColumn
    /// The column parsed as numbers, missing values NaN; throws ``DataError`` naming the cell of a bad value.
    func numeric(column: Int, decimalComma: Bool) throws -> NumericColumn
    /// Where a cell sits, for messages.
    func location(row: Int, column: Int) -> SourceLocation
    /// Whether a subset of a table over this source (``Table/subset(_:)``) should keep its columns lazy,
    /// converting each when first asked for (``SubsetTextSource``), rather than converting every column at once:
    /// true for a source that converts columns at a cost (a file read again for each column it did not keep).
    var subsetsLazily: Bool { get }
}

extension TextColumnSource {
    /// Subsets convert every column at once by default (a file held in memory converts them cheaply).
    package var subsetsLazily: Bool { false }
}

/// Where the records of a table read column by column from a file stand in that file.
package protocol StreamedRecords: Sendable {
    /// The file as the user named it.
    var file: String { get }
    /// The file's whole header (the table keeps only some columns).
    var header: [String] { get }
    /// Physical line of each record.
    var lines: [UInt32] { get }
}
