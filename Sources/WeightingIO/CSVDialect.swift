import Weighting

/// How a delimited text file is written: its delimiter and its decimal mark.
public struct CSVDialect: Sendable, Equatable {
    /// The field delimiter, or `nil` to detect it from the header line (`,` `;` or tab).
    public var delimiter: UInt8?
    /// `true` when numbers use a decimal comma (`3,14`), common in French exports (then use `;` as delimiter).
    public var decimalComma: Bool

    /// Creates a dialect. By default the delimiter is detected and the decimal mark is a point.
    public init(delimiter: UInt8? = nil, decimalComma: Bool = false) {
        self.delimiter = delimiter
        self.decimalComma = decimalComma
    }

    /// Tokens read as a missing value (besides the empty field).
    public static var missingTokens: Set<String> { CategoricalColumn.missingTokens }

    /// The length in bytes of the longest of ``missingTokens``.
    static let longestMissingToken = missingTokens.map(\.utf8.count).max() ?? 0

    /// The delimiter most frequent outside quotes in the first line: `,`, `;` or tab; `,` when none occurs.
    static func detectDelimiter(in firstLine: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, UInt8(ascii: "\t"): 0]
        var inQuotes = false
        for b in firstLine {
            if b == UInt8(ascii: "\"") { inQuotes.toggle(); continue }
            if !inQuotes, counts[b] != nil { counts[b]! += 1 }
        }
        let order: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
        var best = order[0], bestCount = 0
        for d in order where counts[d]! > bestCount { best = d; bestCount = counts[d]! }
        return best
    }
}
