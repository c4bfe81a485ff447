import WeightingIO
import WeightingReports
import WeightingSimulation
import ArgumentParser
import Weighting

/// A closed choice of the command line: an enum whose raw values are the words typed, that validates, documents
/// (``choiceList`` in the help) and completes itself.
///
/// Options declare `@Option(help: ..., transform: T.parse)` so that a wrong word is refused with weight-cli's own
/// message (`--method must be one of poststratify, raking, ...; got 'magic'`, exit code 1), which ArgumentParser
/// prints after its `The value 'magic' is invalid for '--method <method>':`.
protocol OptionChoice: CaseIterable, ExpressibleByArgument, RawRepresentable, Sendable where RawValue == String {
    /// The option's flag, e.g. `--method`.
    static var flag: String { get }
    /// What the refusal says the value must be (default: the choices in words, `a, b or c`).
    static var mustBe: String { get }
}

extension OptionChoice {
    /// Every choice, e.g. `poststratify | raking | linear`.
    static var choiceList: String { allCases.map(\.rawValue).joined(separator: " | ") }

    /// The choices in words: `a, b or c`.
    static var choicesInWords: String {
        let words = allCases.map(\.rawValue)
        return words.count < 2 ? words.joined() : words.dropLast().joined(separator: ", ") + " or " + words.last!
    }

    /// What the message says the value must be: `a, b or c`.
    static var mustBe: String { choicesInWords }

    /// The choice named `text`, or the error naming the option and its choices.
    static func parse(_ text: String) throws -> Self {
        guard let value = Self(rawValue: text) else {
            throw ValidationError("\(flag) must be \(mustBe); got \(Echo.quoted(text))")
        }
        return value
    }

    /// Shell completion with the choices.
    static var completion: CompletionKind { .list(allCases.map(\.rawValue)) }
}

extension CalibrationMethod.Name: OptionChoice {
    static var flag: String { "--method" }
    static var mustBe: String { "one of " + allCases.map(\.rawValue).joined(separator: ", ") }
}

extension LeverageAdjustment: OptionChoice {
    static var flag: String { "--leverage" }
}

extension LonelyPSUPolicy: OptionChoice {
    static var flag: String { "--lonely-psu" }
}

extension IntervalMethod: OptionChoice {
    static var flag: String { "--ci" }
}

extension PValueAdjustment: OptionChoice {
    static var flag: String { "--adjust" }
    static var mustBe: String { "none, holm or bonferroni" }
}

/// How the margins file gives its targets.
enum TargetsKind: String, OptionChoice {
    /// Population counts.
    case counts
    /// Shares of the population, turned into counts with `--population`.
    case shares
    static var flag: String { "--targets" }
}

/// The variance estimator of `estimate` and `test`.
enum VarianceChoice: String, OptionChoice {
    case linearization, jk1, jkn, bootstrap, brr
    /// Replicate weights read from the data (`--replicate-columns`).
    case replicates
    static var flag: String { "--variance" }
}

/// The scheme of replicate weights read back from the data.
enum ReplicateTypeChoice: String, OptionChoice {
    case jk1, bootstrap, brr, fay
    static var flag: String { "--replicate-type" }
}

/// The statistic of `estimate`.
enum EstimateStatistic: String, OptionChoice {
    case mean, total, ratio, quantile
    static var flag: String { "--statistic" }
}

/// The statistic of `test`.
enum TestStatistic: String, OptionChoice {
    case mean, total, ratio
    static var flag: String { "--statistic" }
}

/// The output format of `estimate` and `test`.
enum TableFormat: String, OptionChoice {
    case csv, json, md
    /// A workbook (also chosen by an `--output` ending in `.xlsx`).
    case xlsx
    static var flag: String { "--format" }
}

/// The output format of `compare` (`svg` is the chart alone, `xlsx` a workbook).
enum CompareFormat: String, OptionChoice {
    case csv, json, md, html, svg
    /// A workbook (also chosen by an `--output` ending in `.xlsx`).
    case xlsx
    static var flag: String { "--format" }
}

/// The attrition adjustment of `attrition`.
enum AdjustmentChoice: String, OptionChoice {
    /// Inverse of each respondent's estimated response propensity.
    case propensity
    /// Inverse of the response rate of the respondent's propensity class.
    case classes
    static var flag: String { "--adjustment" }
}

/// Bounds `L,U` on the ratio `w/d`, or `auto[:SLACK]`, parsed once from the option's text.
struct Bounds: Sendable, Equatable, ExpressibleByArgument {
    /// `L`.
    var lower: Double
    /// `U`.
    var upper: Double
    /// With `auto[:SLACK]` (``AutoBounds``), the slack; `lower`/`upper` are then placeholders `[0.5, 2]` until the
    /// bounds are resolved on the data.
    var autoSlack: Double?

    /// Two finite numbers `L,U`, or nil.
    init?(argument: String) {
        guard let b = try? Bounds.parse(argument) else { return nil }
        self = b
    }

    init(lower: Double, upper: Double, autoSlack: Double? = nil) {
        self.lower = lower
        self.upper = upper
        self.autoSlack = autoSlack
    }

    /// The bounds written `L,U`, or the error saying what is expected.
    static func parse(_ text: String) throws -> Bounds {
        if let slack = try AutoBounds.slack(text) { return Bounds(lower: 0.5, upper: 2, autoSlack: slack) }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let l = parts[0], let u = parts[1] else {
            throw ValidationError("--bounds takes two numbers L,U (e.g. 0.5,2), got \(Echo.quoted(text))")
        }
        guard l.isFinite, u.isFinite else {
            throw ValidationError("--bounds takes two finite numbers L,U (e.g. 0.5,2), got \(Echo.quoted(text))")
        }
        return Bounds(lower: l, upper: u)
    }

    /// As the library takes them.
    var pair: (lower: Double, upper: Double) { (lower, upper) }
}
