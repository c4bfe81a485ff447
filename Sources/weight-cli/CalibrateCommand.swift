import ArgumentParser
import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Calibrate weights to population margins and write the data with a weight column.",
        discussion: """
        Writes DATA's rows and columns unchanged, in order, plus the weight column. Without --weight, base \
        weights are 1. Without --output the weighted file goes to standard output.

        Examples:
          weight-cli calibrate sample.csv --margins margins.csv --method raking --output weighted.csv
          weight-cli calibrate sample.csv --margins m.csv --method logit --bounds 0.5,2 --weight d --report r.md
          weight-cli calibrate s.csv --margins m.csv --method poststratify --collapse-ordered taille
        """
    )

    @Argument(help: "The sample file (CSV, ';' or tab separated).")
    var data: String

    @OptionGroup var marginsOptions: MarginsOptions
    @OptionGroup var methodOptions: MethodOptions
    @OptionGroup var penaltyOptions: PenaltyOptions
    @OptionGroup var shapeOptions: WeightShapeOptions
    @OptionGroup var groupOptions: GroupOptions
    @OptionGroup var inputOptions: InputFormatOptions
    @OptionGroup var missingOptions: MissingValueOptions
    @OptionGroup var verbosity: VerbosityOptions

    @Option(help: ArgumentHelp("Column holding the base (design) weights; default: all 1.", valueName: "column"))
    var weight: String?

    @Option(help: ArgumentHelp("Name of the weight column written.", valueName: "name"))
    var weightColumn: String = "weight"

    @Flag(help: ArgumentHelp("""
        When DATA already has a column named by --weight-column, replace its values in place (same position, \
        header and every other field unchanged) instead of refusing. A calibration variable cannot be replaced.
        """))
    var replaceWeightColumn = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (default: standard output).", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("""
        Format written: csv, sav, zsav, por, dta, sas7bdat, xpt (default: the one --output's extension names, else \
        the input's). An SPSS, Stata or SAS input can be written in any of those; a CSV input as CSV.
        """, valueName: "format"))
    var outputFormat: String?

    @Option(help: ArgumentHelp("Write the calibration report (.json, .md, or .html with charts).", valueName: "file"))
    var report: String?

    @Option(help: ArgumentHelp("""
        Threads that read and write a delimited DATA in chunks, from 1 to 1024 (default: every processor). The \
        output is the same byte for byte for every count.
        """, valueName: "n"))
    var threads: ThreadCount = .all

    func validate() throws {
        if let report, !(report.hasSuffix(".json") || report.hasSuffix(".md") || report.hasSuffix(".html")) {
            throw ValidationError("--report must end in .json, .md or .html, got \(Echo.quoted(report))")
        }
        try WeightColumnName.check(weightColumn)
        try InputFormatOptions.checkFormat(outputFormat, option: "--output-format")
    }

    /// The format written: `--output-format`, else `--output`'s extension, else the input's format.
    func writtenFormat(input: DataFileFormat) -> DataFileFormat {
        if let f = outputFormat.flatMap({ DataFileFormat(rawValue: $0.lowercased()) }) { return f }
        if let output, let f = DataFileFormat(extensionOf: output) { return f }
        return input
    }

    /// The variable label of the weight written to an SPSS, Stata or SAS file.
    func weightLabel(margins: Margins, format: DataFileFormat) -> String {
        var label = "Calibration weight: \(methodOptions.method) on \(margins.variables.joined(separator: ", "))"
        if let weight { label += " (base weight \(weight))" }
        // Stata variable labels hold 80 characters.
        return format == .dta && label.count > 80 ? String(label.prefix(79)) + "…" : label
    }

    func run() throws {
        try runReporting {
            verbosity.apply()
            FileIO.installInterruptCleanup()
            // Every output is checked before anything is read or written: distinct files, none an input.
            let plan = try outputPlan(standardOutput: output == nil)
            let dialect = inputOptions.dialect
            let grouped = try groupOptions.read(marginsOptions, dialect: dialect)
            var margins = try grouped.map { _ in Margins() } ?? marginsOptions.read(dialect: dialect)
            // A regular file is read twice in chunks: only the auxiliary and weight columns, to calibrate, then
            // the rows, copied with their weights; memory holds those columns, never the whole file. A pipe
            // (e.g. /dev/stdin) can be read only once: it is read whole.
            let categorical = grouped?.categoricalVariables ?? margins.categorical.flatMap(\.variables)
            let numeric = (grouped?.numericVariables ?? margins.numeric.map(\.variable)) + (weight.map { [$0] } ?? [])
            var table: Table
            let writer: any WeightedOutput
            let inputFormat = inputOptions.format(of: data)
            let outputFormat = writtenFormat(input: inputFormat)
            var fileColumns: [String]? = nil
            if inputFormat.isStatistical {
                guard FileIO.isRegularFile(data) || !FileManager.default.fileExists(atPath: data) else {
                    throw OptionProblem("\(data): an SPSS, Stata or SAS file is read twice (to calibrate, then to copy its records) and must be a regular file, not a pipe or device")
                }
                // Read once for the calibration variables (ReadStat skips the others), once more to write.
                let read = try Table.read(statFile: data, format: inputFormat, variables: categorical + numeric)
                table = read.table
                fileColumns = read.source.metadata.variables.map(\.name)
                guard outputFormat.isStatistical else {
                    throw OptionProblem("\(data) (\(inputFormat.displayName)): calibrate writes it as sav, zsav, por, dta, sas7bdat or xpt (with its labels), not as \(outputFormat.displayName)")
                }
                margins = resolvingValueLabels(margins, labels: table.allValueLabels)
                writer = StatFileWriter(source: read.source, format: outputFormat, replacesExisting: replaceWeightColumn,
                                        labels: [weightColumn: weightLabel(margins: margins, format: outputFormat)])
            } else if outputFormat.isStatistical {
                throw OptionProblem("\(data) is delimited text: calibrate writes it as CSV (an SPSS, Stata or SAS file is written from an SPSS, Stata or SAS input, whose dictionary it keeps)")
            } else if FileIO.isRegularFile(data) {
                // Smaller chunks when several are in flight at once, so that memory stays about that of one
                // thread reading 8 MiB chunks (the output does not depend on the chunk size).
                let chunk = threads.value > 1 ? (8 << 20) / threads.value : 8 << 20
                table = try Table(streaming: data, dialect: dialect, categorical: categorical, numeric: numeric,
                                  chunkSize: chunk, threads: threads.value)
                writer = StreamingWeightedFileWriter(table: table, decimalComma: dialect.decimalComma, chunkSize: chunk,
                                                     replacesExisting: replaceWeightColumn, threads: threads.value)
            } else {
                let buffer = try CSVBuffer(contentsOf: data, dialect: dialect)
                table = Table(buffer: buffer, dialect: dialect)
                writer = WeightedFileWriter(buffer: buffer, decimalComma: dialect.decimalComma,
                                            replacesExisting: replaceWeightColumn)
            }
            if let grouped { margins = try grouped.crossed(for: &table) }
            if !replaceWeightColumn {
                try WeightColumnName.checkAbsent(weightColumn, from: fileColumns ?? table.fileColumns, file: data)
            } else if categorical.contains(weightColumn) || margins.numeric.contains(where: { $0.variable == weightColumn }) {
                throw OptionProblem("--replace-weight-column: \(Echo.quoted(weightColumn)) is a calibration variable of the margins; it cannot be replaced by the weights")
            }
            var options = try methodOptions.calibrationOptions()
            options.totalsTolerance = marginsOptions.marginTolerance
            options.costs = try penaltyOptions.costs(marginsFile: grouped == nil ? marginsOptions.margins : nil, dialect: dialect)
            let d = try AutoBounds.baseWeights(table, weight: weight)
            let method = try methodOptions.calibrationMethod(table: table, margins: margins, baseWeights: d)
            let prepared = try missingOptions.prepare(table: table, calibrator: Calibrator(margins: margins, method: method, options: options))
            let calibrator = prepared.calibrator
            var result = try shapeOptions.relativeCap().map { try calibrator.calibrate(prepared.table, baseWeights: d, cap: $0, weightColumn: weight).result }
                ?? calibrator.calibrate(prepared.table, weightColumn: weight)
            result.report.notes += prepared.notes
            if let grouped {
                result.report.notes += try grouped.summaries(table: table, weights: result.weights, baseWeights: d).map(\.line)
            }
            if let scaling = try shapeOptions.weightScaling() {
                result.weights = try scaling.apply(to: result.weights, margins: margins)
                result.report.notes.append("weights scaled by one factor to sum to \(Table.format(result.weights.reduce(0, +))) (--scale \(shapeOptions.scale!)); the margins are met up to that factor")
            }
            // Render everything before writing anything, so a failure leaves no output behind.
            var reportText: String?
            if let report {
                if report.hasSuffix(".json") {
                    reportText = try result.report.json()
                } else if report.hasSuffix(".html") {
                    var html = HTMLReport(title: "Calibration report: \(data)")
                    html.add(calibration: result.report, weights: result.weights)
                    reportText = html.render()
                } else {
                    reportText = result.report.markdown()
                }
            }
            let columns = [(name: weightColumn, values: result.weights)]
            var contents = [OutputPlan.Content(path: output ?? OutputPlan.standardOutput) { sink in
                try writer.write(columns: columns, into: &sink)
            }]
            if let report, let reportText { contents.append(OutputPlan.Content(path: report, text: reportText)) }
            // The data and the report are committed together: both renamed once both are written, or neither.
            try plan.write(contents)
            let r = result.report
            for (k, d) in r.trace.enumerated() { Diagnostics.detail("iteration \(k): max relative deviation \(String(format: "%.3e", d))") }
            for note in r.notes { Diagnostics.detail("note: \(note)") }
            Diagnostics.note("\(r.method): \(r.respondents) respondents, \(r.iterations) iteration(s), max deviation \(String(format: "%.2e", r.maxDeviation)), effective n \(String(format: "%.1f", r.kishAfter.effectiveSampleSize))")
        }
    }
}
