import ArgumentParser
import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

/// `weight-cli test`: differences between groups with their design-based standard errors and tests.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Compare domains (against the whole, pairwise, contrasts, all equal) and test differences (t, Rao-Scott chi-square).",
        discussion: """
        Differences are computed from the joint covariance of the estimates, so a domain compared with the whole \
        (of which it is a part), or two domains sharing clusters or a calibration, get the right standard error \
        (as R survey's svycontrast, svyttest, svychisq). Degrees of freedom: the design's (PSUs minus strata; \
        with replicates, their rank minus one). A domain with fewer than 2 respondents gets its estimate but no \
        test, and a note.

        Output columns (CSV): comparison,estimate,se,ci_low,ci_high,statistic,statistic_name,df,ddf,p_value,\
        p_adjusted,note,ci_method,reliability,missing (records of the comparison's domains whose compared \
        variable, or denominator, or a --chisq variable, is missing; left out).

        Contrasts name levels of --by with spaces around the operators: 'E - H', 'E + H - 2*M', 'E / H' (a \
        ratio, tested against 1), and 'all' for the whole population ('E - all').

        Examples:
          weight-cli test s.csv --variable score --by region --against-total --weight w
          weight-cli test s.csv --variable site_web --category oui --by taille --pairwise --adjust holm --weight d
          weight-cli test s.csv --variable api00 --by stype --contrast 'E - H' --contrast 'E / M' --all-equal --strata stype --weight pw
          weight-cli test s.csv --variable api00 --by sch_wide --ttest --weight pw
          weight-cli test s.csv --chisq stype,awards --weight pw --margins m.csv --method raking
        """
    )

    @Argument(help: "The data file.")
    var data: String

    @Option(help: ArgumentHelp("The variable compared (numeric, or categorical with --category).", valueName: "column"))
    var variable: String?

    @Option(help: ArgumentHelp("For a categorical --variable: the level whose proportion (or count) is compared.", valueName: "level"))
    var category: String?

    @Option(help: ArgumentHelp("\(TestStatistic.choiceList) (with --denominator).", valueName: "statistic"),
            completion: TestStatistic.completion, transform: TestStatistic.parse)
    var statistic: TestStatistic = .mean

    @Option(help: ArgumentHelp("Denominator variable for --statistic ratio.", valueName: "column"))
    var denominator: String?

    @Option(help: ArgumentHelp("Domains: categorical variables, comma-separated (crossed; then levels are named 'a=x & b=y').", valueName: "d1,d2"))
    var by: String?

    @Flag(help: "Each domain of --by against the whole population.")
    var againstTotal = false

    @Flag(help: "Every pair of domains of --by.")
    var pairwise = false

    @Option(help: ArgumentHelp("Multiple-comparison adjustment of --pairwise (and of several --contrast): \(PValueAdjustment.choiceList).", valueName: "adjustment"),
            completion: PValueAdjustment.completion, transform: PValueAdjustment.parse)
    var adjust: PValueAdjustment = .holm

    @Option(help: ArgumentHelp("A contrast of the domains of --by, e.g. 'E - H', 'E + H - 2*M', 'E / H', 'E - all' (repeatable).", valueName: "contrast"))
    var contrast: [String] = []

    @Flag(help: "Wald test that all domains of --by are equal (F on the design degrees of freedom).")
    var allEqual = false

    @Flag(help: "Design-based t test of --variable between the two levels of --by (R's svyttest).")
    var ttest = false

    @Option(help: ArgumentHelp("Rao-Scott test of independence of two categorical variables (R's svychisq, F and chi-square).", valueName: "row,column"))
    var chisq: String?

    @OptionGroup var designOptions: DesignOptions

    @Option(help: "Confidence level of the intervals.")
    var level: Double = 0.95

    @Option(help: ArgumentHelp("Output format: \(TableFormat.choiceList) (xlsx: a workbook, also chosen by an --output ending in .xlsx).", valueName: "format"),
            completion: TableFormat.completion, transform: TableFormat.parse)
    var format: TableFormat = .csv

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (default: standard output).", valueName: "file"))
    var output: String?

    @OptionGroup var flagsOptions: FlagsOptions
    @OptionGroup var inputOptions: InputFormatOptions
    @OptionGroup var verbosity: VerbosityOptions

    var domainAnalyses: Bool { againstTotal || pairwise || !contrast.isEmpty || allEqual || ttest }

    func validate() throws {
        guard domainAnalyses || chisq != nil else {
            throw ValidationError("say what to compare: --against-total, --pairwise, --contrast, --all-equal, --ttest or --chisq")
        }
        if domainAnalyses {
            guard variable != nil else { throw ValidationError("--against-total, --pairwise, --contrast, --all-equal and --ttest need --variable COLUMN") }
            guard !commaList(by).isEmpty else { throw ValidationError("--against-total, --pairwise, --contrast, --all-equal and --ttest need --by VARIABLE") }
        }
        if let chisq, commaList(chisq).count != 2 { throw ValidationError("--chisq takes two categorical variables, ROW,COLUMN; got '\(chisq)'") }
        if statistic == .ratio && denominator == nil { throw ValidationError("--statistic ratio needs --denominator COLUMN") }
        if ttest && statistic != .mean { throw ValidationError("--ttest compares means: leave --statistic at mean") }
        try WorkbookOutput.check(format: format.rawValue, output: output)
        guard level > 0 && level < 1 else { throw ValidationError("--level must be between 0 and 1, e.g. 0.95") }
        for c in contrast { do { _ = try Contrast(parsing: c) } catch { throw ValidationError("--contrast: \(error)") } }
    }

    /// A library error about the request, with the data file in front.
    struct RequestError: Error, CustomStringConvertible {
        var description: String
    }

    func run() throws {
        try runReporting {
            verbosity.apply()
            FileIO.installInterruptCleanup()
            let plan = try outputPlan(standardOutput: output == nil)
            let rules = try flagsOptions.ruleSet()
            let dialect = inputOptions.dialect
            let table = try streamedTable(dialect: dialect) ?? inputOptions.readTable(data)
            var rows: [ContrastTableRow] = []
            // A streamed file that changed between passes is reported first, not the error it led to.
            try StreamedInput.checking(table) {
                let estimator = try designOptions.estimator(table: table, dialect: dialect, level: level)
                do {
                    rows = try analyses(estimator)
                    try countMissing(in: &rows, table: table)
                } catch let e as ComparisonError {
                    throw RequestError(description: "\(data): \(ExitStatus.withFlags(e))")
                } catch let e as EstimationError {
                    throw RequestError(description: "\(data): \(ExitStatus.withFlags(e))")
                }
            }
            rows = rows.map { r in
                var r = r
                r.reliability = rules.assessComparison(df: r.ddf ?? r.df)
                return r
            }
            for r in rows where r.note?.hasPrefix("no test") == true { Diagnostics.note("\(r.comparison): \(r.note!)") }
            let text: String
            switch format {
            case .json: text = try ContrastTable.json(rows)
            case .md: text = ContrastTable.markdown(rows, level: level)
            case .csv, .xlsx: text = ContrastTable.csv(rows)
            }
            try table.checkStreamedReading()  // before anything is written
            if WorkbookOutput.wanted(format: format.rawValue, output: output), let output {
                try plan.write([OutputPlan.Content(path: output, bytes: try Workbook.bytes([ContrastTable.sheet(rows)], name: output))])
            } else {
                try plan.write([OutputPlan.Content(path: output ?? OutputPlan.standardOutput, text: text)])
            }
        }
    }

    /// The data file in chunks (see ``StreamedInput``), keeping the design's columns, `--by`, `--chisq`'s and
    /// the compared variable (and denominator) as numbers and levels; nil when it is read whole (an SPSS, Stata
    /// or SAS file, replicate columns taken by prefix, or streaming off).
    func streamedTable(dialect: CSVDialect) throws -> Table? {
        guard StreamedInput.enabled, !inputOptions.format(of: data).isStatistical,
              designOptions.variance != .replicates else { return nil }
        var plan = StreamedInput.designPlan(weight: designOptions.weight, strata: designOptions.strata,
                                            cluster: designOptions.cluster, fpc: designOptions.fpc,
                                            margins: designOptions.margins, groupBy: designOptions.groupBy,
                                            dialect: dialect)
        plan += (commaList(by) + commaList(chisq)).map { StreamedColumnPlan(name: $0, kind: .categorical) }
        for v in [variable, statistic == .ratio ? denominator : nil].compactMap({ $0 }) {
            plan.append(StreamedColumnPlan(name: v, kind: .numericAndCategorical))
        }
        return try StreamedInput.table(data, dialect: dialect, plan: plan)
    }

    /// Sets every row's ``ContrastTableRow/missing``: the records of its scope (a level of every `--by`
    /// variable for the domain analyses, every record for `--chisq`) whose compared variable (or denominator,
    /// or either variable of `--chisq`) is missing.
    func countMissing(in rows: inout [ContrastTableRow], table: Table) throws {
        func count(_ variables: [String], scope: [String]) throws -> Int {
            let missing = CategoricalColumn.missing
            let values = try variables.map { try table.categorical($0).codes }
            let domains = try scope.map { try table.categorical($0).codes }
            return (0..<table.rowCount).reduce(0) { n, i in
                domains.contains { $0[i] == missing } || !values.contains { $0[i] == missing } ? n : n + 1
            }
        }
        let domainMissing = try variable.map { try count([$0] + (statistic == .ratio ? denominator.map { [$0] } ?? [] : []), scope: commaList(by)) }
        let chisqVariables = commaList(chisq)
        let chisqMissing = chisqVariables.count == 2 ? try count(chisqVariables, scope: []) : nil
        let chisqPrefix = chisqVariables.joined(separator: " x ") + ": Rao-Scott"
        for k in rows.indices {
            rows[k].missing = chisqMissing != nil && rows[k].comparison.hasPrefix(chisqPrefix) ? chisqMissing : domainMissing
        }
    }

    func analyses(_ estimator: SurveyEstimator) throws -> [ContrastTableRow] {
        var rows: [ContrastTableRow] = []
        let adjustment = adjust
        if let variable, againstTotal || pairwise || !contrast.isEmpty || allEqual {
            let kind: StatisticKind
            switch statistic {
            case .total: kind = .total
            case .ratio: kind = .ratio(denominator: denominator!)
            case .mean: kind = .mean
            }
            let joint = try estimator.jointEstimates(variable: variable, level: category, statistic: kind, by: commaList(by))
            let name = "\(joint.variable) \(joint.statistic)"
            if againstTotal { rows += try DomainComparison.againstWhole(joint, level: level).map { ContrastTableRow(variable: name, $0) } }
            if pairwise {
                rows += try DomainComparison.pairwise(joint, adjustment: adjustment, level: level).map { ContrastTableRow(variable: name, $0) }
            }
            if !contrast.isEmpty {
                let cs = try contrast.map { try Contrast(parsing: $0) }
                rows += try DomainComparison.contrasts(cs, of: joint, adjustment: cs.count > 1 ? adjustment : .none, level: level)
                    .map { ContrastTableRow(variable: name, $0) }
            }
            if allEqual {
                let w = try DomainComparison.allEqual(joint)
                let thin = joint.names.indices.filter { joint.names[$0] != JointEstimates.wholeName && joint.counts[$0] < JointEstimates.minimumRespondents }
                    .map { "\(joint.names[$0]) (\(joint.counts[$0]) respondent\(joint.counts[$0] == 1 ? "" : "s"))" }
                let left = thin.isEmpty ? "" : "; left out, too few respondents: " + thin.joined(separator: ", ")
                rows.append(ContrastTableRow(comparison: "\(name): \(w.label)", statistic: w.f, statisticName: "F", df: w.ndf,
                                             ddf: w.ddf, pValue: w.pValue, note: "Wald chi-square \(NumberFormat.cell(w.chiSquare))\(left)"))
            }
        }
        if ttest, let variable {
            let byVariables = commaList(by)
            guard byVariables.count == 1 else { throw ComparisonError.malformedContrast("--ttest", reason: "--by must name one variable with two levels") }
            let t = try DesignTTest(estimator, variable: variable, group: byVariables[0], level: level)
            rows.append(ContrastTableRow(comparison: "\(variable) mean: \(t.levels[1]) - \(t.levels[0]) (t test)", estimate: t.difference,
                                         se: t.se, ciLow: t.ciLow, ciHigh: t.ciHigh, statistic: t.t, statisticName: "t",
                                         df: t.df, pValue: t.pValue))
        }
        if let chisq {
            let v = commaList(chisq)
            let t = try RaoScottTest(estimator, rows: v[0], columns: v[1])
            rows.append(ContrastTableRow(comparison: "\(v[0]) x \(v[1]): Rao-Scott F (second order)", statistic: t.f, statisticName: "F",
                                         df: t.ndf, ddf: t.ddf, pValue: t.pValueF, note: "Pearson X2 \(NumberFormat.cell(t.pearson))"))
            rows.append(ContrastTableRow(comparison: "\(v[0]) x \(v[1]): Rao-Scott chi-square (first order)", statistic: t.firstOrder,
                                         statisticName: "chisq", df: t.df, pValue: t.pValueChiSquare,
                                         note: "Pearson X2 \(NumberFormat.cell(t.pearson)) / mean design effect \(NumberFormat.cell(t.meanDesignEffect))"))
        }
        return rows
    }
}

extension TestCommand: CommandFiles {
    var inputFiles: [String] { [data] + [designOptions.margins, flagsOptions.flagsFile].compactMap { $0 } }
    var outputFiles: [String] { [output].compactMap { $0 } }
}

/// The design of a data file (weights, strata, clusters, fpc, calibration, replicate weights), shared by
/// `estimate` and `test`.
struct DesignOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Weight column (default: all 1, or the base weights when calibrating).", valueName: "column"))
    var weight: String?

    @Option(help: ArgumentHelp("Stratum column.", valueName: "column"))
    var strata: String?

    @Option(help: ArgumentHelp("First-stage cluster (PSU) column.", valueName: "column"))
    var cluster: String?

    @Option(help: ArgumentHelp("Finite population correction column: population PSUs per stratum (> 1) or sampling fraction (≤ 1).", valueName: "column"))
    var fpc: String?

    @Option(help: ArgumentHelp("Single-PSU strata: \(LonelyPSUPolicy.choiceList).", valueName: "policy"),
            completion: LonelyPSUPolicy.completion, transform: LonelyPSUPolicy.parse)
    var lonelyPsu: LonelyPSUPolicy = .fail

    @Option(help: ArgumentHelp("Population margins: calibrate the weights first.", valueName: "file"))
    var margins: String?

    @OptionGroup var targetsOptions: TargetsOptions

    @OptionGroup var methodOptions: MethodOptions

    @OptionGroup var penaltyOptions: PenaltyOptions

    @OptionGroup var shapeOptions: WeightShapeOptions

    @Option(help: ArgumentHelp("With --margins: calibrate each group (levels of VARIABLE) to its own margins (a 'group' column in the margins file).", valueName: "variable"))
    var groupBy: String?

    @Option(help: ArgumentHelp("Variance: \(VarianceChoice.choiceList) (columns given by --replicate-columns).", valueName: "variance"),
            completion: VarianceChoice.completion, transform: VarianceChoice.parse)
    var variance: VarianceChoice = .linearization

    @Option(help: "Number of bootstrap replicates.")
    var replicates: Int = 200

    @Option(help: "Seed of the bootstrap (results are reproducible for a given seed).")
    var seed: UInt64 = 1

    @Option(help: "Fay's factor ρ for --variance brr (0 = plain BRR).")
    var fay: Double = 0

    @Option(help: ArgumentHelp("Read replicate weights from the data columns with this prefix (with --variance replicates).", valueName: "prefix"))
    var replicateColumns: String?

    @Option(help: ArgumentHelp("Scheme of replicate weights read back: \(ReplicateTypeChoice.choiceList).", valueName: "type"),
            completion: ReplicateTypeChoice.completion, transform: ReplicateTypeChoice.parse)
    var replicateType: ReplicateTypeChoice = .bootstrap

    @OptionGroup var missingOptions: MissingValueOptions

    func validate() throws {
        if variance == .replicates && replicateColumns == nil { throw ValidationError("--variance replicates needs --replicate-columns PREFIX") }
        if variance == .bootstrap && replicates < 2 { throw ValidationError("--replicates must be at least 2") }
        if margins == nil, let option = shapeOptions.cap != nil ? "--cap" : shapeOptions.scale != nil ? "--scale" : nil {
            throw ValidationError("\(option) shapes calibrated weights: give --margins FILE (and --method) to calibrate")
        }
    }

    /// The design of `table` as the options give it, calibrated to the margins when given (the calibration
    /// recorded in the design, so that linearization residualizes on it), and its replicate weights, re-calibrated
    /// replicate by replicate with the same calibrator (Lumley 2010, section 7.4).
    func design(table: Table, dialect: CSVDialect) throws -> (design: SurveyDesign, replicates: ReplicateWeights?) {
        var design = try SurveyDesign(table: table, weight: weight, strata: strata, cluster: cluster, fpc: fpc,
                                      lonelyPSU: lonelyPsu)
        var reps: ReplicateWeights?
        switch variance {
        case .jk1: reps = try ReplicateWeights.jk1(design)
        case .jkn: reps = try ReplicateWeights.jkn(design)
        case .bootstrap: reps = try ReplicateWeights.bootstrap(design, replicates: replicates, seed: seed)
        case .brr: reps = try ReplicateWeights.brr(design, fay: fay)
        case .replicates:
            let columns = table.names.filter { $0.hasPrefix(replicateColumns!) }
            reps = try ReplicateWeights.read(from: table, columns: columns, method: replicateType.rawValue, fay: fay)
        case .linearization: reps = nil
        }
        if let margins {
            var options = try methodOptions.calibrationOptions()
            options.totalsTolerance = targetsOptions.marginTolerance
            var calibrationTable = table  // gains the per-group numeric auxiliaries with --group-by
            var calibrator: Calibrator
            var preparedNotes: [String] = []
            if let groupBy {
                guard targetsOptions.targets == .counts else { throw OptionProblem("--group-by needs targets as counts (each group has its own population size)") }
                let crossed = try GroupedMargins.read(margins, groupVariable: groupBy, dialect: dialect).crossed(for: &calibrationTable)
                calibrator = Calibrator(margins: resolvingValueLabels(crossed, labels: table.allValueLabels),
                                        method: try methodOptions.calibrationMethod(table: calibrationTable, margins: crossed,
                                                                                   baseWeights: design.weights),
                                        options: options)
            } else {
                let read = resolvingValueLabels(try MarginsFile.read(margins, scale: targetsOptions.scale, dialect: dialect),
                                                labels: table.allValueLabels)
                let prepared = try missingOptions.prepare(
                    table: table, calibrator: Calibrator(margins: read,
                                                         method: try methodOptions.calibrationMethod(table: table, margins: read,
                                                                                                    baseWeights: design.weights),
                                                         options: options))
                calibrator = prepared.calibrator
                calibrationTable = prepared.table
                preparedNotes = prepared.notes
            }
            // Re-applied in every replicate.
            calibrator.options.costs = try penaltyOptions.costs(marginsFile: groupBy == nil ? margins : nil, dialect: dialect)
            // --cap: the capped calibration's calibrator holds the absolute cap reached, so every replicate is
            // re-calibrated under the same cap (as trimming is).
            var result: CalibrationResult
            if let cap = try shapeOptions.relativeCap() {
                let capped = try calibrator.calibrate(calibrationTable, baseWeights: design.weights, cap: cap, weightColumn: weight)
                result = capped.result
                calibrator = capped.calibrator
            } else {
                result = try calibrator.calibrate(calibrationTable, baseWeights: design.weights, weightColumn: weight)
            }
            result.report.notes += preparedNotes
            design = design.calibrated(result)
            if let r = reps {
                let progress = Progress(label: "re-calibrating \(r.count) replicates")
                reps = try r.recalibrated(using: calibrator, result: result)
                progress.done()
            }
            // --scale: one factor on the weights, re-applied to every replicate (``WeightScaling/apply(to:margins:)``).
            if let scaling = try shapeOptions.weightScaling() {
                design.weights = try scaling.apply(to: design.weights, margins: calibrator.margins)
                reps = try reps.map { try scaling.apply(to: $0, margins: calibrator.margins) }
            }
        }
        return (design, reps)
    }

    /// The estimator on ``design(table:dialect:)``: replicate variance when the options ask for replicates,
    /// linearization otherwise.
    func estimator(table: Table, dialect: CSVDialect, interval: IntervalMethod = .wald, level: Double) throws -> SurveyEstimator {
        let (design, reps) = try design(table: table, dialect: dialect)
        return SurveyEstimator(table: table, design: design, variance: reps.map { .replicates($0) } ?? .linearization,
                               interval: interval, level: level)
    }
}
