import Weighting
import CReadStat

/// Reads an SPSS, Stata or SAS file through ReadStat, by callbacks: the dictionary (variables, labels, missing
/// definitions) and then each record's values, one at a time, so that memory holds only what the caller keeps.
///
/// Text is delivered in UTF-8, decoded from the encoding the file declares (SPSS code page or encoding record,
/// SAS encoding byte); Stata files before version 118 declare none and are read as Windows-1252 (a superset of
/// Latin-1), as Stata itself wrote them.
struct StatFileReader {
    /// The file.
    let path: String
    /// Its format (must be one of ReadStat's).
    let format: DataFileFormat

    /// What the parse delivers to the caller.
    final class Context {
        var metadata: StatFileMetadata
        /// Variables whose values are delivered (`nil`: all).
        let wanted: Set<String>?
        /// Called for every delivered value: record, variable index, the variable, the value.
        let onValue: (Int, Int, UnsafeMutablePointer<readstat_variable_t>, readstat_value_t) -> Bool
        var variablePointers: [UnsafeMutablePointer<readstat_variable_t>?] = []
        var errorText: String?
        var aborted: Error?

        init(format: DataFileFormat, wanted: Set<String>?,
             onValue: @escaping (Int, Int, UnsafeMutablePointer<readstat_variable_t>, readstat_value_t) -> Bool) {
            self.metadata = StatFileMetadata(format: format, rowCount: -1, variables: [], labelSets: [:], fileLabel: nil,
                                             encoding: nil, version: 0, compression: 0, tableName: nil, notes: [])
            self.wanted = wanted
            self.onValue = onValue
        }
    }

    /// Parses the file, delivering the dictionary and then the values of the wanted variables.
    ///
    /// - Parameters:
    ///   - wanted: names of the variables whose values are delivered (`nil`: every variable); the others are
    ///     skipped by ReadStat without being decoded.
    ///   - onValue: called for each value in record order, then variable order; returning `false` stops the
    ///     parse (the error is then the one stored in `context.aborted` by the caller).
    /// - Returns: the file's dictionary.
    /// - Throws: ``DataError/cannotRead(file:reason:)`` when the file cannot be opened, ``StatFileError`` when
    ///   ReadStat refuses it, or the error the caller stored in the context.
    @discardableResult
    func parse(wanted: Set<String>? = nil, context ctx: Context? = nil,
               onValue: @escaping (Int, Int, UnsafeMutablePointer<readstat_variable_t>, readstat_value_t) -> Bool = { _, _, _, _ in true })
        throws -> StatFileMetadata
    {
        let context = ctx ?? Context(format: format, wanted: wanted, onValue: onValue)
        guard let parser = readstat_parser_init() else { throw DataError.cannotRead(file: path, reason: "out of memory") }
        defer { readstat_parser_free(parser) }
        readstat_set_metadata_handler(parser) { metadata, raw in
            let c = Unmanaged<Context>.fromOpaque(raw!).takeUnretainedValue()
            guard let m = metadata else { return Int32(READSTAT_HANDLER_OK) }
            c.metadata.rowCount = Int(readstat_get_row_count(m))
            c.metadata.version = Int(readstat_get_file_format_version(m))
            c.metadata.compression = readstat_get_compression(m).rawValue
            c.metadata.fileLabel = StatFileReader.text(readstat_get_file_label(m))
            c.metadata.encoding = StatFileReader.text(readstat_get_file_encoding(m))
            c.metadata.tableName = StatFileReader.text(readstat_get_table_name(m))
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_note_handler(parser) { _, note, raw in
            let c = Unmanaged<Context>.fromOpaque(raw!).takeUnretainedValue()
            if let note { c.metadata.notes.append(String(cString: note)) }
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_variable_handler(parser) { index, variable, labelSet, raw in
            let c = Unmanaged<Context>.fromOpaque(raw!).takeUnretainedValue()
            guard let v = variable else { return Int32(READSTAT_HANDLER_OK) }
            let name = String(cString: readstat_variable_get_name(v))
            var ranges: [StatVariable.ClosedMissingRange] = []
            for k in 0..<readstat_variable_get_missing_ranges_count(v) {
                if let lo = StatFileReader.declared(readstat_variable_get_missing_range_lo(v, k)),
                   let hi = StatFileReader.declared(readstat_variable_get_missing_range_hi(v, k)) {
                    ranges.append(.init(low: lo, high: hi))
                }
            }
            let type = readstat_variable_get_type(v)
            c.metadata.variables.append(StatVariable(
                name: name, index: Int(index), isText: readstat_variable_get_type_class(v) == READSTAT_TYPE_CLASS_STRING,
                storageType: type.rawValue, storageWidth: readstat_variable_get_storage_width(v),
                displayWidth: Int(readstat_variable_get_display_width(v)),
                label: StatFileReader.text(readstat_variable_get_label(v)),
                format: StatFileReader.text(readstat_variable_get_format(v)),
                labelSet: StatFileReader.text(labelSet),
                measure: readstat_variable_get_measure(v).rawValue, alignment: readstat_variable_get_alignment(v).rawValue,
                missingRanges: ranges))
            if let wanted = c.wanted, !wanted.contains(name) { return Int32(READSTAT_HANDLER_SKIP_VARIABLE) }
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_value_label_handler(parser) { setName, value, label, raw in
            let c = Unmanaged<Context>.fromOpaque(raw!).takeUnretainedValue()
            guard let setName, let label else { return Int32(READSTAT_HANDLER_OK) }
            let name = String(cString: setName)
            let isText = readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING
            var set = c.metadata.labelSets[name] ?? ValueLabelSet(name: name, isText: isText)
            if let key = StatFileReader.declared(value) { set.labels.append((key, String(cString: label))) }
            c.metadata.labelSets[name] = set
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_value_handler(parser) { obs, variable, value, raw in
            let c = Unmanaged<Context>.fromOpaque(raw!).takeUnretainedValue()
            guard let variable else { return Int32(READSTAT_HANDLER_OK) }
            let index = Int(readstat_variable_get_index(variable))
            return c.onValue(Int(obs), index, variable, value) ? Int32(READSTAT_HANDLER_OK) : Int32(READSTAT_HANDLER_ABORT)
        }
        readstat_set_error_handler(parser) { message, raw in
            let c = Unmanaged<Context>.fromOpaque(raw!).takeUnretainedValue()
            if let message, c.errorText == nil { c.errorText = String(cString: message).trimmingTrailingNewlines() }
        }
        let raw = Unmanaged.passUnretained(context).toOpaque()
        let status: readstat_error_t
        switch format {
        case .sav, .zsav: status = readstat_parse_sav(parser, path, raw)
        case .por: status = readstat_parse_por(parser, path, raw)
        case .dta: status = readstat_parse_dta(parser, path, raw)
        case .sas7bdat: status = readstat_parse_sas7bdat(parser, path, raw)
        case .xpt: status = readstat_parse_xport(parser, path, raw)
        case .csv: preconditionFailure("StatFileReader reads the statistical packages' formats only")
        }
        withExtendedLifetime(context) {}
        if let e = context.aborted { throw e }
        guard status == READSTAT_OK else {
            if status == READSTAT_ERROR_OPEN { throw DataError.cannotRead(file: path, reason: FileIO.errnoText()) }
            throw StatFileError.refused(file: path, format: format, reason: StatFileReader.message(status),
                                        detail: context.errorText)
        }
        return context.metadata
    }

    /// ReadStat's message for an error code.
    static func message(_ status: readstat_error_t) -> String {
        guard let m = readstat_error_message(status) else { return "error \(status.rawValue)" }
        return String(cString: m)
    }

    /// A value as stored (a user-missing code is its code), NaN when system-missing or tagged.
    static func rawNumber(_ value: readstat_value_t) -> Double {
        readstat_value_is_system_missing(value) != 0 || readstat_value_is_tagged_missing(value) != 0 ? .nan : readstat_double_value(value)
    }

    /// A non-empty C string, or `nil`.
    static func text(_ p: UnsafePointer<CChar>?) -> String? {
        guard let p, p.pointee != 0 else { return nil }
        return String(cString: p)
    }

    /// A value of the dictionary (label key, missing-range bound) as a ``StatValue``.
    static func declared(_ value: readstat_value_t) -> StatValue? {
        if readstat_value_is_tagged_missing(value) != 0 {
            return .tagged(Character(Unicode.Scalar(UInt8(bitPattern: readstat_value_tag(value)))))
        }
        if readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING {
            return .text(readstat_string_value(value).map { String(cString: $0) } ?? "")
        }
        if readstat_value_is_system_missing(value) != 0 { return nil }
        return .number(readstat_double_value(value))
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while let last = s.last, last == "\n" || last == "\r" { s.removeLast() }
        return s
    }
}

/// A statistical package's file that ReadStat could not read or write.
public enum StatFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// ReadStat refused the file (not of the format, truncated, unsupported version or compression).
    case refused(file: String, format: DataFileFormat, reason: String, detail: String?)
    /// A file with more records than a table can index.
    case tooManyRecords(file: String)
    /// Writing the output failed in ReadStat (a name, label or value the target format cannot hold).
    case cannotConvert(file: String, format: DataFileFormat, reason: String)

    public var description: String {
        switch self {
        case .refused(let f, let format, let reason, let detail):
            let what = "\(f): not a readable \(format.displayName) file (\(reason.lowercasedFirst()))"
            return detail.map { "\(what): \($0)" } ?? what
        case .tooManyRecords(let f):
            return "\(f): more records than weight-cli can index (4,294,967,295)"
        case .cannotConvert(let f, let format, let reason):
            return "cannot write \(f) as \(format.displayName): \(reason.lowercasedFirst())"
        }
    }
}

extension DataFileFormat {
    /// The format's name in messages.
    public var displayName: String {
        switch self {
        case .csv: return "delimited text (CSV)"
        case .sav: return "SPSS .sav"
        case .zsav: return "SPSS .zsav"
        case .por: return "SPSS portable .por"
        case .dta: return "Stata .dta"
        case .sas7bdat: return "SAS .sas7bdat"
        case .xpt: return "SAS transport .xpt"
        }
    }
}

extension String {
    func lowercasedFirst() -> String {
        guard let f = first else { return self }
        // Keep acronyms (SAV, UTF-8) as they are.
        if dropFirst().first.map({ $0.isUppercase }) == true { return self }
        return f.lowercased() + dropFirst()
    }
}
