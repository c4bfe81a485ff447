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
    @Option(help: ArgumentHelp("Base weight column.", valueName: "column")) var weight: String?
    @Option(help: "Interval for proportions: wald | logit | wilson | beta.") var ci: String = "logit"
    @Option(help: "Confidence level.") var level: Double = 0.95
    @Option(help: "Output format: csv | json | md | html | svg (the chart alone).") var format: String = "md"
    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (default: standard output).", valueName: "file")) var output: String?
    @OptionGroup var inputOptions: InputFormatOptions
    @OptionGroup var verbosity: VerbosityOptions

    func validate() throws {
        guard ["csv", "json", "md", "html", "svg"].contains(format) else { throw ValidationError("--format must be csv, json, md, html or svg") }
        guard IntervalMethod(rawValue: ci) != nil else { throw ValidationError("--ci must be wald, logit, wilson or beta") }
        guard level > 0 && level < 1 else { throw ValidationError("--level must be between 0 and 1, e.g. 0.95") }
    }

    func run() throws {
        try runReporting {
            verbosity.apply()
            FileIO.installInterruptCleanup()
            let plan = try outputPlan(standardOutput: output == nil)
            let dialect = inputOptions.dialect
            let table = try Table(contentsOf: data, dialect: dialect)
            let margins = try marginsOptions.read(dialect: dialect)
            var options = try methodOptions.calibrationOptions()
            options.totalsTolerance = marginsOptions.marginTolerance
            let result = try Calibrator(margins: margins, method: try methodOptions.calibrationMethod(), options: options)
                .calibrate(table, weightColumn: weight)
            let design = try SurveyDesign(table: table, weight: weight).calibrated(result)
            let vars = commaList(variables)
            let domains = commaList(by)
            let rows = try Comparison.compare(table: table, weighted: design, variables: vars, by: domains,
                                              interval: IntervalMethod(rawValue: ci)!, level: level)
            let text: String
            switch format {
            case "csv": text = ComparisonTable.csv(rows)
            case "json": text = try ComparisonTable.json(rows)
            case "svg": text = SVGChart.stack(SVGChart.comparisons(rows, title: "Raw and weighted (\(Int(level * 100))% interval)"))
            case "html":
                var report = HTMLReport(title: "Raw and weighted estimates: \(data)")
                report.section("Raw and weighted", SVGChart.comparisons(rows, title: "Raw and weighted (\(Int(level * 100))% interval)")
                    + MarkdownHTML.table(ComparisonTable.markdown(rows, level: level)))
                report.add(calibration: result.report, weights: result.weights)
                text = report.render()
            default: text = ComparisonTable.markdown(rows, level: level)
            }
            try plan.write([OutputPlan.Content(path: output ?? OutputPlan.standardOutput, text: text)])
            Diagnostics.undefined(rows.flatMap(\.undefinedValues), input: data)
        }
    }
}
