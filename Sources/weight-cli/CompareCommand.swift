import ArgumentParser
import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Raw against weighted estimates: the shift weighting makes, and whether the raw value leaves the interval.",
        discussion: """
        Calibrates DATA to the margins, then for each indicator (and domain) prints the unweighted estimate, the \
        weighted estimate with its interval, the shift (in points for proportions) and whether the raw value \
        falls outside the weighted interval, sorted by the size of the shift.

        Example:
          weight-cli compare sample.csv --variables site_web,open_data --margins margins.csv --method raking --format html -o compare.html
        """
    )

    @Argument(help: "The data file.") var data: String
    @Option(help: ArgumentHelp("Indicators, comma-separated.", valueName: "v1,v2")) var variables: String
    @Option(help: ArgumentHelp("Domains.", valueName: "d1,d2")) var by: String?
    @OptionGroup var marginsOptions: MarginsOptions
    @OptionGroup var methodOptions: MethodOptions
    @OptionGroup var groupOptions: GroupOptions
    @Option(help: ArgumentHelp("Base weight column.", valueName: "column")) var weight: String?
    @Option(help: ArgumentHelp("Interval for proportions: \(IntervalMethod.choiceList) (default logit; Korn-Graubard at 0 and 1; beta is Korn-Graubard).", valueName: "interval"),
            completion: IntervalMethod.completion, transform: IntervalMethod.parse)
    var ci: IntervalMethod = .logit
    @OptionGroup var flagsOptions: FlagsOptions
    @Option(help: "Confidence level.") var level: Double = 0.95
    @Option(help: ArgumentHelp("Output format: \(CompareFormat.choiceList) (svg: the chart alone; xlsx: a workbook, also chosen by an --output ending in .xlsx).", valueName: "format"),
            completion: CompareFormat.completion, transform: CompareFormat.parse)
    var format: CompareFormat = .md
    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (default: standard output).", valueName: "file")) var output: String?
    @OptionGroup var inputOptions: InputFormatOptions
    @OptionGroup var missingOptions: MissingValueOptions
    @OptionGroup var verbosity: VerbosityOptions

    func validate() throws {
        try WorkbookOutput.check(format: format.rawValue, output: output)
        guard level > 0 && level < 1 else { throw ValidationError("--level must be between 0 and 1, e.g. 0.95") }
    }

    func run() throws {
        try runReporting {
            verbosity.apply()
            FileIO.installInterruptCleanup()
            let plan = try outputPlan(standardOutput: output == nil)
            let rules = try flagsOptions.ruleSet()
            let dialect = inputOptions.dialect
            var table = try inputOptions.format(of: data).isStatistical ? inputOptions.readTable(data)
                : streamedTable(dialect: dialect) ?? inputOptions.readTable(data)
            // A streamed file that changed between passes is reported first, not the error it led to.
            try StreamedInput.checking(table) {
                let grouped = try groupOptions.read(marginsOptions, dialect: dialect)
                let margins = resolvingValueLabels(try grouped.map { try $0.crossed(for: &table) } ?? marginsOptions.read(dialect: dialect),
                                                   labels: table.allValueLabels)
                var options = try methodOptions.calibrationOptions()
                options.totalsTolerance = marginsOptions.marginTolerance
                let method = try methodOptions.calibrationMethod(table: table, margins: margins,
                                                                  baseWeights: try AutoBounds.baseWeights(table, weight: weight))
                let prepared = try missingOptions.prepare(
                    table: table, calibrator: Calibrator(margins: margins, method: method, options: options))
                var result = try prepared.calibrator.calibrate(prepared.table, weightColumn: weight)
                result.report.notes += prepared.notes
                let design = try SurveyDesign(table: table, weight: weight).calibrated(result)
                let vars = commaList(variables)
                let domains = commaList(by)
                let rows = try Comparison.compare(table: table, weighted: design, variables: vars, by: domains,
                                                  interval: ci, level: level, rules: rules)
                let text: String
                switch format {
                case .csv: text = ComparisonTable.csv(rows)
                case .json: text = try ComparisonTable.json(rows)
                case .svg: text = SVGChart.stack(SVGChart.comparisons(rows, title: "Raw and weighted (\(Int(level * 100))% interval)"))
                case .html:
                    var report = HTMLReport(title: "Raw and weighted estimates: \(data)")
                    report.section("Raw and weighted", SVGChart.comparisons(rows, title: "Raw and weighted (\(Int(level * 100))% interval)")
                        + MarkdownHTML.table(ComparisonTable.markdown(rows, level: level)))
                    report.add(calibration: result.report, weights: result.weights)
                    text = report.render()
                case .md, .xlsx: text = ComparisonTable.markdown(rows, level: level)
                }
                try table.checkStreamedReading()  // before anything is written
                if WorkbookOutput.wanted(format: format.rawValue, output: output), let output {
                    try plan.write([OutputPlan.Content(path: output, bytes: try Workbook.bytes([ComparisonTable.sheet(rows)], name: output))])
                } else {
                    try plan.write([OutputPlan.Content(path: output ?? OutputPlan.standardOutput, text: text)])
                }
                Diagnostics.undefined(rows.flatMap(\.undefinedValues), input: data)
            }
        }
    }
}
