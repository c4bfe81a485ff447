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
    @OptionGroup var inputOptions: InputFormatOptions
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

    @Option(help: ArgumentHelp("Write the calibration report (.json, .md, or .html with charts).", valueName: "file"))
    var report: String?

    func validate() throws {
        if let report, !(report.hasSuffix(".json") || report.hasSuffix(".md") || report.hasSuffix(".html")) {
            throw ValidationError("--report must end in .json, .md or .html, got \(Echo.quoted(report))")
        }
        try WeightColumnName.check(weightColumn)
    }

    func run() throws {
        try runReporting {
            verbosity.apply()
            FileIO.installInterruptCleanup()
            // Every output is checked before anything is read or written: distinct files, none an input.
            let plan = try outputPlan(standardOutput: output == nil)
            let dialect = inputOptions.dialect
            let margins = try marginsOptions.read(dialect: dialect)
            // A regular file is read twice in chunks: only the auxiliary and weight columns, to calibrate, then
            // the rows, copied with their weights; memory holds those columns, never the whole file. A pipe
            // (e.g. /dev/stdin) can be read only once: it is read whole.
            let categorical = margins.categorical.flatMap(\.variables)
            let numeric = margins.numeric.map(\.variable) + (weight.map { [$0] } ?? [])
            let table: Table
            let writer: any WeightedOutput
            if FileIO.isRegularFile(data) {
                table = try Table(streaming: data, dialect: dialect, categorical: categorical, numeric: numeric)
                writer = StreamingWeightedFileWriter(table: table, decimalComma: dialect.decimalComma,
                                                     replacesExisting: replaceWeightColumn)
            } else {
                let buffer = try CSVBuffer(contentsOf: data, dialect: dialect)
                table = Table(buffer: buffer, dialect: dialect)
                writer = WeightedFileWriter(buffer: buffer, decimalComma: dialect.decimalComma,
                                            replacesExisting: replaceWeightColumn)
            }
            if !replaceWeightColumn {
                try WeightColumnName.checkAbsent(weightColumn, from: table.fileColumns, file: data)
            } else if categorical.contains(weightColumn) || margins.numeric.contains(where: { $0.variable == weightColumn }) {
                throw OptionProblem("--replace-weight-column: \(Echo.quoted(weightColumn)) is a calibration variable of the margins; it cannot be replaced by the weights")
            }
            var options = try methodOptions.calibrationOptions()
            options.totalsTolerance = marginsOptions.marginTolerance
            let calibrator = Calibrator(margins: margins, method: try methodOptions.calibrationMethod(), options: options)
            let result = try calibrator.calibrate(table, weightColumn: weight)
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
