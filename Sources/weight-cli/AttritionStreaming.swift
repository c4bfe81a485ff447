import Weighting
import WeightingIO

/// How `attrition` reads its delimited wave files and writes their weighted copies (see ``StreamedInput``).
///
/// A delimited wave file (or long file) that is a regular file is read in chunks
/// (``Table/init(streamingColumns:dialect:plan:chunkSize:memoryBudget:threads:)``), keeping the codes and numbers
/// of the columns the weighting asks for (``AttritionCommand/streamedPlan(wave:margins:)``), never its text; its
/// weighted copy and the longitudinal file are written by reading it again in chunks
/// (``StreamingWeightedFileWriter``, ``StreamingRecordSubsetWriter``). Same outputs byte for byte, same messages
/// and exit codes as reading the files whole; a file changed between passes is reported before anything is
/// written.
///
/// Read whole instead, as before: SPSS, Stata and SAS files (laid out as delimited text by
/// ``StatisticalWaveFile``), files that are not regular files (a pipe or a device cannot be read again to copy
/// its records), and every file when `WEIGHTING_STREAM=0`. No option needs every column: a column outside the
/// plan is still read, at the cost of one more pass over its file.
extension AttritionCommand {
    /// The waves (wave 1 first) and, for a long file, the table they were split from.
    struct Waves {
        /// The wave tables.
        var tables: [Table]
        /// The long file's table (``AttritionCommand/long``), nil for separate wave files.
        var long: Table?
        /// The tables read in chunks (their files are read again, and checked, when written).
        var streamed: [Table] { ([long].compactMap { $0 } + tables).filter(\.isStreamedColumns) }
    }

    /// Whether `file` is read in chunks: a delimited regular file, with streaming on.
    func streams(_ file: String) -> Bool {
        StreamedInput.enabled && !inputOptions.format(of: file).isStatistical && FileIO.isRegularFile(file)
    }

    /// The margins' variables for the plans, when the margins file can be read twice (a regular file) and
    /// reads; otherwise none (the command reports a bad margins file when it reads it, after the waves).
    func plannedMargins(dialect: CSVDialect) -> Margins? {
        guard FileIO.isRegularFile(marginsOptions.margins) else { return nil }
        return try? marginsOptions.read(dialect: dialect)
    }

    /// The columns of wave `k` (1-based), or of the long file (`k == nil`), that the panel weighting asks for,
    /// and how:
    /// - wave 1: the identifier and `--group-by` as levels, the base weight (`--weight`) as numbers, the response
    ///   model's covariates as numbers or levels (`PanelWeighting` tries numbers first), the margins' variables
    ///   (and `--collapse-ordered`) as levels, their numeric totals and `--calibrate-to-wave1` both ways (numbers
    ///   on wave 1, levels through the subset of respondents that the second phase calibrates);
    /// - a later wave: the identifier; with `--newcomers combine`, the margins' variables (the whole wave is
    ///   calibrated); for the first wave of `--longitudinal` when it is not 1, the covariates and margins too
    ///   (the longitudinal adjustment starts there);
    /// - a long file: every one of those, and the wave column, as levels (each wave is a subset of the file,
    ///   whose numbers are parsed from its levels).
    func streamedPlan(wave k: Int?, margins: Margins?) throws -> [StreamedColumnPlan] {
        var plan: [StreamedColumnPlan] = []
        func need(_ name: String, _ kind: StreamedColumnKind) {
            let kind = k == nil ? .categorical : kind
            guard let i = plan.firstIndex(where: { $0.name == name }) else { return plan.append(.init(name: name, kind: kind)) }
            let old = plan[i].kind
            if old == kind || old == .numericAndCategorical { return }
            switch (old, kind) {
            case (.numeric, .numericOrCategorical), (.numericOrCategorical, .numeric): plan[i].kind = .numericOrCategorical
            default: plan[i].kind = .numericAndCategorical
            }
        }
        func needMargins() {
            for m in margins?.categorical ?? [] { for v in m.variables { need(v, .categorical) } }
            for t in margins?.numeric ?? [] { need(t.variable, .numericAndCategorical) }
            if let v = methodOptions.collapseOrdered { need(v, .categorical) }
        }
        if let waveColumn, k == nil { need(waveColumn, .categorical) }
        need(id, .categorical)
        let longitudinalBase = try waveOptions.longitudinalWaves(count: nil)?.first ?? 1
        if k == nil || k == 1 {
            if let weight { need(weight, .numeric) }
            for v in commaList(covariates) { need(v, .numericOrCategorical) }
            needMargins()
            for v in commaList(calibrateToWave1) { need(v, .numericAndCategorical) }
            for v in commaList(groupBy) { need(v, .categorical) }
        }
        if k == nil || (k! > 1 && waveOptions.newcomers == .combine) { needMargins() }
        if k == nil || (k! > 1 && k == longitudinalBase) {
            for v in commaList(covariates) { need(v, .numericOrCategorical) }
            needMargins()
        }
        return plan
    }

    /// The content of a weighted copy of `table`'s file with `columns` appended: from the file in memory, or
    /// read again in chunks for a streamed table (`source`: the table the records are copied from, a long
    /// file's for its waves).
    func weightedContent(path: String, source: Table, columns: [(name: String, values: [Double])],
                         dialect: CSVDialect) -> OutputPlan.Content {
        if let buffer = source.sourceBuffer {
            let writer = WeightedFileWriter(buffer: buffer, decimalComma: dialect.decimalComma)
            return OutputPlan.Content(path: path) { sink in try writer.write(columns: columns, into: &sink) }
        }
        let writer = StreamingWeightedFileWriter(table: source, decimalComma: dialect.decimalComma,
                                                 chunkSize: StreamedInput.chunkSize)
        return OutputPlan.Content(path: path) { sink in try writer.write(columns: columns, into: &sink) }
    }

    /// The content of `longitudinal.csv`: the header and the records `rows` (rows of `source`'s file, in
    /// order) with `columns` appended, from the file in memory (``subsetBytes(_:rows:)``) or read again in
    /// chunks (``StreamingRecordSubsetWriter``), byte for byte the same.
    func subsetContent(path: String, source: Table, file: String, rows: [Int], columns: [(name: String, values: [Double])],
                       dialect: CSVDialect) throws -> OutputPlan.Content {
        if let buffer = source.sourceBuffer {
            let subset = try CSVBuffer(bytes: Self.subsetBytes(buffer, rows: rows), file: file, dialect: dialect)
            let writer = WeightedFileWriter(buffer: subset, decimalComma: dialect.decimalComma)
            return OutputPlan.Content(path: path) { sink in try writer.write(columns: columns, into: &sink) }
        }
        let writer = StreamingRecordSubsetWriter(table: source, rows: rows, decimalComma: dialect.decimalComma,
                                                 chunkSize: StreamedInput.chunkSize)
        return OutputPlan.Content(path: path) { sink in try writer.write(columns: columns, into: &sink) }
    }
}
