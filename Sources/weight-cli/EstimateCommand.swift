import ArgumentParser
import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Weighted means, proportions, totals, ratios and quantiles with standard errors and intervals.",
        discussion: """
        Output columns (CSV): variable,level,domain,estimate,se,ci_low,ci_high,deff,n, then statistic, missing, \
        df, effective_n, note, ci_method, cv, ci_width, reliability (--flags: flag or suppress, with the reasons). Categorical variables give one row per level (a proportion, or a count with \
        --statistic total). With --margins the data is calibrated first and the variance accounts for it.

        Examples:
          weight-cli estimate weighted.csv --variables site_web,score --weight weight --by region
          weight-cli estimate s.csv --variables opendata --margins m.csv --method raking --ci logit
          weight-cli estimate s.csv --variables score --statistic quantile --quantiles 0.25,0.5,0.75 --weight w
        """
    )

    @Argument(help: "The data file.")
    var data: String

    @Option(help: ArgumentHelp("Variables to estimate, comma-separated.", valueName: "v1,v2"))
    var variables: String

    @Option(help: ArgumentHelp("\(EstimateStatistic.choiceList) (categorical variables: proportions or counts of each level).", valueName: "statistic"),
            completion: EstimateStatistic.completion, transform: EstimateStatistic.parse)
    var statistic: EstimateStatistic = .mean

    @Option(help: ArgumentHelp("Denominator variable for --statistic ratio.", valueName: "column"))
    var denominator: String?

    @Option(help: ArgumentHelp("Quantile probabilities for --statistic quantile.", valueName: "p1,p2"))
    var quantiles: String = "0.5"

    @Option(help: ArgumentHelp("Domains: categorical variables, comma-separated (crossed).", valueName: "d1,d2"))
    var by: String?

    @OptionGroup var designOptions: DesignOptions

    @Option(help: ArgumentHelp("""
        Write the data with the weight and the (re-calibrated) replicate weights as columns weight, rep_1..rep_R: \
        CSV for a CSV input; for an SPSS, Stata or SAS input, the format FILE's extension names (sav, zsav, por, \
        dta, sas7bdat, xpt), else the input's, with its dictionary (value and variable labels) kept.
        """, valueName: "file"))
    var writeReplicates: String?

    @Option(help: ArgumentHelp("Interval for proportions: \(IntervalMethod.choiceList) (default logit; Korn-Graubard at 0 and 1; beta is Korn-Graubard).", valueName: "interval"),
            completion: IntervalMethod.completion, transform: IntervalMethod.parse)
    var ci: IntervalMethod = .logit

    @OptionGroup var flagsOptions: FlagsOptions

    @Option(help: "Confidence level.")
    var level: Double = 0.95

    @Option(help: ArgumentHelp("Output format: \(TableFormat.choiceList) (xlsx: a workbook, also chosen by an --output ending in .xlsx).", valueName: "format"),
            completion: TableFormat.completion, transform: TableFormat.parse)
    var format: TableFormat = .csv

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (default: standard output).", valueName: "file"))
    var output: String?

    @OptionGroup var inputOptions: InputFormatOptions
    @OptionGroup var verbosity: VerbosityOptions

    func validate() throws {
        if statistic == .ratio && denominator == nil { throw ValidationError("--statistic ratio needs --denominator COLUMN") }
        try WorkbookOutput.check(format: format.rawValue, output: output)
        guard level > 0 && level < 1 else { throw ValidationError("--level must be between 0 and 1, e.g. 0.95") }
        if writeReplicates != nil && designOptions.variance == .linearization {
            throw ValidationError("--write-replicates needs a replicate variance (--variance jk1|jkn|bootstrap|brr)")
        }
        _ = try parsedQuantiles()
    }

    func parsedQuantiles() throws -> [Double] {
        try quantiles.split(separator: ",").map {
            guard let p = Double($0.trimmingCharacters(in: .whitespaces)), p > 0, p < 1 else {
                throw ValidationError("--quantiles takes probabilities between 0 and 1, got \(Echo.quoted($0))")
            }
            return p
        }
    }

    func run() throws {
        try runReporting {
            verbosity.apply()
            FileIO.installInterruptCleanup()
            let plan = try outputPlan(standardOutput: output == nil)
            let rules = try flagsOptions.ruleSet()
            let dialect = inputOptions.dialect
            let inputFormat = inputOptions.format(of: data)
            let table: Table
            var replicateWriter: ((Int) throws -> any WeightedOutput)?
            if inputFormat.isStatistical {
                let read = try Table.read(statFile: data, format: inputFormat)
                table = read.table
                if let writeReplicates {
                    let format = try ReplicateFile.format(source: read.source, input: inputFormat, path: writeReplicates)
                    replicateWriter = { count in ReplicateFile.statWriter(source: read.source, format: format, replicates: count,
                                                                          method: designOptions.variance.rawValue) }
                }
            } else {
                table = try streamedTable(dialect: dialect) ?? inputOptions.readTable(data)
                if let writeReplicates {
                    if let f = DataFileFormat(extensionOf: writeReplicates), f.isStatistical {
                        throw OptionProblem("--write-replicates \(writeReplicates): \(data) is delimited text, so its replicate weights are written as CSV (an SPSS, Stata or SAS file is written from an SPSS, Stata or SAS input, whose dictionary it keeps)")
                    }
                    guard let buffer = table.buffer else {
                        throw OptionProblem("--write-replicates copies the rows of \(data), which could not be kept in memory as text")
                    }
                    replicateWriter = { _ in WeightedFileWriter(buffer: buffer, decimalComma: dialect.decimalComma) }
                }
            }
            // A streamed file that changed between passes is reported first, not the error it led to.
            try StreamedInput.checking(table) {
                let (design, reps) = try designOptions.design(table: table, dialect: dialect)
                var contents: [OutputPlan.Content] = []
                if let writeReplicates, let reps, let makeWriter = replicateWriter {
                    let writer = try makeWriter(reps.count)
                    let columns = [(name: "weight", values: design.weights)]
                        + reps.weights.enumerated().map { (name: "rep_\($0.offset + 1)", values: $0.element) }
                    contents.append(OutputPlan.Content(path: writeReplicates) { sink in try writer.write(columns: columns, into: &sink) })
                }
                let kind: StatisticKind
                switch statistic {
                case .total: kind = .total
                case .ratio: kind = .ratio(denominator: denominator!)
                case .quantile: kind = .quantile(try parsedQuantiles())
                case .mean: kind = .mean
                }
                let estimator = SurveyEstimator(table: table, design: design, variance: reps.map { .replicates($0) } ?? .linearization,
                                                interval: ci, level: level)
                let estimates = rules.apply(to: try estimator.estimate(variables: commaList(variables), statistic: kind, by: commaList(by)))
                let text: String
                switch format {
                case .json: text = try EstimateTable.json(estimates)
                case .md: text = EstimateTable.markdown(estimates, level: level)
                case .csv, .xlsx: text = EstimateTable.csv(estimates)
                }
                // The estimates and the replicate weights are committed together.
                if WorkbookOutput.wanted(format: format.rawValue, output: output), let output {
                    contents.insert(OutputPlan.Content(path: output, bytes: try Workbook.bytes([EstimateTable.sheet(estimates)], name: output)), at: 0)
                } else {
                    contents.insert(OutputPlan.Content(path: output ?? OutputPlan.standardOutput, text: text), at: 0)
                }
                try table.checkStreamedReading()  // before anything is written
                try plan.write(contents)
                Diagnostics.undefined(estimates.flatMap(\.undefinedValues), input: data)
            }
        }
    }
}

/// The file `estimate --write-replicates` writes from an SPSS, Stata or SAS input.
enum ReplicateFile {
    /// The format written: the one `path`'s extension names (an SPSS, Stata or SAS one), else the input's.
    static func format(source: StatFileSource, input: DataFileFormat, path: String) throws -> DataFileFormat {
        let format = DataFileFormat(extensionOf: path) ?? input
        guard format.isStatistical else {
            throw OptionProblem("--write-replicates \(path): \(source.path) (\(input.displayName)) is written as sav, zsav, por, dta, sas7bdat or xpt (with its labels), not as \(format.displayName)")
        }
        return format
    }

    /// A writer of the input's records, dictionary kept, with the columns `weight` and `rep_1`...`rep_R` added,
    /// each with a variable label.
    static func statWriter(source: StatFileSource, format: DataFileFormat, replicates: Int, method: String) -> StatFileWriter {
        var labels = ["weight": "Full-sample weight (estimate --write-replicates)"]
        for r in 1...max(1, replicates) { labels["rep_\(r)"] = "Replicate weight \(r) of \(replicates) (\(method))" }
        return StatFileWriter(source: source, format: format, labels: labels)
    }
}
