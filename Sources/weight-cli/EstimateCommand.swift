import ArgumentParser
import Foundation
import Weighting

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

    @Option(help: ArgumentHelp("Weight column (default: all 1, or the base weights when calibrating).", valueName: "column"))
    var weight: String?

    @Option(help: ArgumentHelp("Stratum column.", valueName: "column"))
    var strata: String?

    @Option(help: ArgumentHelp("First-stage cluster (PSU) column.", valueName: "column"))
    var cluster: String?

    @Option(help: ArgumentHelp("Finite population correction column: population PSUs per stratum (> 1) or sampling fraction (≤ 1).", valueName: "column"))
    var fpc: String?

    @Option(help: "Single-PSU strata: fail | remove | certainty | adjust | average.")
    var lonelyPsu: String = "fail"

    @Option(help: ArgumentHelp("Population margins: calibrate the weights first.", valueName: "file"))
    var margins: String?

    @Option(help: "Targets in the margins file: counts or shares.")
    var targets: String = "counts"

    @Option(help: "Population size for --targets shares.")
    var population: Double?

    @Option(help: "Calibration method with --margins: poststratify | raking | linear | logit | truncated.")
    var method: String = "raking"

    @Option(help: ArgumentHelp("Bounds L,U on w/d for logit or truncated calibration.", valueName: "L,U"))
    var bounds: String?

    @Option(help: "Variance: linearization | jk1 | jkn | bootstrap | brr | replicates (columns given by --replicate-columns).")
    var variance: String = "linearization"

    @Option(help: "Number of bootstrap replicates.")
    var replicates: Int = 200

    @Option(help: "Seed of the bootstrap (results are reproducible for a given seed).")
    var seed: UInt64 = 1

    @Option(help: "Fay's factor ρ for --variance brr (0 = plain BRR).")
    var fay: Double = 0

    @Option(help: ArgumentHelp("Read replicate weights from the data columns with this prefix (with --variance replicates).", valueName: "prefix"))
    var replicateColumns: String?

    @Option(help: "Scheme of replicate weights read back: jk1 | bootstrap | brr | fay.")
    var replicateType: String = "bootstrap"

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
        guard LonelyPSUPolicy(rawValue: lonelyPsu) != nil else {
            throw ValidationError("--lonely-psu must be fail, remove, certainty, adjust or average; got \(Echo.quoted(lonelyPsu))")
        }
        guard ["csv", "json", "md"].contains(format) else { throw ValidationError("--format must be csv, json or md") }
        guard level > 0 && level < 1 else { throw ValidationError("--level must be between 0 and 1, e.g. 0.95") }
        guard ["linearization", "jk1", "jkn", "bootstrap", "brr", "replicates"].contains(variance) else {
            throw ValidationError("--variance must be linearization, jk1, jkn, bootstrap, brr or replicates; got \(Echo.quoted(variance))")
        }
        if variance == "replicates" && replicateColumns == nil {
            throw ValidationError("--variance replicates needs --replicate-columns PREFIX")
        }
        if variance == "bootstrap" && replicates < 2 { throw ValidationError("--replicates must be at least 2") }
        if writeReplicates != nil && variance == "linearization" {
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
            var design = try SurveyDesign(table: table, weight: weight, strata: strata, cluster: cluster, fpc: fpc,
                                          lonelyPSU: LonelyPSUPolicy(rawValue: lonelyPsu)!)
            var reps: ReplicateWeights?
            switch variance {
            case "jk1": reps = try ReplicateWeights.jk1(design)
            case "jkn": reps = try ReplicateWeights.jkn(design)
            case "bootstrap": reps = try ReplicateWeights.bootstrap(design, replicates: replicates, seed: seed)
            case "brr": reps = try ReplicateWeights.brr(design, fay: fay)
            case "replicates":
                let columns = table.names.filter { $0.hasPrefix(replicateColumns!) }
                reps = try ReplicateWeights.read(from: table, columns: columns, method: replicateType, fay: fay)
            default: reps = nil
            }
            if let margins {
                let scale: TargetScale = targets == "shares" ? .shares(population: population ?? 0) : .counts
                let calibrator = try makeCalibrator(margins: margins, method: method, bounds: bounds, scale: scale, dialect: dialect)
                let result = try calibrator.calibrate(table, baseWeights: design.weights, weightColumn: weight)
                design = design.calibrated(result)
                if let r = reps {
                    let progress = Progress(label: "re-calibrating \(r.weights.count) replicates")
                    reps = try r.recalibrated(using: calibrator, result: result)
                    progress.done()
                }
            }
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
