import Weighting
/// A value of a statistical package's file as it is declared in its dictionary: the key of a value label or a
/// bound of a user-missing range.
public enum StatValue: Sendable, Hashable {
    /// A number (SPSS, Stata and SAS numeric values alike).
    case number(Double)
    /// A string.
    case text(String)
    /// A tagged missing value: Stata `.a`–`.z`, SAS `.A`–`.Z` and `._`.
    case tagged(Character)

    /// The value as written in a margins file: integers without a decimal point, text as it is, `.a` for a tag.
    public var text: String {
        switch self {
        case .number(let x): return Table.format(x)
        case .text(let s): return s
        case .tagged(let c): return ".\(c)"
        }
    }
}

/// A set of value labels (SPSS `VALUE LABELS`, a Stata label set, a SAS format catalogue entry), shared by the
/// variables that point to it by name.
public struct ValueLabelSet: Sendable, Equatable {
    /// The set's name (in Stata the label name; in SPSS ReadStat names them `labels0`, `labels1`, ...).
    public var name: String
    /// Whether the labelled values are strings.
    public var isText: Bool
    /// Value and label, in the order of the file.
    public var labels: [(value: StatValue, label: String)]

    /// Creates a set.
    public init(name: String, isText: Bool, labels: [(value: StatValue, label: String)] = []) {
        self.name = name
        self.isText = isText
        self.labels = labels
    }

    /// The label of each number (tagged and text values left out).
    public var numericLabels: [Double: String] {
        var out: [Double: String] = [:]
        for (v, l) in labels { if case .number(let x) = v, out[x] == nil { out[x] = l } }
        return out
    }

    /// The label of each text value.
    public var textLabels: [String: String] {
        var out: [String: String] = [:]
        for (v, l) in labels { if case .text(let s) = v, out[s] == nil { out[s] = l } }
        return out
    }

    public static func == (a: ValueLabelSet, b: ValueLabelSet) -> Bool {
        a.name == b.name && a.isText == b.isText && a.labels.count == b.labels.count
            && zip(a.labels, b.labels).allSatisfy { $0.value == $1.value && $0.label == $1.label }
    }
}

/// One variable of a statistical package's file, with everything its dictionary says about it.
public struct StatVariable: Sendable, Equatable {
    /// Name.
    public var name: String
    /// Position in the file (0-based).
    public var index: Int
    /// Whether it holds strings.
    public var isText: Bool
    /// ReadStat's storage type (`readstat_type_t`: string, int8, int16, int32, float, double, string reference).
    public var storageType: UInt32
    /// Bytes of storage (the declared length of a string variable).
    public var storageWidth: Int
    /// Display width (0 when not declared).
    public var displayWidth: Int
    /// Variable label, if any.
    public var label: String?
    /// Display format (`F8.2`, `DATE11`, `%9.0g`, `DATE9.`, ...), if any.
    public var format: String?
    /// Name of its value label set, if any.
    public var labelSet: String?
    /// Measurement level (`readstat_measure_t`: unknown, nominal, ordinal, scale).
    public var measure: UInt32
    /// Alignment (`readstat_alignment_t`).
    public var alignment: UInt32
    /// User-defined missing values (SPSS `MISSING VALUES`): single values have `low == high`.
    public var missingRanges: [ClosedMissingRange]

    /// A user-missing range (SPSS allows one range and one value, or up to three values).
    public struct ClosedMissingRange: Sendable, Equatable {
        /// Lower bound.
        public var low: StatValue
        /// Upper bound (the lower one for a single value).
        public var high: StatValue
    }
}

/// The dictionary of a statistical package's file: its variables and value labels, and how it was stored.
public struct StatFileMetadata: Sendable, Equatable {
    /// The file's format.
    public var format: DataFileFormat
    /// Number of records the header declares (-1 when it does not say).
    public var rowCount: Int
    /// Variables, in file order.
    public var variables: [StatVariable]
    /// Value label sets by name.
    public var labelSets: [String: ValueLabelSet]
    /// File label, if any.
    public var fileLabel: String?
    /// Character encoding the file declares (e.g. `UTF-8`, `WINDOWS-1252`), if any; text is decoded from it.
    public var encoding: String?
    /// Format version (Stata 104-119, SPSS 2 or 3, SAS XPORT 5 or 8).
    public var version: Int
    /// Compression (`readstat_compress_t`: none, rows, binary).
    public var compression: UInt32
    /// Table name (SAS, XPORT), if any.
    public var tableName: String?
    /// Notes (documents) of the file, in order.
    public var notes: [String]

    /// The variable named `name`, if any.
    public func variable(_ name: String) -> StatVariable? { variables.first { $0.name == name } }

    /// The value labels of a variable, if it has any.
    public func labels(of name: String) -> ValueLabelSet? {
        variable(name)?.labelSet.flatMap { labelSets[$0] }
    }
}
