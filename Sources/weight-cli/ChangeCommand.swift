import ArgumentParser
import Foundation
import WeightingIO
import WeightingReports
import WeightingSimulation
import Weighting

/// `weight-cli change`: the change of indicators between two waves of a panel, or two editions of a survey,
/// with a standard error that accounts for the respondents they share.
struct ChangeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "change",
        abstract: "Change of indicators between two waves or editions, with the overlap of respondents in the standard error.",
        discussion: """
        Each indicator's level at both waves, with intervals, and its change (wave 2 minus wave 1, in points for \
        proportions; --ratio adds wave 2 / wave 1) with a standard error that accounts for the respondents of \
        both waves, linked by --id: linearization on the linked design (the wave-1 design, plus a stratum of the \
        wave-2 respondents without a wave-1 record), each wave's calibration accounted for; or the bootstrap \
        (with the attrition options: every replicate re-calibrates wave 1, re-fits the response model and \
        re-adjusts wave 2). The independent-samples standard error is shown beside it. Without --id the waves are \
        independent samples (zero covariance).

        Weights: either already computed (--weight COL, or --weight1 and --weight2; default 1), or computed here \
        as `attrition` does (--margins with --covariates: wave 1 calibrated, wave 2 = the wave-1 respondents \
        present again, adjusted for attrition and calibrated).

        Output columns (CSV): variable,domain,statistic,n1,estimate1,se1,ci_low1,ci_high1,n2,estimate2,se2,\
        ci_low2,ci_high2,linked,change,se_change,ci_low_change,ci_high_change,df,p_value,p_adjusted,\
        se_independent,p_independent,correlation,ratio,se_ratio,ci_low_ratio,ci_high_ratio,p_ratio,note,reliability.
        Reliability (--flags, as in estimate): a change is no more reliable than the less reliable of its two \
        levels, and its degrees of freedom are judged; a suppressed change shows 'suppressed' in Markdown and \
        HTML instead of its figures, a flagged one is marked †, with the reasons in the reliability column.

        Examples:
          weight-cli change --wave1 v1_weighted.csv --wave2 v2_weighted.csv --id code_insee --weight weight \\
            --variables site_web,score_maturite --category oui --by taille --format html -o change.html
          weight-cli change --wave1 v1.csv --wave2 v2.csv --id code_insee --margins m.csv \\
            --covariates region,taille,score_maturite --calibrate-to-wave1 score_maturite \\
            --variables site_web --variance bootstrap --replicates 200
          weight-cli change --long waves.csv --wave-column vague --id code_insee --weight w --variables site_web
        """
    )

    @Option(help: ArgumentHelp("Wave-1 (or earlier edition) file.", valueName: "file")) var wave1: String?
    @Option(help: ArgumentHelp("Wave-2 (or later edition) file.", valueName: "file")) var wave2: String?
    @Option(help: ArgumentHelp("One long file holding both waves (instead of --wave1/--wave2), with --wave-column.", valueName: "file")) var long: String?
    @Option(help: ArgumentHelp("Column of the long file giving the wave (two levels; the smaller first).", valueName: "column")) var waveColumn: String?
    @Option(help: ArgumentHelp("Respondent identifier linking the waves (without it: independent samples).", valueName: "column")) var id: String?

    @Option(help: ArgumentHelp("Indicators: numeric (means) or categorical (a proportion per level).", valueName: "v1,v2")) var variables: String
    @Option(help: ArgumentHelp("For categorical --variables: only this level's proportion (default: every level's).", valueName: "level")) var category: String?
    @Option(help: ArgumentHelp("Domains: one categorical variable of both waves (each wave's own value).", valueName: "column")) var by: String?

    @Option(help: ArgumentHelp("Weight column of both waves (weights already computed).", valueName: "column")) var weight: String?
    @Option(help: ArgumentHelp("Weight column of wave 1.", valueName: "column")) var weight1: String?
    @Option(help: ArgumentHelp("Weight column of wave 2.", valueName: "column")) var weight2: String?
    @Option(help: ArgumentHelp("Stratum column of the linked design (wave-1 values; wave 2's for its new respondents).", valueName: "column")) var strata: String?
    @Option(help: ArgumentHelp("First-stage cluster (PSU) column of the linked design.", valueName: "column")) var cluster: String?

    @Option(help: ArgumentHelp("Population margins: weight the waves here (wave-1 calibration, attrition adjustment of wave 2).", valueName: "file")) var margins: String?
    @Option(help: ArgumentHelp("Wave-1 covariates of the response model (with --margins).", valueName: "a,b,c")) var covariates: String?
    @OptionGroup var targetsOptions: TargetsOptions
    @OptionGroup var methodOptions: MethodOptions
    @Option(help: ArgumentHelp("Attrition adjustment with --margins: \(AdjustmentChoice.choiceList).", valueName: "adjustment"),
            completion: AdjustmentChoice.completion, transform: AdjustmentChoice.parse)
    var adjustment: AdjustmentChoice = .classes
    @Option(help: "Number of propensity classes.") var classes: Int = 5
    @Option(help: "Cap on the attrition adjustment factors.") var maxFactor: Double?
    @Option(help: ArgumentHelp("Wave-1 variables whose wave-1 weighted totals wave 2 must reproduce.", valueName: "x,y")) var calibrateToWave1: String?
    @Option(help: ArgumentHelp("Wave-1 base weight column with --margins (default 1).", valueName: "column")) var baseWeight: String?

    @Option(help: ArgumentHelp("Variance: \(ChangeVarianceChoice.choiceList).", valueName: "variance"),
            completion: ChangeVarianceChoice.completion, transform: ChangeVarianceChoice.parse)
    var variance: ChangeVarianceChoice = .linearization
    @Option(help: ArgumentHelp("With --margins: leverage correction of the returning respondents' contributions (linearization) or of their replicated calibration residuals (bootstrap), \(LeverageAdjustment.choiceList) (none: R survey's plain linearization, the plain bootstrap).", valueName: "leverage"),
            completion: LeverageAdjustment.completion, transform: LeverageAdjustment.parse)
    var leverage: LeverageAdjustment = .jackknife
    @Option(help: "Number of bootstrap replicates.") var replicates: Int = 200
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Intervals of the waves' proportions: \(ChangeIntervalChoice.choiceList) (the change's are Wald t intervals).", valueName: "ci"),
            completion: ChangeIntervalChoice.completion, transform: ChangeIntervalChoice.parse)
    var ci: ChangeIntervalChoice = .wald
    @Option(help: "Confidence level.") var level: Double = 0.95
    @Flag(help: "Also give the ratio wave 2 / wave 1 (delta method, tested against 1).") var ratio = false
    @Option(help: ArgumentHelp("Adjustment of the changes' p-values over the table: \(PValueAdjustment.choiceList).", valueName: "adjust"),
            completion: PValueAdjustment.completion, transform: PValueAdjustment.parse)
    var adjust: PValueAdjustment = .holm
    @Option(help: ArgumentHelp("Output format: \(ChangeFormat.choiceList).", valueName: "format"),
            completion: ChangeFormat.completion, transform: ChangeFormat.parse)
    var format: ChangeFormat = .csv
    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (default: standard output).", valueName: "file")) var output: String?
    @OptionGroup var flagsOptions: FlagsOptions
    @OptionGroup var inputOptions: InputFormatOptions
    @OptionGroup var verbosity: VerbosityOptions

    var attritionMode: Bool { margins != nil }

    func validate() throws {
        if long != nil {
            if waveColumn == nil { throw ValidationError("--long needs --wave-column COLUMN") }
            if wave1 != nil || wave2 != nil { throw ValidationError("give either --long with --wave-column, or --wave1 and --wave2 files") }
        } else if wave1 == nil || wave2 == nil {
            throw ValidationError("give --wave1 FILE and --wave2 FILE (or --long FILE --wave-column COLUMN)")
        }
        if commaList(variables).isEmpty { throw ValidationError("--variables needs at least one column") }
        if let by, commaList(by).count != 1 { throw ValidationError("--by takes one categorical variable, got '\(by)'") }
        if weight != nil && (weight1 != nil || weight2 != nil) { throw ValidationError("give --weight for both waves, or --weight1 and --weight2, not both") }
        if attritionMode {
            if id == nil { throw ValidationError("--margins weights wave 2 from the wave-1 respondents present again: it needs --id COLUMN") }
            if covariates == nil { throw ValidationError("--margins needs --covariates a,b,c (the wave-1 variables of the response model)") }
            if weight != nil || weight1 != nil || weight2 != nil {
                throw ValidationError("--margins computes the weights: drop --weight/--weight1/--weight2 (give wave 1's base weights with --base-weight)")
            }
            if cluster != nil { throw ValidationError("--cluster is not available with --margins (the attrition chain treats wave-1 records as independent)") }
            if classes < 1 { throw ValidationError("--classes must be at least 1") }
            if let maxFactor, !(maxFactor > 1) { throw ValidationError("--max-factor must be greater than 1") }
        } else if covariates != nil || calibrateToWave1 != nil || baseWeight != nil {
            throw ValidationError("--covariates, --calibrate-to-wave1 and --base-weight go with --margins")
        }
        if variance == .bootstrap && replicates < 2 { throw ValidationError("--replicates must be at least 2") }
        guard level > 0 && level < 1 else { throw ValidationError("--level must be between 0 and 1, e.g. 0.95") }
    }

    /// A problem found in the waves, with the file in front (exit code 1).
    struct ChangeInputError: Error, CustomStringConvertible { var description: String }

    var fileNames: [String] { long.map { ["\($0) (wave 1)", "\($0) (wave 2)"] } ?? [wave1!, wave2!] }

    func run() throws {
        try runReporting {
            verbosity.apply()
            FileIO.installInterruptCleanup()
            let plan = try outputPlan(standardOutput: output == nil)
            let dialect = inputOptions.dialect
            let rules = try flagsOptions.ruleSet()
            let tables = try loadWaves(dialect: dialect)
            // A streamed wave file that changed between passes is reported first, not the error it led to.
            try StreamedInput.checking(tables[0]) { try StreamedInput.checking(tables[1]) {
                try checkColumns(tables)
                let (design, respondents2, notes) = try changeDesign(tables, dialect: dialect)
                var out: [ChangeEstimate] = []
                var thin: [String] = []
                for v in commaList(variables) {
                    for c in try changes(of: v, tables: tables, design: design, wave2Rows: respondents2) {
                        if c.change.note != nil { thin.append("\(c.variable) (\(c.domain)): \(c.change.note!)") }
                        out.append(c)
                    }
                }
                let p = adjust.adjust(out.map(\.change.pValue))
                let rows = zip(out, p).map { c, padj in
                    let ci1 = interval(c.wave1, statistic: c.statistic, df: c.change.df)
                    let ci2 = interval(c.wave2, statistic: c.statistic, df: c.change.df)
                    return ChangeTableRow(change: c, ciWave1: ci1, ciWave2: ci2, pAdjusted: adjust == .none ? nil : padj,
                                          reliability: rules.assess(change: c, ciWave1: ci1, ciWave2: ci2))
                }
                for n in notes + thin { Diagnostics.note(n) }
                let waveNames = ChangeEstimate.waveNames
                let text: String
                switch format {
                case .json: text = try ChangeTable.json(rows)
                case .md: text = ChangeTable.markdown(rows, level: level, waveNames: waveNames)
                case .html:
                    text = ChangeTable.html(rows, level: level, title: "Change between \(fileNames[0]) and \(fileNames[1])",
                                            waveNames: waveNames, notes: notes + thin + [varianceNote(design)])
                case .csv: text = ChangeTable.csv(rows)
                }
                for t in tables { try t.checkStreamedReading() }  // before anything is written
                try plan.write([OutputPlan.Content(path: output ?? OutputPlan.standardOutput, text: text)])
            } }
        }
    }

    func varianceNote(_ design: ChangeDesign) -> String {
        let how: String
        switch design.variance {
        case .linearization: how = "linearization on the linked design"
        case .replicates(let r): how = "\(r.rscales.count) bootstrap replicates"
        }
        return "Variance: \(how); \(design.overlap) respondents linked in both waves; " + (adjust == .none ? "p-values not adjusted." : "p-values adjusted by \(adjust) over the table's changes.")
    }

    /// The interval shown for a wave's level: Wald t, or logit for a proportion with `--ci logit`.
    func interval(_ e: ChangeEstimate.LevelEstimate, statistic: String, df: Double) -> [Double]? {
        guard let se = e.se, let lo = e.ciLow, let hi = e.ciHigh else { return nil }
        if ci == .logit && statistic == "proportion" && e.estimate > 0 && e.estimate < 1 && se > 0 {
            let (a, b) = ProportionIntervals.logit(p: e.estimate, se: se, df: df, level: level)
            return [a, b]
        }
        return [lo, hi]
    }

    /// The two waves, from two files or split from one long file by the wave column.
    func loadWaves(dialect: CSVDialect) throws -> [Table] {
        guard let long, let waveColumn else {
            // Two files: read in chunks, keeping the columns the options name (see ``StreamedInput``).
            guard StreamedInput.enabled else { return try [wave1!, wave2!].map { try Table(contentsOf: $0, dialect: dialect) } }
            let plan = streamedPlan(dialect: dialect)
            return try [wave1!, wave2!].map { try StreamedInput.table($0, dialect: dialect, plan: plan) }
        }
        // Read in chunks too: the planned columns and the wave column; each wave's subset converts a column when
        // it is asked for.
        let table = StreamedInput.enabled
            ? try StreamedInput.table(long, dialect: dialect,
                                      plan: streamedPlan(dialect: dialect) + [StreamedColumnPlan(name: waveColumn, kind: .categorical)])
            : try Table(contentsOf: long, dialect: dialect)
        let wave = try table.categorical(waveColumn)
        if let i = wave.codes.firstIndex(of: CategoricalColumn.missing) {
            throw DesignError.missingDesignValue(variable: waveColumn, firstSeen: table.location(row: i, column: try table.index(of: waveColumn)))
        }
        guard wave.levels.count == 2 else {
            throw ChangeInputError(description: "\(long): column \(Echo.quoted(waveColumn)) must hold exactly two waves, it has \(wave.levels.count) (\(wave.levels.prefix(10).map { Echo.quoted($0) }.joined(separator: ", ")))")
        }
        let order = wave.levels.indices.sorted {
            let a = Double(wave.levels[$0]), b = Double(wave.levels[$1])
            if let a, let b { return a < b }
            return wave.levels[$0] < wave.levels[$1]
        }
        return try order.map { level in try table.subset((0..<table.rowCount).filter { wave.codes[$0] == UInt32(level) }) }
    }

    /// The columns the options name, for reading the waves in chunks: the linked design's and the attrition
    /// adjustment's as levels or numbers, the indicators as either (a column outside the plan costs one more pass).
    func streamedPlan(dialect: CSVDialect) -> [StreamedColumnPlan] {
        var plan = StreamedInput.designPlan(weight: nil, strata: strata, cluster: cluster, fpc: nil, margins: margins,
                                            groupBy: nil, dialect: dialect)
        plan += [weight, weight1, weight2, baseWeight].compactMap { $0 }.map { StreamedColumnPlan(name: $0, kind: .numeric) }
        plan += [id, by].compactMap { $0 }.map { StreamedColumnPlan(name: $0, kind: .categorical) }
        plan += commaList(calibrateToWave1).map { StreamedColumnPlan(name: $0, kind: .numeric) }
        plan += (commaList(variables) + commaList(covariates)).map { StreamedColumnPlan(name: $0, kind: .numericOrCategorical) }
        return plan
    }

    /// Every variable, the domain and the weights must be columns of both waves.
    func checkColumns(_ tables: [Table]) throws {
        var needed: [(String, String, [Int])] = commaList(variables).map { ($0, "--variables", [0, 1]) }
        if let by { needed.append((by, "--by", [0, 1])) }
        if let id { needed.append((id, "--id", [0, 1])) }
        if let weight { needed.append((weight, "--weight", [0, 1])) }
        if let weight1 { needed.append((weight1, "--weight1", [0])) }
        if let weight2 { needed.append((weight2, "--weight2", [1])) }
        if let strata { needed.append((strata, "--strata", [0, 1])) }
        if let cluster { needed.append((cluster, "--cluster", [0, 1])) }
        for c in commaList(covariates) + commaList(calibrateToWave1) + [baseWeight].compactMap({ $0 }) { needed.append((c, "wave-1 variable", [0])) }
        for (column, option, waves) in needed {
            for k in waves where !tables[k].names.contains(column) {
                throw ChangeInputError(description: "\(fileNames[k]): wave \(k + 1) has no column \(Echo.quoted(column)) (\(option)); columns: \(tables[k].names.prefix(20).map { Echo.quoted($0) }.joined(separator: ", "))")
            }
        }
    }

    /// The linked design and the two waves' weights (and replicates), and the row of wave 2's table behind each
    /// of its respondents in the design.
    func changeDesign(_ tables: [Table], dialect: CSVDialect) throws -> (ChangeDesign, [Int], [String]) {
        let t1 = tables[0], t2 = tables[1]
        var notes: [String] = []
        // Link by identifier: duplicated or missing identifiers are refused by Panel.
        var match2: [Int?] = [Int?](repeating: nil, count: t2.rowCount)   // wave-2 row -> wave-1 row
        var linkedPanel: Panel?
        if let id {
            let panel: Panel
            do { panel = try Panel(waves: tables, idColumn: id) } catch let e as PanelError {
                if case .duplicateIdentifier(let w, _, _) = e { throw ChangeInputError(description: "\(fileNames[w - 1]): \(e)") }
                if case .missingIdentifier(let w, _) = e { throw ChangeInputError(description: "\(fileNames[w - 1]): \(e)") }
                throw e
            }
            for (r, rows) in panel.rowInWave.enumerated() { if let j = rows[1] { match2[j] = r } }
            linkedPanel = panel
            let common = match2.compactMap { $0 }.count
            if common == 0 {
                throw ChangeInputError(description: "\(fileNames[0]) and \(fileNames[1]) have no identifier in common in column \(Echo.quoted(id)) (wave 1 e.g. \(panel.ids[0].prefix(3).map { Echo.quoted($0) }.joined(separator: ", ")); wave 2 e.g. \(panel.ids[1].prefix(3).map { Echo.quoted($0) }.joined(separator: ", "))): check --id, or leave it out to treat the waves as independent samples")
            }
        }
        if attritionMode { return try attritionDesign(linkedPanel!, match2: match2, dialect: dialect) }  // validate(): --margins needs --id

        // Weights already computed.
        func weights(_ t: Table, _ column: String?, _ k: Int) throws -> [Double] {
            guard let column else { return [Double](repeating: 1, count: t.rowCount) }
            let w = try t.numeric(column)
            let j = try t.index(of: column)
            for (i, v) in w.values.enumerated() where !(v.isFinite && v >= 0) {
                throw ChangeInputError(description: "\(fileNames[k]): \(t.location(row: i, column: j)): weight \(Echo.quoted(column)) is \(v.isNaN ? "missing" : Table.format(v)); weights must be finite numbers ≥ 0")
            }
            return w.values
        }
        let w1 = try weights(t1, weight1 ?? weight, 0), w2 = try weights(t2, weight2 ?? weight, 1)
        // Linked records: wave 1's, then wave 2's respondents with no wave-1 record, in a stratum of their own
        // (a fresh sample; all of wave 2 without --id).
        var link2 = [Int](repeating: 0, count: t2.rowCount)
        var fresh: [Int] = []
        for j in 0..<t2.rowCount {
            if let r = match2[j] { link2[j] = r } else { link2[j] = t1.rowCount + fresh.count; fresh.append(j) }
        }
        let freshWeighted = fresh.filter { w2[$0] > 0 }.count
        if id != nil && freshWeighted > 0 {
            notes.append("\(freshWeighted) respondent(s) of wave 2 have no wave-1 record: they form a stratum of their own in the linked design")
        }
        let n = t1.rowCount + fresh.count
        var strataKeys: [String] = [], clusterKeys: [String] = []
        func text(_ t: Table, _ column: String?, _ i: Int) throws -> String {
            guard let column else { return "" }
            let c = try t.categorical(column)
            guard let v = c[i] else { throw DesignError.missingDesignValue(variable: column, firstSeen: t.location(row: i, column: try t.index(of: column))) }
            return v
        }
        for i in 0..<t1.rowCount { strataKeys.append("1\u{1F}" + (try text(t1, strata, i))); clusterKeys.append("1\u{1F}" + (try text(t1, cluster, i))) }
        for j in fresh { strataKeys.append("2\u{1F}" + (try text(t2, strata, j))); clusterKeys.append("2\u{1F}" + (try text(t2, cluster, j))) }
        var strataIndex: [String: Int32] = [:], labels: [String] = []
        let strataCodes = strataKeys.map { key -> Int32 in
            if let h = strataIndex[key] { return h }
            let h = Int32(labels.count); strataIndex[key] = h
            labels.append((key.hasPrefix("1") ? "" : "new in wave 2 ") + String(key.dropFirst(2)))
            return h
        }
        var clusterCodes: [Int32]? = nil
        if cluster != nil {
            var index: [String: Int32] = [:]
            clusterCodes = zip(strataKeys, clusterKeys).map { s, c in
                let key = s + "\u{1E}" + c
                if let p = index[key] { return p }
                let p = Int32(index.count); index[key] = p; return p
            }
        }
        let linkedWeights = (0..<n).map { $0 < t1.rowCount ? w1[$0] : w2[fresh[$0 - t1.rowCount]] }
        let linked = try SurveyDesign(weights: linkedWeights, strata: strataCodes, strataLabels: labels, clusters: clusterCodes,
                                      isClustered: cluster != nil)
        var first = ChangeWave(weights: w1, linkedRecord: Array(0..<t1.rowCount))
        var second = ChangeWave(weights: w2, linkedRecord: link2)
        var varianceKind = ChangeVariance.linearization
        if variance == .bootstrap {
            // Rao-Wu multipliers of the linked units (a design with unit weights), applied to each wave's weights.
            let unit = try SurveyDesign(weights: [Double](repeating: 1, count: n), strata: strataCodes, strataLabels: labels,
                                        clusters: clusterCodes, isClustered: cluster != nil)
            let progress = Progress(label: "drawing \(replicates) bootstrap replicates")
            let reps = try ReplicateWeights.bootstrap(unit, replicates: replicates, seed: seed)
            progress.done()
            first.replicateWeights = reps.weights.map { m in (0..<t1.rowCount).map { w1[$0] * m[$0] } }
            second.replicateWeights = reps.weights.map { m in (0..<t2.rowCount).map { w2[$0] * m[link2[$0]] } }
            varianceKind = .replicates(reps)
        }
        return (ChangeDesign(linked: linked, first: first, second: second, variance: varianceKind), Array(0..<t2.rowCount), notes)
    }

    /// Weights computed as `attrition` does, by ``PanelWeighting``: wave 1 calibrated (the linked design carries
    /// that calibration), wave 2 = the wave-1 respondents present again, adjusted for attrition and calibrated.
    func attritionDesign(_ panel: Panel, match2: [Int?], dialect: CSVDialect) throws -> (ChangeDesign, [Int], [String]) {
        let t1 = panel.waves[0]
        var notes: [String] = []
        let read = try MarginsFile.read(margins!, scale: targetsOptions.scale, dialect: dialect)
        var options = try methodOptions.calibrationOptions()
        options.totalsTolerance = targetsOptions.marginTolerance
        let calibrator = Calibrator(margins: read, method: try methodOptions.calibrationMethod(
            table: t1, margins: read, baseWeights: try AutoBounds.baseWeights(t1, weight: baseWeight)), options: options)
        let newcomers = match2.filter { $0 == nil }.count
        if newcomers > 0 { notes.append("\(newcomers) respondent(s) of wave 2 have no wave-1 record: weight 0 (as in attrition)") }
        let progress = variance == .bootstrap ? Progress(label: "re-weighting \(replicates) bootstrap replicates") : nil
        let weighting = PanelWeighting(panel: panel, calibrator: calibrator, wave1Weight: baseWeight, covariates: commaList(covariates),
                                       adjustment: adjustment == .classes ? .propensityClasses(classes) : .inversePropensity,
                                       maxFactor: maxFactor, calibrateToWave1: commaList(calibrateToWave1))
        let result: PanelChange
        do {
            result = try weighting.change(toWave: 2, wave1: try weighting.calibrateWave1(), strata: strata,
                                          bootstrap: variance == .bootstrap ? AttritionBootstrap(replicates: replicates, seed: seed) : nil,
                                          leverage: leverage)
        } catch let failure as AttritionReplicateFailure {
            // A replicate that cannot be calibrated fails like the main sample's calibration (exit 2).
            Diagnostics.error(failure.description)
            throw ExitCode(2)
        }
        progress?.done()
        if result.redrawn > 0 { notes.append("bootstrap: \(result.redrawn) drawn replicate(s) could not be calibrated and were redrawn (variance conditional on every calibration level being represented)") }
        return (result.design, result.part.rows, notes)
    }

    /// The changes of one variable: its mean (numeric) or each level's proportion (categorical), in the whole
    /// population and in each domain of --by.
    func changes(of variable: String, tables: [Table], design: ChangeDesign, wave2Rows: [Int]) throws -> [ChangeEstimate] {
        let t1 = tables[0], t2 = tables[1]
        let numeric1 = try? t1.numeric(variable), numeric2 = try? t2.numeric(variable)
        var series: [(label: String, statistic: String, y1: [Double], y2: [Double])] = []
        if let numeric1, let numeric2 {
            series.append((variable, "mean", numeric1.values, wave2Rows.map { numeric2.values[$0] }))
        } else {
            if numeric1 != nil || numeric2 != nil {
                // One wave's column reads as numbers, the other's does not: compare them as categories.
                Diagnostics.note("\(variable): numeric in one wave only, compared as categories")
            }
            let c1 = try t1.categorical(variable), c2 = try t2.categorical(variable)
            var levels = Array(Set(c1.levels + c2.levels)).sorted()
            if let category {
                guard levels.contains(category) else {
                    throw ChangeInputError(description: "\(fileNames.joined(separator: ", ")): variable \(Echo.quoted(variable)) has no level \(Echo.quoted(category)) (--category) in either wave; levels: \(levels.prefix(20).map { Echo.quoted($0) }.joined(separator: ", "))")
                }
                levels = [category]
            }
            for l in levels {
                let y1 = (0..<t1.rowCount).map { i in c1[i].map { $0 == l ? 1.0 : 0.0 } ?? .nan }
                let y2 = wave2Rows.map { i in c2[i].map { $0 == l ? 1.0 : 0.0 } ?? .nan }
                series.append(("\(variable)=\(l)", "proportion", y1, y2))
            }
        }
        var domains: [(name: String, in1: [Bool]?, in2: [Bool]?)] = [(JointEstimates.wholeName, nil, nil)]
        if let by {
            let d1 = try t1.categorical(by), d2 = try t2.categorical(by)
            for l in Array(Set(d1.levels + d2.levels)).sorted() {
                domains.append(("\(by)=\(l)", (0..<t1.rowCount).map { d1[$0] == l }, wave2Rows.map { d2[$0] == l }))
            }
        }
        var out: [ChangeEstimate] = []
        for s in series {
            for d in domains {
                do {
                    out.append(try design.change(y1: s.y1, y2: s.y2, in1: d.in1, in2: d.in2, variable: s.label, statistic: s.statistic,
                                                 domain: d.name, level: level, ratio: ratio))
                } catch let e as ComparisonError {
                    if case .emptyDomain = e {
                        Diagnostics.note("\(s.label) (\(d.name)): \(e); no estimate")
                        continue
                    }
                    throw ChangeInputError(description: "\(fileNames.joined(separator: ", ")): \(e)")
                }
            }
        }
        return out
    }
}

extension ChangeCommand: CommandFiles {
    var inputFiles: [String] { [wave1, wave2, long, margins, flagsOptions.flagsFile].compactMap { $0 } }
    var outputFiles: [String] { [output].compactMap { $0 } }
}

/// The variance of `change`.
enum ChangeVarianceChoice: String, OptionChoice {
    /// Linearization on the linked design.
    case linearization
    /// Rao–Wu bootstrap of the linked units (re-weighting each replicate with --margins).
    case bootstrap
    static var flag: String { "--variance" }
}

/// The intervals of the waves' levels in `change`.
enum ChangeIntervalChoice: String, OptionChoice {
    /// Wald t.
    case wald
    /// Logit for proportions (Wald t otherwise).
    case logit
    static var flag: String { "--ci" }
}

/// The output format of `change`.
enum ChangeFormat: String, OptionChoice {
    case csv, json, md, html
    static var flag: String { "--format" }
}
