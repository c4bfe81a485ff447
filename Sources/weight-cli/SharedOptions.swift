import ArgumentParser
import Foundation
import Weighting
import WeightingIO
import WeightingReports
import WeightingSimulation

/// How input files are read.
struct InputFormatOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Field delimiter: ',', ';', 'tab' (default: detected from the header line).", valueName: "char"))
    var delimiter: String?

    @Option(help: ArgumentHelp("Decimal mark of numbers in the input files: '.' or ','.", valueName: "mark"))
    var decimal: String = "."

    @Option(help: ArgumentHelp("Format of the data file: csv, sav, zsav, por, dta, sas7bdat, xpt (default: from its extension; CSV otherwise).", valueName: "format"))
    var inputFormat: String?

    func validate() throws {
        if let delimiter, !["," , ";", "tab", "\t", "|"].contains(delimiter) {
            throw ValidationError("--delimiter must be ',', ';', 'tab' or '|', got \(Echo.quoted(delimiter))")
        }
        if decimal != "." && decimal != "," { throw ValidationError("--decimal must be '.' or ','") }
        try InputFormatOptions.checkFormat(inputFormat)
    }

    var dialect: CSVDialect {
        var d = CSVDialect(decimalComma: decimal == ",")
        switch delimiter {
        case ",": d.delimiter = UInt8(ascii: ",")
        case ";": d.delimiter = UInt8(ascii: ";")
        case "tab", "\t": d.delimiter = UInt8(ascii: "\t")
        case "|": d.delimiter = UInt8(ascii: "|")
        default: break
        }
        return d
    }
}

/// How the margins file gives its targets: counts, or shares of `--population`, and the tolerance on their totals.
struct TargetsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Targets are 'counts' (default) or 'shares' (then give --population).", valueName: "kind"),
            completion: TargetsKind.completion, transform: TargetsKind.parse)
    var targets: TargetsKind = .counts

    @Option(help: "Population size, to turn shares into counts.")
    var population: Double?

    @Option(help: "Relative tolerance when checking that all margins sum to the same total.")
    var marginTolerance: Double = 1e-6

    func validate() throws {
        if targets == .shares {
            guard let p = population, p > 0, p.isFinite else {
                throw ValidationError("--targets shares needs --population N (a positive number)")
            }
        }
        try Tolerance.check(marginTolerance, option: "--margin-tolerance")
    }

    /// How the margins file's targets are scaled.
    var scale: TargetScale { targets == .shares ? .shares(population: population!) : .counts }
}

/// Margins file and how to read its targets.
struct MarginsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Population margins, long format with header variable,level,target.", valueName: "file"))
    var margins: String

    @OptionGroup var targetsOptions: TargetsOptions

    /// `--targets`.
    var targets: TargetsKind { targetsOptions.targets }
    /// `--population`.
    var population: Double? { targetsOptions.population }
    /// `--margin-tolerance`.
    var marginTolerance: Double { targetsOptions.marginTolerance }

    func read(dialect: CSVDialect) throws -> Margins {
        try MarginsFile.read(margins, scale: targetsOptions.scale, dialect: dialect)
    }
}

/// Convergence settings of a calibration.
struct ConvergenceOptions: ParsableArguments {
    @Option(help: "Largest number of iterations (default 100 Newton iterations, 1000 raking sweeps).")
    var maxIterations: Int?

    @Option(help: "Convergence tolerance on |achieved − target| / (1 + |target|).")
    var tolerance: Double = 1e-10

    func validate() throws {
        try Tolerance.check(tolerance, option: "--tolerance")
        if let maxIterations, maxIterations < 1 {
            throw ValidationError("--max-iterations must be at least 1, got \(maxIterations)")
        }
    }
}

/// Trimming of the calibrated weights (with re-calibration of the others).
struct TrimmingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Trim final weights to [MIN,MAX] and re-calibrate the others (either may be empty).", valueName: "MIN,MAX"))
    var trimWeights: String?

    @Option(help: ArgumentHelp("Trim the ratios w/d to [L,U] and re-calibrate the others.", valueName: "L,U"))
    var trimRatio: String?

    func validate() throws { _ = try bounds() }

    /// The trimming bounds, or nil without trimming.
    func bounds() throws -> TrimmingBounds? {
        guard trimWeights != nil || trimRatio != nil else { return nil }
        var t = TrimmingBounds()
        if let trimWeights { (t.minWeight, t.maxWeight) = try MethodOptions.pair(trimWeights, option: "--trim-weights") }
        if let trimRatio { (t.minRatio, t.maxRatio) = try MethodOptions.pair(trimRatio, option: "--trim-ratio") }
        return t
    }
}

/// Calibration method, bounds, convergence settings, trimming and collapsing, shared by every command that
/// calibrates.
struct MethodOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Calibration method: \(CalibrationMethod.Name.choiceList).", valueName: "method"),
            completion: CalibrationMethod.Name.completion, transform: CalibrationMethod.Name.parse)
    var method: CalibrationMethod.Name = .raking

    @Option(help: ArgumentHelp("Bounds L,U on the ratio w/d (logit, truncated), with L < 1 < U; 'auto' (or auto:SLACK) for the tightest feasible bounds widened by SLACK (default 0.1).", valueName: "L,U"),
            transform: Bounds.parse)
    var bounds: Bounds?

    @OptionGroup var convergence: ConvergenceOptions

    @OptionGroup var trimmingOptions: TrimmingOptions

    @Option(help: ArgumentHelp("Post-stratification: merge an empty cell into a neighbour, 'a*b->c*d' (repeatable).", valueName: "cell->cell"))
    var collapse: [String] = []

    @Option(help: ArgumentHelp("Post-stratification: merge empty cells into the nearest cell along this ordered variable.", valueName: "variable"))
    var collapseOrdered: String?

    /// `--max-iterations`.
    var maxIterations: Int? { convergence.maxIterations }
    /// `--tolerance`.
    var tolerance: Double { convergence.tolerance }

    func validate() throws {
        if method.needsBounds {
            guard bounds != nil else { throw ValidationError("--method \(method.rawValue) needs --bounds L,U (e.g. --bounds 0.5,2)") }
        } else if bounds != nil {
            throw ValidationError("--bounds applies to --method logit or truncated; use --trim-ratio L,U to bound raking or linear weights")
        }
        for c in collapse where c.components(separatedBy: "->").count != 2 {
            throw ValidationError("--collapse takes 'CELL->NEIGHBOUR' with levels joined by '*', got \(Echo.quoted(c))")
        }
    }

    static func pair(_ text: String, option: String) throws -> (Double?, Double?) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { throw ValidationError("\(option) takes MIN,MAX (either may be empty), got \(Echo.quoted(text))") }
        func num(_ s: String) throws -> Double? {
            if s.isEmpty { return nil }
            guard let v = Double(s), v.isFinite, v >= 0 else { throw ValidationError("\(option): \(Echo.quoted(s)) is not a non-negative number") }
            return v
        }
        return (try num(parts[0]), try num(parts[1]))
    }

    func trimming() throws -> TrimmingBounds? { try trimmingOptions.bounds() }

    /// The method; with `--bounds auto`, `autoBounds` are the resolved bounds (placeholders `[0.5, 2]` when
    /// only validating), through the library's one mapping of names to methods.
    func calibrationMethod(autoBounds: (Double, Double)? = nil) throws -> CalibrationMethod {
        let pair = bounds.map { b in b.autoSlack != nil ? autoBounds.map { (lower: $0.0, upper: $0.1) } ?? b.pair : b.pair }
        return try CalibrationMethod(method, bounds: pair)
    }

    /// The method with `--bounds auto` resolved on `table` and `margins` (``AutoBounds``).
    func calibrationMethod(table: Table, margins: Margins, baseWeights d: [Double]) throws -> CalibrationMethod {
        guard let slack = bounds?.autoSlack else { return try calibrationMethod() }
        return try calibrationMethod(autoBounds: try AutoBounds.resolve(table: table, margins: margins, baseWeights: d, slack: slack))
    }

    func calibrationOptions() throws -> CalibrationOptions {
        var rules: [CellCollapse] = collapse.map {
            let sides = $0.components(separatedBy: "->")
            return .merge(cell: sides[0].split(separator: "*", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) },
                          into: sides[1].split(separator: "*", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) })
        }
        if let collapseOrdered { rules.append(.nearest(onOrderedVariable: collapseOrdered)) }
        return CalibrationOptions(maxIterations: maxIterations, tolerance: tolerance, trimming: try trimming(), collapse: rules)
    }
}

/// Checks of numeric tolerances given as options: a NaN compares false with everything, so it would silently
/// turn a check off; an infinite or negative one means nothing.
enum Tolerance {
    /// Refuses a tolerance that is not a finite number ≥ 0.
    static func check(_ value: Double, option: String) throws {
        guard value.isFinite, value >= 0 else {
            throw ValidationError("\(option) must be a finite number ≥ 0 (e.g. 1e-6), got \(value)")
        }
    }
}

/// The name of the weight column a command writes: non-empty, without leading or trailing spaces or tabs
/// (weight-cli trims header names when it reads a file, so ' w ' would be read back as 'w'), without control or
/// invisible characters, and not already a column of the data.
enum WeightColumnName {
    /// Refuses a name that would write a file weight-cli could not read back, or a confusing one.
    static func check(_ name: String, option: String = "--weight-column") throws {
        let spaces = CharacterSet(charactersIn: " \t")
        let trimmed = name.trimmingCharacters(in: spaces)
        if trimmed.isEmpty {
            throw ValidationError("\(option) must not be empty or blank, got \(Echo.quoted(name))")
        }
        if Echo.needsEscaping(name) {
            throw ValidationError("\(option) \(Echo.quoted(name)) holds a control or invisible character; use plain letters, digits and _")
        }
        if trimmed != name {
            throw ValidationError("\(option) \(Echo.quoted(name)) starts or ends with a space; header names are trimmed when read, so use \(Echo.quoted(trimmed))")
        }
    }

    /// Refuses a name that is already a column of the data file.
    static func checkAbsent(_ name: String, from columns: [String], file: String, option: String = "--weight-column") throws {
        if let j = columns.firstIndex(of: name) {
            throw OptionProblem("\(file) already has a column \(Echo.quoted(name)) (column \(j + 1)); choose another name for the weight column written, with \(option) NAME, or replace its values with --replace-weight-column")
        }
    }
}

/// A problem with an option's value found once the input files are read (exit code 1, no usage text).
struct OptionProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Items of a comma-separated option value, trimmed, empty ones dropped.
func commaList(_ s: String?) -> [String] {
    (s ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// Runs a command body, turning errors into a message on stderr and the documented exit code.
func runReporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch let e as ValidationError {
        throw e
    } catch {
        let (code, message) = ExitStatus.classify(error)
        Diagnostics.error(message)
        throw ExitCode(code)
    }
}

/// `--quiet` and `--verbose`, shared by the commands.
struct VerbosityOptions: ParsableArguments {
    @Flag(help: "Print nothing on standard error but errors.") var quiet = false
    @Flag(help: "Print more detail on standard error (convergence trace, timings).") var verbose = false

    func apply() { Verbosity.quiet = quiet; Verbosity.verbose = verbose }
}
