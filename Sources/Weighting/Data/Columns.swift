/// A categorical variable: each record's level as a code into `levels`, `CategoricalColumn.missing` when absent.
public struct CategoricalColumn: Sendable, Equatable {
    /// Code of a missing value.
    public static let missing = UInt32.max
    /// Text read as a missing value, in a categorical or a numeric column (besides the empty field).
    public static let missingTokens: Set<String> = ["NA", "N/A", "NaN", "nan", "null", "NULL"]
    /// Level code of each record.
    public var codes: [UInt32]
    /// The distinct levels, in order of first appearance (or as given).
    public var levels: [String]

    /// Creates a column from codes and levels.
    public init(codes: [UInt32], levels: [String]) {
        self.codes = codes
        self.levels = levels
    }

    /// Encodes text values; `nil`, empty strings and the dialect's missing tokens become missing.
    public init(_ values: [String?]) {
        var index: [String: UInt32] = [:]
        var levels: [String] = []
        var codes = [UInt32](repeating: CategoricalColumn.missing, count: values.count)
        for (i, v) in values.enumerated() {
            guard let v, !v.isEmpty, !CategoricalColumn.missingTokens.contains(v) else { continue }
            if let c = index[v] { codes[i] = c } else {
                let c = UInt32(levels.count)
                index[v] = c
                levels.append(v)
                codes[i] = c
            }
        }
        self.codes = codes
        self.levels = levels
    }

    /// Number of records.
    public var count: Int { codes.count }
    /// Number of missing values.
    public var missingCount: Int { codes.reduce(0) { $0 + ($1 == CategoricalColumn.missing ? 1 : 0) } }
    /// The level of record `i`, or `nil` when missing.
    public subscript(i: Int) -> String? { codes[i] == CategoricalColumn.missing ? nil : levels[Int(codes[i])] }
}

/// A numeric variable; a missing value is stored as NaN (never written out).
public struct NumericColumn: Sendable, Equatable {
    /// Values, NaN where missing.
    public var values: [Double]

    /// Creates a column; pass `.nan` for missing values.
    public init(_ values: [Double]) { self.values = values }

    /// Number of records.
    public var count: Int { values.count }
    /// Number of missing values.
    public var missingCount: Int { values.reduce(0) { $0 + ($1.isNaN ? 1 : 0) } }

    /// Equal values, NaN (missing) equal to NaN.
    public static func == (a: NumericColumn, b: NumericColumn) -> Bool {
        a.values.count == b.values.count && zip(a.values, b.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
}
