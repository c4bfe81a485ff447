import ArgumentParser
import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

struct AttritionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attrition",
        abstract: "Weight later waves of a panel for attrition: response model, adjustment, two-phase calibration.",
        discussion: """
        Wave 1 is calibrated to the margins. For each later wave k, the respondents present in every wave from 1 \
        to k get their wave-1 weight times an attrition factor (inverse propensity, or propensity classes), then \
        are calibrated to the population margins and to the wave-1 weighted totals of --calibrate-to-wave1.
        Respondents of wave K without a wave-1 record (newcomers) are combined with the panel part and the wave \
        calibrated to the margins (--newcomers combine, default; --composite), or get weight 0 (--newcomers exclude).
        Writes DIR/wave1_weighted.csv, DIR/waveK_weighted.csv (rows of wave K, with column in_panel) and \
        DIR/longitudinal.csv (rows of the first --longitudinal wave of those present in every chosen wave, with \
        the weight and, with --replicates, rep_1..rep_R). Wave files may be CSV or SPSS, Stata or SAS files \
        (.sav, .zsav, .por, .dta, .sas7bdat, .xpt, read through ReadStat, labelled values by their labels); the \
        weighted files are CSV.

        Example:
          weight-cli attrition --wave1 v1.csv --wave v2.csv --wave v3.csv --id code_insee \\
            --covariates region,taille,site_web --margins margins.csv --calibrate-to-wave1 site_web \\
            --output-dir out --report out/attrition.md
        """
    )

    @Option(help: ArgumentHelp("Wave-1 file.", valueName: "file")) var wave1: String?
    @Option(name: .customLong("wave"), help: ArgumentHelp("A later wave's file (repeat, in order).", valueName: "file")) var waves: [String] = []
    @Option(help: ArgumentHelp("One long file holding every wave (instead of --wave1/--wave), with --wave-column.", valueName: "file")) var long: String?
    @Option(help: ArgumentHelp("Column of the long file giving the wave (waves in increasing order).", valueName: "column")) var waveColumn: String?
    @Option(help: ArgumentHelp("Respondent identifier column (in every wave).", valueName: "column")) var id: String
    @Option(help: ArgumentHelp("Wave-1 covariates of the response model.", valueName: "a,b,c")) var covariates: String
    @OptionGroup var marginsOptions: MarginsOptions
    @OptionGroup var methodOptions: MethodOptions
    @Option(help: ArgumentHelp("Adjustment: propensity (inverse propensity) | classes (propensity classes).", valueName: "adjustment"),
            completion: AdjustmentChoice.completion, transform: AdjustmentChoice.parse)
    var adjustment: AdjustmentChoice = .classes
    @Option(help: "Number of propensity classes.") var classes: Int = 5
    @Option(help: "Cap on the attrition adjustment factors.") var maxFactor: Double?
    @Option(help: ArgumentHelp("Wave-1 variables whose wave-1 weighted totals later waves must reproduce.", valueName: "x,y")) var calibrateToWave1: String?
    @Option(help: ArgumentHelp("Wave-1 base weight column (default 1).", valueName: "column")) var weight: String?
    @Option(help: ArgumentHelp("Wave-1 variables to report retention by.", valueName: "a,b")) var groupBy: String?
    @Option(help: "Bootstrap replicates carrying the whole adjustment (0 = none).") var replicates: Int = 0
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Output folder (created if missing).", valueName: "dir")) var outputDir: String = "."
    @Option(help: ArgumentHelp("Report file (.json, .md or .html).", valueName: "file")) var report: String?
    @OptionGroup var waveOptions: NonNestedWaveOptions
    @OptionGroup var inputOptions: InputFormatOptions
    @OptionGroup var verbosity: VerbosityOptions

    func validate() throws {
        if long != nil {
            if waveColumn == nil { throw ValidationError("--long needs --wave-column COLUMN") }
            if wave1 != nil || !waves.isEmpty { throw ValidationError("give either --long with --wave-column, or --wave1 and --wave files") }
        } else {
            if wave1 == nil { throw ValidationError("give --wave1 FILE (or --long FILE --wave-column COLUMN)") }
            if waves.isEmpty { throw ValidationError("give at least one later wave with --wave FILE") }
        }
        if classes < 1 { throw ValidationError("--classes must be at least 1") }
        if let maxFactor, !(maxFactor > 1) { throw ValidationError("--max-factor must be greater than 1") }
        if let report, !(report.hasSuffix(".json") || report.hasSuffix(".md") || report.hasSuffix(".html")) {
            throw ValidationError("--report must end in .json, .md or .html")
        }
        if replicates == 1 || replicates < 0 { throw ValidationError("--replicates must be 0 or at least 2") }
        let longWaves = try waveOptions.longitudinalWaves(count: (long != nil ? nil : waves.count + 1))
        if let longWaves, !longWaves.contains(1), replicates >= 2 {
            throw ValidationError("--replicates needs wave 1 in --longitudinal (the replicates start from wave 1's calibration)")
        }
    }

    func run() throws {
        try runReporting {
            verbosity.apply()
            FileIO.installInterruptCleanup()
            // Every output (the folder's files and the report) is checked first and they are committed together.
            // --output-dir is created if missing (with a report inside it); any other missing folder is an error.
            let inOutputDir = report.map { $0.hasPrefix(outputDir.hasSuffix("/") ? outputDir : outputDir + "/") } ?? false
            let plan = try outputPlan(createFolders: Set(dataOutputs + (inOutputDir ? [report!] : [])))
            let dialect = inputOptions.dialect
            let loaded = try loadWaves(dialect: dialect)
            // A streamed file that changed between passes is reported first, not the error it led to.
            try StreamedInput.checking(loaded.streamed) { try weight(loaded, plan: plan, dialect: dialect) }
        }
    }

    /// Weights the waves and writes every output (``run()``'s work once the waves are read).
    func weight(_ loaded: Waves, plan: OutputPlan, dialect: CSVDialect) throws {
        let tables = loaded.tables
        let wave1 = self.wave1 ?? long!
        // The weighted files get columns 'weight' and 'in_panel' (and rep_1..rep_R): refuse inputs that already
        // have them before any work, naming the file, rather than failing at the end on a duplicate column.
        let written = ["weight", "in_panel"] + (replicates >= 2 ? (1...replicates).map { "rep_\($0)" } : [])
        for (k, t) in tables.enumerated() {
            if let name = written.first(where: t.fileColumns.contains) {
                let file = long ?? (k == 0 ? wave1 : waves[k - 1])
                throw OptionProblem("\(file) already has a column \(Echo.quoted(name)), which attrition writes in its weighted files; rename that column in the input")
            }
        }
        let panel = try Panel(waves: tables, idColumn: id)
        let read = try marginsOptions.read(dialect: dialect)
        var options = try methodOptions.calibrationOptions()
        options.totalsTolerance = marginsOptions.marginTolerance
        let calibrator = Calibrator(margins: read,
                                    method: try methodOptions.calibrationMethod(table: tables[0], margins: read,
                                                                               baseWeights: try AutoBounds.baseWeights(tables[0], weight: weight)),
                                    options: options)
        var weighting = PanelWeighting(panel: panel, calibrator: calibrator, wave1Weight: weight, covariates: commaList(covariates),
                                       adjustment: adjustment == .classes ? .propensityClasses(classes) : .inversePropensity,
                                       maxFactor: maxFactor, calibrateToWave1: commaList(calibrateToWave1))
        weighting.newcomers = waveOptions.newcomers == .combine ? .combine(try waveOptions.compositeFactor()) : .exclude
        weighting.missingCovariates = waveOptions.missingCovariates.policy
        weighting.longitudinalWaves = try waveOptions.longitudinalWaves(count: tables.count)
        let result: PanelWeighting.Result
        do {
            result = try weighting.run(replicates: replicates, seed: seed)
        } catch PanelError.newcomersWithoutCalibrationVariable(let k, let count, let variable) {
            throw OptionProblem("\(long ?? waves[k - 2]): wave \(k) has \(count) respondent(s) without a wave-1 record, and no column \(Echo.quoted(variable)) to calibrate them to the margins; add the calibration variables to the wave's file, or give them weight 0 with --newcomers exclude")
        } catch let failure as AttritionReplicateFailure {
            // A replicate that cannot be calibrated fails like the main sample's calibration (exit 2).
            Diagnostics.error(failure.description)
            throw ExitCode(2)
        }
        let first = result.wave1
        for note in result.covariateNotes { Diagnostics.note(note) }
        for w in result.crossSectional {
            guard let c = w.newcomers else { continue }
            Diagnostics.note("wave \(w.wave): \(c.newcomers) respondent(s) without a wave-1 record combined with \(c.panel) panel member(s) (composite factor \(String(format: "%.3f", c.lambda)) for the panel), then calibrated to the margins")
        }
        if let reps = result.replicates, reps.redrawn > 0 {
            let causes = reps.reasons.prefix(3).map { "\($0.label) (\($0.count))" }.joined(separator: ", ")
            Diagnostics.note("bootstrap: \(reps.redrawn) drawn replicate(s) could not be calibrated and were redrawn (variance conditional on every calibration level being represented); most frequent causes: \(causes)")
        }
        // Cross-sectional weight of each row of each wave (0 for rows outside the panel when newcomers are excluded).
        let waveWeights = [first.weights] + result.crossSectional.map(\.weights)
        let waveInPanel = [[Double](repeating: 1, count: tables[0].rowCount)] + result.crossSectional.map(\.inPanel)
        var contents: [OutputPlan.Content] = []
        if let longTable = loaded.long {
            // One output for the long file: each row's cross-sectional weight.
            var weightColumn = [Double](repeating: 0, count: longTable.rowCount), inPanelColumn = weightColumn
            for (k, t) in tables.enumerated() {
                for (i, row) in t.sourceRows!.enumerated() { weightColumn[row] = waveWeights[k][i]; inPanelColumn[row] = waveInPanel[k][i] }
            }
            contents.append(weightedContent(path: "\(outputDir)/long_weighted.csv", source: longTable,
                                            columns: [("weight", weightColumn), ("in_panel", inPanelColumn)], dialect: dialect))
        } else {
            contents.append(weightedContent(path: "\(outputDir)/wave1_weighted.csv", source: tables[0],
                                            columns: [("weight", first.weights)], dialect: dialect))
            for k in 2...tables.count {
                contents.append(weightedContent(path: "\(outputDir)/wave\(k)_weighted.csv", source: tables[k - 1],
                                                columns: [("weight", waveWeights[k - 1]), ("in_panel", waveInPanel[k - 1])],
                                                dialect: dialect))
            }
        }
        // Longitudinal file: rows of the first chosen wave of those present in every chosen wave.
        let longitudinal = result.longitudinal
        let longitudinalBase = longitudinal.baseWave - 1
        let base = tables[longitudinalBase]
        let sourceRows = longitudinal.rows.map { base.sourceRows?[$0] ?? $0 }
        let baseFile = long ?? (longitudinalBase == 0 ? wave1 : waves[longitudinalBase - 1])
        var longColumns: [(name: String, values: [Double])] = [("weight", longitudinal.weights)]
        if let reps = result.replicates {
            for (r, w) in reps.adjusted[0].weights.enumerated() { longColumns.append(("rep_\(r + 1)", w)) }
        }
        contents.append(try subsetContent(path: "\(outputDir)/longitudinal.csv", source: loaded.long ?? base, file: baseFile,
                                          rows: sourceRows, columns: longColumns, dialect: dialect))
        let summary = try AttritionSummary(panel: panel, groupBy: commaList(groupBy))
        let reports = result.crossSectional.map(\.report)
        if let report {
            var markdown = AttritionReportWriter.markdown(summary: summary, wave1: first.report, waves: reports)
            markdown += AttritionReportWriter.newcomersMarkdown(result.crossSectional)
            var text = markdown
            if report.hasSuffix(".json") {
                text = try AttritionReportWriter.json(summary: summary, wave1: first.report, waves: reports,
                                                      newcomers: result.crossSectional.map { .init($0, treatment: weighting.newcomers) })
            } else if report.hasSuffix(".html") {
                var html = HTMLReport(title: "Attrition report")
                html.section("Waves, response models and balance", MarkdownHTML.table(markdown))
                html.add(calibration: first.report, weights: first.weights, heading: "Wave 1 calibration")
                text = html.render()
            }
            contents.append(OutputPlan.Content(path: report, text: text))
        }
        for t in loaded.streamed { try t.checkStreamedReading() }  // before anything is written
        try plan.write(contents)
        for w in summary.waves {
            let fate = waveOptions.newcomers == .combine ? "combined with the panel" : "weight 0"
            Diagnostics.note("wave \(w.wave): \(w.respondents) respondents, \(w.retainedFromWave1) present since wave 1 (\(String(format: "%.1f", 100 * w.retentionRate))%)\(w.newcomers > 0 ? ", \(w.newcomers) without a wave-1 record (\(fate))" : "")")
        }
    }

    /// The waves, from separate files or split from one long file by the wave column; delimited files in
    /// chunks when they can be (``streams(_:)``, ``streamedPlan(wave:margins:)``).
    func loadWaves(dialect: CSVDialect) throws -> Waves {
        // The weighted waves are written as CSV copies of the input records: an SPSS, Stata or SAS file is read
        // through ReadStat and laid out as delimited text first (StatisticalWaveFile).
        let margins = StreamedInput.enabled ? plannedMargins(dialect: dialect) : nil
        func read(_ file: String, wave k: Int?) throws -> Table {
            let format = inputOptions.format(of: file)
            if format.isStatistical { return Table(buffer: try StatisticalWaveFile.buffer(file, format: format)) }
            if streams(file) { return try StreamedInput.table(file, dialect: dialect, plan: try streamedPlan(wave: k, margins: margins)) }
            return try Table(contentsOf: file, dialect: dialect)
        }
        guard let long, let waveColumn else {
            return Waves(tables: try ([wave1!] + waves).enumerated().map { try read($0.element, wave: $0.offset + 1) }, long: nil)
        }
        let table = try read(long, wave: nil)
        let wave = try table.categorical(waveColumn)
        if let i = wave.codes.firstIndex(of: CategoricalColumn.missing) {
            throw DesignError.missingDesignValue(variable: waveColumn, firstSeen: table.location(row: i, column: try table.index(of: waveColumn)))
        }
        let order = wave.levels.indices.sorted {
            let a = Double(wave.levels[$0]), b = Double(wave.levels[$1])
            if let a, let b { return a < b }
            return wave.levels[$0] < wave.levels[$1]
        }
        let tables = try order.map { level in try table.subset((0..<table.rowCount).filter { wave.codes[$0] == UInt32(level) }) }
        return Waves(tables: tables, long: table)
    }

    /// The header and the given records of a file, as bytes (to write a subset with the same layout).
    /// The byte-order mark and each line's ending are kept, as in the file.
    static func subsetBytes(_ buffer: CSVBuffer, rows: [Int]) throws -> [UInt8] {
        var out = buffer.rawHeaderBytesWithLineEnding
        for r in rows {
            var record = buffer.rawRecordBytesWithLineEnding(r)
            // A last line without an ending may come before others in the subset: it gets the header's.
            if record.last != 0x0A && r != rows.last { record += Array(buffer.lineEnding.utf8) }
            out += record
        }
        return out
    }
}
