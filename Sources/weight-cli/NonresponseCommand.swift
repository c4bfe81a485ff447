import ArgumentParser
import Foundation
import WeightingIO
import WeightingReports
import WeightingSimulation
import Weighting

struct NonresponseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nonresponse",
        abstract: "Weight respondents against the full frame: response model among all frame units, adjustment, calibration, balance.",
        discussion: """
        Every unit of FRAME was invited; those whose --frame-id appears in RESPONDENTS (column --id, default the \
        same name) responded. A logistic regression of responding on the frame --covariates is fitted among all \
        frame units; each respondent gets the inverse of its propensity, or the inverse response rate of its \
        propensity class (--adjustment), capped at --max-factor, then is calibrated to --margins (variables of the \
        frame). Writes RESPONDENTS unchanged plus the weight column; the report gives the model, the factors, the \
        calibration, and the balance of frame covariates (--balance, plus the model's and the margins') before \
        and after: absolute standardized mean differences, and Kolmogorov-Smirnov distances for numeric ones.

        Example:
          weight-cli nonresponse vague1.csv --frame data/frame/collectivites.csv --frame-id id \\
            --covariates type,region,strate,log_population \\
            --margins data/margins/collectivites/collectivites_region_strate.csv \\
            --balance epci_nature,outre_mer,population --max-factor 30 -o vague1_ponderee.csv --report balance.md
        """
    )

    @Argument(help: ArgumentHelp("Respondents' file.", valueName: "RESPONDENTS.csv")) var respondents: String
    @Option(help: ArgumentHelp("Frame of every unit invited.", valueName: "file")) var frame: String
    @Option(help: ArgumentHelp("Identifier column of the frame.", valueName: "column")) var frameId: String
    @Option(help: ArgumentHelp("Identifier column of the respondents (default: --frame-id).", valueName: "column")) var id: String?
    @Option(help: ArgumentHelp("Frame covariates of the response model.", valueName: "a,b,c")) var covariates: String
    @OptionGroup var marginsOptions: MarginsOptions
    @OptionGroup var methodOptions: MethodOptions
    @Option(help: ArgumentHelp("Adjustment: \(AdjustmentChoice.choiceList) (inverse propensity, or inverse response rate of propensity classes).", valueName: "adjustment"),
            completion: AdjustmentChoice.completion, transform: AdjustmentChoice.parse)
    var adjustment: AdjustmentChoice = .classes
    @Option(help: "Number of propensity classes.") var classes: Int = 5
    @Option(help: "Cap on the adjustment factors.") var maxFactor: Double?
    @Option(help: ArgumentHelp("More frame covariates whose balance is reported.", valueName: "a,b")) var balance: String?
    @Option(help: ArgumentHelp("Name of the weight column written.", valueName: "name")) var weightColumn: String = "weight"
    @Option(name: [.short, .long], help: ArgumentHelp("Output file.", valueName: "file")) var output: String
    @Option(help: ArgumentHelp("Report file (.md or .json).", valueName: "file")) var report: String?
    @OptionGroup var inputOptions: InputFormatOptions
    @OptionGroup var verbosity: VerbosityOptions

    func validate() throws {
        if classes < 1 { throw ValidationError("--classes must be at least 1") }
        if let maxFactor, !(maxFactor > 1), maxFactor.isFinite || maxFactor.isNaN { throw ValidationError("--max-factor must be greater than 1") }
        if let report, !(report.hasSuffix(".json") || report.hasSuffix(".md")) { throw ValidationError("--report must end in .md or .json") }
        if methodOptions.bounds?.autoSlack != nil {
            // The respondents' base weights (frame weight times the adjustment factor) are known only after the model.
            throw ValidationError("--bounds auto is not available in nonresponse (the base weights come from the response model); give --bounds L,U")
        }
        if commaList(covariates).isEmpty { throw ValidationError("--covariates needs at least one frame variable") }
    }

    func run() throws {
        try runReporting {
            verbosity.apply()
            FileIO.installInterruptCleanup()
            let plan = try OutputPlan(outputs: [output] + (report.map { [$0] } ?? []), inputs: [respondents, frame, marginsOptions.margins])
            let dialect = inputOptions.dialect
            let answers = try Table(contentsOf: respondents, dialect: dialect)
            let frameTable = try Table(contentsOf: frame, dialect: dialect)
            if answers.fileColumns.contains(weightColumn) {
                throw CalibrationError.invalidOption("\(respondents) already has a column '\(weightColumn)'; choose another name with --weight-column")
            }
            let respondentId = id ?? frameId
            let frameIds = try Self.identifiers(frameTable, column: frameId)
            var rowOf: [String: Int] = [:]
            for (i, v) in frameIds.enumerated() {
                if let j = rowOf[v] {
                    throw CalibrationError.invalidOption("\(frameTable.location(row: i, column: try frameTable.index(of: frameId))): identifier \(Echo.quoted(v)) is already on line \(frameTable.location(row: j, column: 0).line) of the frame")
                }
                rowOf[v] = i
            }
            var responded = [Bool](repeating: false, count: frameTable.rowCount)
            var frameRowOfRespondent: [Int] = []
            for (i, v) in try Self.identifiers(answers, column: respondentId).enumerated() {
                let location = answers.location(row: i, column: try answers.index(of: respondentId))
                guard let j = rowOf[v] else { throw CalibrationError.invalidOption("\(location): identifier \(Echo.quoted(v)) is not in the frame \(frame) (column \(frameId))") }
                if responded[j] { throw CalibrationError.invalidOption("\(location): identifier \(Echo.quoted(v)) appears twice among the respondents") }
                responded[j] = true
                frameRowOfRespondent.append(j)
            }
            let margins = try marginsOptions.read(dialect: dialect)
            let adjustmentKind: NonresponseAdjustment = adjustment == .propensity ? .inversePropensity : .propensityClasses(classes)
            let calibration = try methodOptions.calibrationMethod()
            var nonresponse = FrameNonresponse(frame: frameTable, responded: responded, covariates: commaList(covariates), adjustment: adjustmentKind,
                                               maxFactor: maxFactor, margins: margins, method: calibration,
                                               balanceCovariates: commaList(balance))
            nonresponse.calibrationOptions = try methodOptions.calibrationOptions()
            let result = try nonresponse.run()
            let weightOfFrameRow = Dictionary(uniqueKeysWithValues: zip(result.rows, result.weights))
            let weights = frameRowOfRespondent.map { weightOfFrameRow[$0]! }
            let writer = WeightedFileWriter(buffer: answers.sourceBuffer!, decimalComma: dialect.decimalComma)
            var contents = [OutputPlan.Content(path: output) { sink in try writer.write(columns: [(weightColumn, weights)], into: &sink) }]
            if let report {
                contents.append(OutputPlan.Content(path: report, text: report.hasSuffix(".json") ? try Self.json(result) : FrameNonresponseReport.markdown(result, frame: frame)))
            }
            try plan.write(contents)
            let worst = result.balance.map(\.asmdAfter).max() ?? 0
            Diagnostics.note("\(result.rows.count) of \(frameTable.rowCount) frame units responded; \(result.report.adjustment), \(result.report.cappedFactors) factor(s) capped; largest ASMD after weighting \(String(format: "%.3f", worst))")
        }
    }

    static func identifiers(_ t: Table, column: String) throws -> [String] {
        let c = try t.categorical(column)
        if c.missingCount > 0 {
            let i = c.codes.firstIndex(of: CategoricalColumn.missing)!
            throw CalibrationError.invalidOption("\(t.location(row: i, column: try t.index(of: column))): empty identifier in column '\(column)'")
        }
        return c.codes.map { c.levels[Int($0)] }
    }

    static func json(_ r: FrameNonresponse.Result) throws -> String {
        struct Payload: Encodable { var respondents: Int; var frameUnits: Int; var model: AttritionReport; var balance: [FrameBalance] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(Payload(respondents: r.rows.count, frameUnits: r.report.wave1Respondents, model: r.report, balance: r.balance)), as: UTF8.self) + "\n"
    }
}
