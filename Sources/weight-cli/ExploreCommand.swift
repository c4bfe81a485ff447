import ArgumentParser
import Foundation
import WeightingIO
import WeightingReports
import WeightingSimulation
import Weighting

struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Compare candidate weighting schemes on the same data and recommend one, on one HTML page.",
        discussion: """
        SCHEMES is a JSON array of schemes: {"name": ..., "margins": FILE, "method": raking|linear|logit|truncated|\
        poststratify, "bounds": "L,U" or "auto", "cap": "5xmean", "costs": {"region": 0.01}, "trim_ratio": "L,U"}; \
        only name and margins are required (method raking). For each scheme the page shows whether it converged, \
        its iterations, range of w/d, Kish design effect and effective n, the raw and weighted values of the \
        --indicators with calibration-aware 95% intervals, and the balance (ASMD against --frame) of the \
        --balance covariates; a chart of design effect against the largest indicator shift; and the recommended \
        scheme with the rule that chose it.

        Example:
          weight-cli explore vague2.csv --schemes schemes.json --indicators site_web,open_data \\
            --balance population --frame communes.csv --output explore.html
        """
    )

    @Argument(help: "The sample file (CSV).")
    var data: String

    @Option(help: ArgumentHelp("The candidate schemes (JSON array).", valueName: "file"))
    var schemes: String

    @Option(help: ArgumentHelp("Variables whose raw and weighted values are compared (comma-separated).", valueName: "a,b"))
    var indicators: String

    @Option(help: ArgumentHelp("Column holding the base (design) weights; default: all 1.", valueName: "column"))
    var weight: String?

    @Option(help: ArgumentHelp("Covariates not used as margins whose balance is measured against --frame (comma-separated).", valueName: "x,y"))
    var balance: String?

    @Option(help: ArgumentHelp("Population records (e.g. the sampling frame) holding the --balance covariates.", valueName: "file"))
    var frame: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The HTML page written.", valueName: "file"))
    var output: String

    @OptionGroup var inputOptions: InputFormatOptions
    @OptionGroup var verbosity: VerbosityOptions

    func validate() throws {
        if commaList(indicators).isEmpty { throw ValidationError("--indicators needs at least one variable") }
        if (balance == nil) != (frame == nil) { throw ValidationError("--balance and --frame go together: the covariates are compared with the frame's") }
        if !output.hasSuffix(".html") { throw ValidationError("--output must end in .html, got \(Echo.quoted(output))") }
    }

    /// One entry of the schemes file.
    struct Entry: Decodable {
        var name: String
        var margins: String
        var method: String?
        var bounds: String?
        var cap: String?
        var costs: [String: Double]?
        var trimRatio: String?
        enum CodingKeys: String, CodingKey { case name, margins, method, bounds, cap, costs, trimRatio = "trim_ratio" }
    }

    func readSchemes() throws -> [Entry] {
        let bytes = try FileIO.readAll(schemes)
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw OptionProblem("\(schemes):\(JSONParseProblem.message(for: error, in: text) ?? "not valid JSON")")
        }
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode([Entry].self, from: Data(bytes))
        } catch DecodingError.keyNotFound(let key, let context) {
            throw OptionProblem("\(schemes): scheme \(context.codingPath.first.map { "\(($0.intValue ?? 0) + 1)" } ?? "?") has no \(Echo.quoted(key.stringValue)); each scheme needs a name and a margins file")
        } catch {
            throw OptionProblem("\(schemes): expected a JSON array of schemes like [{\"name\": \"raking\", \"margins\": \"m.csv\", \"method\": \"raking\"}]")
        }
        if entries.isEmpty { throw OptionProblem("\(schemes): the file lists no scheme") }
        var seen = Set<String>()
        for e in entries where !seen.insert(e.name).inserted { throw OptionProblem("\(schemes): two schemes are named \(Echo.quoted(e.name))") }
        return entries
    }

    var outputFiles: [String] { [output] }

    func run() throws {
        try runReporting {
            verbosity.apply()
            FileIO.installInterruptCleanup()
            let entries = try readSchemes()
            let plan = try OutputPlan(outputs: [output], inputs: [data, schemes] + entries.map(\.margins) + [frame].compactMap { $0 },
                                      createFolders: [])
            let dialect = inputOptions.dialect
            let table = try Table(contentsOf: data, dialect: dialect)
            let d = try AutoBounds.baseWeights(table, weight: weight)
            var list: [WeightingScheme] = []
            for e in entries {
                func problem(_ error: Error) -> OptionProblem {
                    OptionProblem("\(schemes): scheme \(Echo.quoted(e.name)): \(MethodOptions.message(for: error))")
                }
                let margins = try MarginsFile.read(e.margins, dialect: dialect)
                var args = ["--method", e.method ?? "raking"] + (e.bounds.map { ["--bounds", $0] } ?? [])
                if let t = e.trimRatio { args += ["--trim-ratio", t] }
                let methodOptions: MethodOptions
                let cap: RelativeCap?
                do {
                    methodOptions = try MethodOptions.parse(args)
                    cap = try WeightShapeOptions.parse(e.cap.map { ["--cap", $0] } ?? []).relativeCap()
                    if let costs = e.costs, let bad = costs.first(where: { !($0.value >= 0) }) {
                        throw ValidationError("the cost of \(Echo.quoted(bad.key)) is \(Table.format(bad.value)); costs must be ≥ 0")
                    }
                } catch {
                    throw problem(error)
                }
                var options = try methodOptions.calibrationOptions()
                options.costs = e.costs.map(ConstraintCosts.init)
                let method: CalibrationMethod
                do {
                    method = try methodOptions.calibrationMethod(table: table, margins: margins, baseWeights: d)
                } catch let error as BoundAdvisorError {
                    Diagnostics.note("scheme \(e.name): \(error.description)")
                    method = try methodOptions.calibrationMethod()
                }
                list.append(WeightingScheme(name: e.name, calibrator: Calibrator(margins: margins, method: method, options: options), cap: cap))
            }
            let population = try frame.map { try Table(contentsOf: $0, dialect: dialect) }
            let outcomes = try SchemeComparison.run(table: table, baseWeights: d, schemes: list, indicators: commaList(indicators),
                                                    covariates: commaList(balance), population: population)
            let html = ExploreReport.html(outcomes, title: "Weighting schemes compared: \(URL(fileURLWithPath: data).lastPathComponent)")
            try plan.write([OutputPlan.Content(path: output, text: html)])
            let (best, rule) = SchemeComparison.recommend(outcomes)
            for o in outcomes {
                Diagnostics.note(o.feasible
                    ? "\(o.name): deff \(String(format: "%.3f", o.kish!.designEffect)), largest shift \(String(format: "%.2f", o.largestShift))"
                    : "\(o.name): did not converge")
            }
            Diagnostics.note(best.map { "recommended: \(outcomes[$0].name) (\(rule))" } ?? "no recommendation: \(rule)")
        }
    }
}
