import Weighting
import CReadStat

/// A numeric variable added to (or replacing one of) a statistical package's file when it is written back.
public struct AddedVariable: Sendable {
    /// Name.
    public var name: String
    /// One value per record (finite).
    public var values: [Double]
    /// Variable label, e.g. "Calibration weight: raking on region, taille".
    public var label: String?

    /// Creates a variable.
    public init(name: String, values: [Double], label: String? = nil) {
        self.name = name
        self.values = values
        self.label = label
    }
}

/// Writes an SPSS, Stata or SAS file back with new numeric variables, reading the source a second time through
/// ReadStat and handing each record to ReadStat's writer as it comes, so memory holds the new columns and one
/// record, never the file.
///
/// Everything the source's dictionary declares is carried over: every variable in order with its storage type
/// and width, variable label, display format and width, measurement level, alignment, value label set and
/// user-missing definitions, the file label and notes; every value as stored (user-missing codes stay the codes,
/// Stata and SAS tagged missing values stay tagged). Text is written in UTF-8. Display formats and user-missing
/// definitions are copied between files of the same package only (an SPSS `F8.2` means nothing to Stata),
/// dates and date-times moved to another package are converted to its clock and format (``DateConversion``), and
/// tagged missing values written to an SPSS file become system-missing (SPSS has none).
///
/// Stata files are written as version 118 (or the source's version when it is later), the first to hold UTF-8.
public struct StatFileWriter: Sendable {
    /// The file read.
    public let source: StatFileSource
    /// The format written.
    public let format: DataFileFormat
    /// Whether an added variable whose name the file already has replaces that variable's values in place
    /// (same position, its label replaced) instead of being refused.
    public let replacesExisting: Bool

    /// Variable labels of the columns written through ``WeightedOutput``, by name.
    public let labels: [String: String]

    /// A writer of `source` in `format` (its own format by default); `labels` are the variable labels of the
    /// columns added through ``WeightedOutput``'s methods.
    public init(source: StatFileSource, format: DataFileFormat? = nil, replacesExisting: Bool = false,
                labels: [String: String] = [:]) {
        precondition(format != .csv, "StatFileWriter writes the statistical packages' formats only")
        self.source = source
        self.format = format ?? source.format
        self.replacesExisting = replacesExisting
        self.labels = labels
    }

    /// Where the bytes ReadStat writes go, and the state of the copy.
    final class WriteContext {
        var sink: UnsafeMutablePointer<ByteSink>
        init(sink: UnsafeMutablePointer<ByteSink>) { self.sink = sink }
    }

    /// Writes the file with the added variables into a sink (an output of an ``OutputPlan``).
    ///
    /// - Throws: ``DataError/duplicateColumn(file:name:columns:)`` for an added name the file has (without
    ///   `replacesExisting`), ``DataError/changedWhileReading(file:)`` if the source changed since it was read,
    ///   ``StatFileError`` if ReadStat refuses to write a name, label or value in the target format,
    ///   ``CalibrationError/nonFinite(_:)`` for a value that is NaN or infinite.
    public func write(_ added: [AddedVariable], into sink: inout ByteSink) throws {
        let variables = source.metadata.variables
        for a in added {
            precondition(a.values.count == source.rowCount)
            if !replacesExisting, let v = variables.first(where: { $0.name == a.name }) {
                throw DataError.duplicateColumn(file: source.path, name: a.name, columns: [v.index + 1, variables.count + 1])
            }
            if let i = a.values.firstIndex(where: { !$0.isFinite }) {
                throw CalibrationError.nonFinite("\(a.name) of record \(i + 1)")
            }
        }
        guard try FileSignature(path: source.path) == source.signature else {
            throw DataError.changedWhileReading(file: source.path)
        }
        try withUnsafeMutablePointer(to: &sink) { sinkPointer in
            try self.copy(added, sink: sinkPointer)
        }
        if let failure = sink.failure { throw failure }
        guard try FileSignature(path: source.path) == source.signature else {
            throw DataError.changedWhileReading(file: source.path)
        }
    }

    func copy(_ added: [AddedVariable], sink: UnsafeMutablePointer<ByteSink>) throws {
        guard let writer = readstat_writer_init() else { throw DataError.cannotWrite(file: source.path, reason: "out of memory") }
        defer { readstat_writer_free(writer) }
        let context = WriteContext(sink: sink)
        let raw = Unmanaged.passUnretained(context).toOpaque()
        readstat_set_data_writer(writer) { bytes, length, raw in
            let c = Unmanaged<WriteContext>.fromOpaque(raw!).takeUnretainedValue()
            if let bytes, length > 0 {
                c.sink.pointee.write(UnsafeRawBufferPointer(start: bytes, count: length).bindMemory(to: UInt8.self))
            }
            return c.sink.pointee.failure == nil ? length : -1
        }
        let meta = source.metadata
        let variables = meta.variables
        let sameFamily = meta.format.family == format.family
        func check(_ status: readstat_error_t) throws {
            guard status == READSTAT_OK else {
                throw StatFileError.cannotConvert(file: sink.pointee.path, format: format, reason: StatFileReader.message(status))
            }
        }
        // Value label sets, by name, in a stable order.
        var sets: [String: UnsafeMutablePointer<readstat_label_set_t>] = [:]
        for name in meta.labelSets.keys.sorted() {
            let set = meta.labelSets[name]!
            let integral = set.labels.allSatisfy {
                if case .number(let x) = $0.value { return x == x.rounded() && abs(x) < 2_147_483_000 } else { return true }
            }
            let type: readstat_type_t = set.isText ? READSTAT_TYPE_STRING
                : (format == .dta && integral ? READSTAT_TYPE_INT32 : READSTAT_TYPE_DOUBLE)
            if format == .dta && !set.isText && !integral { continue }  // Stata labels integers only
            if format == .dta && set.isText { continue }               // nor strings
            guard let p = readstat_add_label_set(writer, type, name) else { continue }
            for (value, label) in set.labels {
                switch value {
                case .number(let x):
                    if type == READSTAT_TYPE_INT32 { readstat_label_int32_value(p, Int32(x), label) } else { readstat_label_double_value(p, x, label) }
                case .text(let s): readstat_label_string_value(p, s, label)
                case .tagged(let t):
                    if format.family == .stata || format.family == .sas {
                        readstat_label_tagged_value(p, CChar(bitPattern: t.asciiValue ?? UInt8(ascii: "a")), label)
                    }
                }
            }
            sets[name] = p
        }
        // Variables: the source's, then the added ones not replacing one.
        let replaced = Dictionary(added.enumerated().compactMap { k, a in
            replacesExisting ? variables.first(where: { $0.name == a.name }).map { ($0.index, k) } : nil
        }, uniquingKeysWith: { a, _ in a })
        var targets: [UnsafeMutablePointer<readstat_variable_t>] = []
        var targetTypes: [readstat_type_t] = []
        // Dates and date-times moved to another package are converted to its clock (DateConversion).
        let dateKinds: [DateConversion.Kind?] = variables.map { v in
            sameFamily || v.isText || replaced[v.index] != nil ? nil : DateConversion.kind(format: v.format, family: meta.format.family)
        }
        for v in variables {
            let addedIndex = replaced[v.index]
            let sourceType = readstat_type_t(rawValue: v.storageType)
            var type: readstat_type_t
            if addedIndex != nil { type = READSTAT_TYPE_DOUBLE }
            else if v.isText { type = READSTAT_TYPE_STRING }
            else if sameFamily && format == .dta { type = sourceType }
            else { type = READSTAT_TYPE_DOUBLE }
            let width = v.isText && addedIndex == nil ? max(v.storageWidth, 1) : 0
            guard let p = readstat_add_variable(writer, v.name, type, width) else {
                throw DataError.cannotWrite(file: source.path, reason: "out of memory")
            }
            if let k = addedIndex { readstat_variable_set_label(p, added[k].label ?? v.label) }
            else if let label = v.label { readstat_variable_set_label(p, label) }
            if addedIndex == nil {
                if sameFamily, let f = v.format { readstat_variable_set_format(p, f) }
                if let kind = dateKinds[v.index], let f = DateConversion.format(kind, in: format.family) { readstat_variable_set_format(p, f) }
                if let s = v.labelSet, let set = sets[s] { readstat_variable_set_label_set(p, set) }
                if sameFamily && format.family == .spss {
                    for r in v.missingRanges {
                        switch (r.low, r.high) {
                        case (.number(let lo), .number(let hi)):
                            try check(lo == hi ? readstat_variable_add_missing_double_value(p, lo)
                                      : readstat_variable_add_missing_double_range(p, lo, hi))
                        case (.text(let lo), .text(let hi)):
                            try check(lo == hi ? readstat_variable_add_missing_string_value(p, lo)
                                      : readstat_variable_add_missing_string_range(p, lo, hi))
                        default: break
                        }
                    }
                }
            }
            readstat_variable_set_measure(p, readstat_measure_t(rawValue: v.measure))
            readstat_variable_set_alignment(p, readstat_alignment_t(rawValue: v.alignment))
            if v.displayWidth > 0 { readstat_variable_set_display_width(p, Int32(v.displayWidth)) }
            targets.append(p)
            targetTypes.append(type)
        }
        let appended = added.indices.filter { k in !replaced.values.contains(k) }
        var appendedTargets: [UnsafeMutablePointer<readstat_variable_t>] = []
        for k in appended {
            guard let p = readstat_add_variable(writer, added[k].name, READSTAT_TYPE_DOUBLE, 0) else {
                throw DataError.cannotWrite(file: source.path, reason: "out of memory")
            }
            if let label = added[k].label { readstat_variable_set_label(p, label) }
            readstat_variable_set_measure(p, READSTAT_MEASURE_SCALE)
            if format.family == .spss { readstat_variable_set_format(p, "F16.10") }
            appendedTargets.append(p)
        }
        if let label = meta.fileLabel { try check(readstat_writer_set_file_label(writer, label)) }
        if let table = meta.tableName, format.family == .sas { try check(readstat_writer_set_table_name(writer, table)) }
        for note in meta.notes where format.family != .sas { readstat_add_note(writer, note) }
        switch format {
        case .zsav: try check(readstat_writer_set_compression(writer, READSTAT_COMPRESS_BINARY))
        case .sav:
            let rows = meta.format == .sav && meta.compression == READSTAT_COMPRESS_ROWS.rawValue
            try check(readstat_writer_set_compression(writer, rows ? READSTAT_COMPRESS_ROWS : READSTAT_COMPRESS_NONE))
        case .dta:
            try check(readstat_writer_set_file_format_version(writer, UInt8(meta.format == .dta ? max(meta.version, 118) : 118)))
        case .xpt:
            if meta.format == .xpt && meta.version > 0 { try check(readstat_writer_set_file_format_version(writer, UInt8(meta.version))) }
        default: break
        }
        let rows = source.rowCount
        let status: readstat_error_t
        switch format {
        case .sav, .zsav: status = readstat_begin_writing_sav(writer, raw, rows)
        case .por: status = readstat_begin_writing_por(writer, raw, rows)
        case .dta: status = readstat_begin_writing_dta(writer, raw, rows)
        case .sas7bdat: status = readstat_begin_writing_sas7bdat(writer, raw, rows)
        case .xpt: status = readstat_begin_writing_xport(writer, raw, rows)
        case .csv: preconditionFailure()
        }
        try check(status)
        // Second reading: each value goes to the writer as it comes; a record ends after its last variable.
        let last = variables.count - 1
        let targetFormat = format
        let sourceFamily = meta.format.family
        var failure: readstat_error_t = READSTAT_OK
        var rowsWritten = 0
        let reader = StatFileReader(path: source.path, format: source.format)
        let readContext = StatFileReader.Context(format: source.format, wanted: nil) { obs, index, variable, value in
            if index == 0 { failure = readstat_begin_row(writer); if failure != READSTAT_OK { return false } }
            let target = targets[index]
            if let k = replaced[index] {
                failure = readstat_insert_double_value(writer, target, added[k].values[obs])
            } else if let kind = dateKinds[index], readstat_value_is_system_missing(value) == 0,
                      readstat_value_is_tagged_missing(value) == 0 {
                let x = DateConversion.convert(readstat_double_value(value), kind: kind, from: sourceFamily, to: targetFormat.family)
                failure = readstat_insert_double_value(writer, target, x)
            } else {
                failure = StatFileWriter.insert(value, variable: variable, into: writer, target: target,
                                                type: targetTypes[index], format: targetFormat)
            }
            if failure != READSTAT_OK { return false }
            if index == last {
                for (n, k) in appended.enumerated() {
                    failure = readstat_insert_double_value(writer, appendedTargets[n], added[k].values[obs])
                    if failure != READSTAT_OK { return false }
                }
                failure = readstat_end_row(writer)
                rowsWritten += 1
                if failure != READSTAT_OK { return false }
            }
            return true
        }
        do {
            try reader.parse(wanted: nil, context: readContext)
        } catch let e as StatFileError {
            if failure != READSTAT_OK { try check(failure) }
            throw e
        }
        try check(failure)
        guard rowsWritten == rows else { throw DataError.changedWhileReading(file: source.path) }
        try check(readstat_end_writing(writer))
        withExtendedLifetime(context) {}
    }

    /// Copies one value as it is stored: system-missing as system-missing, tagged missing as tagged (where the
    /// target has tags), user-missing codes as the codes, strings and numbers unchanged.
    static func insert(_ value: readstat_value_t, variable: UnsafeMutablePointer<readstat_variable_t>,
                       into writer: UnsafeMutablePointer<readstat_writer_t>, target: UnsafeMutablePointer<readstat_variable_t>,
                       type: readstat_type_t, format: DataFileFormat) -> readstat_error_t {
        if readstat_value_is_tagged_missing(value) != 0 {
            if format.family == .stata || format.family == .sas {
                return readstat_insert_tagged_missing_value(writer, target, readstat_value_tag(value))
            }
            return readstat_insert_missing_value(writer, target)
        }
        if readstat_value_is_system_missing(value) != 0 { return readstat_insert_missing_value(writer, target) }
        if readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING {
            guard let text = readstat_string_value(value) else { return readstat_insert_string_value(writer, target, "") }
            return readstat_insert_string_value(writer, target, text)
        }
        switch type {
        case READSTAT_TYPE_INT8: return readstat_insert_int8_value(writer, target, Int8(readstat_int8_value(value)))
        case READSTAT_TYPE_INT16: return readstat_insert_int16_value(writer, target, readstat_int16_value(value))
        case READSTAT_TYPE_INT32: return readstat_insert_int32_value(writer, target, readstat_int32_value(value))
        case READSTAT_TYPE_FLOAT: return readstat_insert_float_value(writer, target, readstat_float_value(value))
        default: return readstat_insert_double_value(writer, target, readstat_double_value(value))
        }
    }
}

extension StatFileWriter: WeightedOutput {
    func added(_ columns: [(name: String, values: [Double])]) -> [AddedVariable] {
        columns.map { AddedVariable(name: $0.name, values: $0.values, label: labels[$0.name]) }
    }

    /// Writes the file with the columns added, atomically to `path` (never over an input).
    public func write(columns: [(name: String, values: [Double])], to path: String, otherInputs: [String]) throws {
        try FileIO.writeAtomically(to: path, inputs: [source.path] + otherInputs) { sink in
            try self.write(self.added(columns), into: &sink)
        }
    }

    /// Writes the file with the columns added into a sink (an output of an ``OutputPlan``).
    public func write(columns: [(name: String, values: [Double])], into sink: inout ByteSink) throws {
        try write(added(columns), into: &sink)
    }

    /// Writes the file with the columns added to an open descriptor (standard output).
    public func write(columns: [(name: String, values: [Double])], toDescriptor fd: Int32, name: String) throws {
        var sink = ByteSink(fd: fd, path: name)
        try write(added(columns), into: &sink)
        try sink.flush()
    }
}
