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
        df, effective_n, note. Categorical variables give one row per level (a proportion, or a count with \
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

    @Option(help: "mean | total | ratio | quantile (categorical variables: proportions or counts of each level).")
    var statistic: String = "mean"

    @Option(help: ArgumentHelp("Denominator variable for --statistic ratio.", valueName: "column"))
    var denominator: String?

    @Option(help: ArgumentHelp("Quantile probabilities for --statistic quantile.", valueName: "p1,p2"))
    var quantiles: String = "0.5"

    @Option(help: ArgumentHelp("Domains: categorical variables, comma-separated (crossed).", valueName: "d1,d2"))
    var by: String?

    @OptionGroup var designOptions: DesignOptions

    @Option(help: ArgumentHelp("Write the data with the (re-calibrated) replicate weights as columns rep_1..rep_R.", valueName: "file"))
    var writeReplicates: String?

    @Option(help: "Interval for proportions: wald | logit | wilson | beta.")
    var ci: String = "wald"

    @Option(help: "Confidence level.")
    var level: Double = 0.95

    @Option(help: "Output format: csv | json | md.")
    var format: String = "csv"

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (default: standard output).", valueName: "file"))
    var output: String?

    @OptionGroup var inputOptions: InputFormatOptions
    @OptionGroup var verbosity: VerbosityOptions

    func validate() throws {
        guard ["mean", "total", "ratio", "quantile"].contains(statistic) else {
            throw ValidationError("--statistic must be mean, total, ratio or quantile; got \(Echo.quoted(statistic))")
        }
        if statistic == "ratio" && denominator == nil { throw ValidationError("--statistic ratio needs --denominator COLUMN") }
        guard IntervalMethod(rawValue: ci) != nil else { throw ValidationError("--ci must be wald, logit, wilson or beta; got \(Echo.quoted(ci))") }
        guard ["csv", "json", "md"].contains(format) else { throw ValidationError("--format must be csv, json or md") }
        guard level > 0 && level < 1 else { throw ValidationError("--level must be between 0 and 1, e.g. 0.95") }
        if writeReplicates != nil && designOptions.variance == "linearization" {
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
            let dialect = inputOptions.dialect
            let table = try Table(contentsOf: data, dialect: dialect)
            let (design, reps) = try designOptions.design(table: table, dialect: dialect)
            var contents: [OutputPlan.Content] = []
            if let writeReplicates, let reps, let buffer = table.buffer {
                let columns = [(name: "weight", values: design.weights)]
                    + reps.weights.enumerated().map { (name: "rep_\($0.offset + 1)", values: $0.element) }
                let writer = WeightedFileWriter(buffer: buffer, decimalComma: dialect.decimalComma)
                contents.append(OutputPlan.Content(path: writeReplicates) { sink in try writer.write(columns: columns, into: &sink) })
            }
            let kind: StatisticKind
            switch statistic {
            case "total": kind = .total
            case "ratio": kind = .ratio(denominator: denominator!)
            case "quantile": kind = .quantile(try parsedQuantiles())
            default: kind = .mean
            }
            let estimator = SurveyEstimator(table: table, design: design, variance: reps.map { .replicates($0) } ?? .linearization,
                                            interval: IntervalMethod(rawValue: ci)!, level: level)
            let estimates = try estimator.estimate(variables: commaList(variables), statistic: kind, by: commaList(by))
            let text: String
            switch format {
            case "json": text = try EstimateTable.json(estimates)
            case "md": text = EstimateTable.markdown(estimates, level: level)
            default: text = EstimateTable.csv(estimates)
            }
            // The estimates and the replicate weights are committed together.
            contents.insert(OutputPlan.Content(path: output ?? OutputPlan.standardOutput, text: text), at: 0)
            try plan.write(contents)
            Diagnostics.undefined(estimates.flatMap(\.undefinedValues), input: data)
        }
    }
}
