import Weighting
import CReadStat

/// An SPSS, Stata or SAS file a table was read from: enough to write it back with new columns
/// (``StatFileWriter``) and to name its levels by label or code (``ValueLabelResolution``).
public struct StatFileSource: Sendable {
    /// The file.
    public let path: String
    /// Its format.
    public let format: DataFileFormat
    /// Its dictionary.
    public let metadata: StatFileMetadata
    /// Number of records read.
    public let rowCount: Int
    /// The file's state when it was read (a file changed before it is read again is refused).
    let signature: FileSignature
}

extension Table {
    /// Reads the variables of an SPSS, Stata or SAS file into typed columns, by ReadStat's callbacks, keeping
    /// only the named variables (all of them when `variables` is `nil`): memory holds those columns, never the
    /// whole file.
    ///
    /// Columns are typed as a statistician reads the file:
    /// - string variables are categorical (empty strings and user-missing strings are missing);
    /// - numeric variables whose every non-missing value has a value label are categorical with their **labels**
    ///   as levels (asking such a column for numbers is refused, as for a text column); numeric variables with
    ///   unlabelled values are numbers, their labels marking a few special codes (a scale 1–5 with
    ///   `8 = "Sans avis"`). The measurement level is not used: R haven marks every numeric variable *scale*;
    /// - other numeric variables (dates included: SPSS seconds since 1582-10-14, Stata days since 1960-01-01,
    ///   SAS days since 1960-01-01) are numbers;
    /// - system-missing, tagged (Stata `.a`–`.z`, SAS `.A`–`.Z`) and user-defined missing values (SPSS
    ///   `MISSING VALUES`) are missing (NaN, or no level).
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - format: its format (one of ReadStat's).
    ///   - variables: the variables to keep, or `nil` for all.
    /// - Returns: the table, and the file's dictionary for writing it back.
    /// - Throws: ``DataError/cannotRead(file:reason:)`` if the file cannot be opened,
    ///   ``DataError/unknownColumn(file:name:available:)`` for a variable the file lacks, ``StatFileError``
    ///   when ReadStat refuses the file (truncated, not of the format, unsupported version).
    public static func read(statFile path: String, format: DataFileFormat, variables: [String]? = nil) throws
        -> (table: Table, source: StatFileSource)
    {
        let signature = try FileSignature(path: path)
        let reader = StatFileReader(path: path, format: format)
        let wanted = variables.map { Set($0) }
        let columns = StatColumnsBuilder()
        let context = StatFileReader.Context(format: format, wanted: wanted) { obs, index, variable, value in
            columns.add(obs: obs, index: index, variable: variable, value: value)
            return true
        }
        let metadata = try reader.parse(wanted: wanted, context: context)
        let available = metadata.variables.map(\.name)
        for name in variables ?? [] where !available.contains(name) {
            throw DataError.unknownColumn(file: path, name: name, available: available)
        }
        let rowCount = columns.rowCount(declared: metadata.rowCount)
        guard rowCount < Int(UInt32.max) else { throw StatFileError.tooManyRecords(file: path) }
        var names: [String] = []
        var storage: [Storage] = []
        let order = (variables ?? available).uniqued()
        for name in order {
            guard let v = metadata.variable(name) else { continue }
            names.append(name)
            if v.isText {
                var c = columns.text[v.index] ?? CategoricalColumn(codes: [], levels: [])
                c.codes.append(contentsOf: repeatElement(CategoricalColumn.missing, count: rowCount - c.codes.count))
                storage.append(.categorical(c))
            } else {
                var values = columns.numbers[v.index] ?? []
                values.append(contentsOf: repeatElement(Double.nan, count: rowCount - values.count))
                let labels = metadata.labels(of: name)?.numericLabels ?? [:]
                let categorical = !labels.isEmpty && values.allSatisfy { $0.isNaN || labels[$0] != nil }
                storage.append(categorical ? .labelled(NumericColumn(values), labels) : .numeric(NumericColumn(values)))
            }
        }
        let source = StatFileSource(path: path, format: format, metadata: metadata, rowCount: rowCount, signature: signature)
        return (Table(statColumns: names, storage: storage, rowCount: rowCount, source: path), source)
    }
}

/// Collects the delivered values into columns, record by record.
final class StatColumnsBuilder {
    var numbers: [Int: [Double]] = [:]
    var text: [Int: CategoricalColumn] = [:]
    var textIndex: [Int: [String: UInt32]] = [:]
    var maxObs = -1

    func add(obs: Int, index: Int, variable: UnsafeMutablePointer<readstat_variable_t>, value: readstat_value_t) {
        if obs > maxObs { maxObs = obs }
        let missing = readstat_value_is_missing(value, variable) != 0
        if readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING {
            var column = text.removeValue(forKey: index) ?? CategoricalColumn(codes: [], levels: [])
            while column.codes.count < obs { column.codes.append(CategoricalColumn.missing) }
            var code = CategoricalColumn.missing
            if !missing, let p = readstat_string_value(value), p.pointee != 0 {
                let s = String(cString: p).trimmingCharacters(in: " ")
                if !s.isEmpty && !CSVDialect.missingTokens.contains(s) {
                    if let c = textIndex[index]?[s] { code = c } else {
                        code = UInt32(column.levels.count)
                        column.levels.append(s)
                        textIndex[index, default: [:]][s] = code
                    }
                }
            }
            column.codes.append(code)
            text[index] = column
        } else {
            let x = missing ? Double.nan : readstat_double_value(value)
            numbers[index, default: []].append(x)
        }
    }

    /// Records read: the declared count, or the largest record index seen plus one.
    func rowCount(declared: Int) -> Int { max(maxObs + 1, declared >= 0 && maxObs < 0 ? declared : 0) }
}

extension String {
    /// The string without leading and trailing occurrences of one character.
    func trimmingCharacters(in character: Character) -> String {
        var s = Substring(self)
        while s.first == character { s.removeFirst() }
        while s.last == character { s.removeLast() }
        return String(s)
    }
}
