/// A sample level that the margins do not list.
public struct UnknownLevel: Sendable, Equatable {
    /// The margin (variables joined by `*`).
    public var margin: String
    /// The level found in the sample (parts joined by `*`).
    public var level: String
    /// Number of records with it.
    public var count: Int
    /// Where it first appears.
    public var firstSeen: SourceLocation
}

/// A margin level with a positive target and no respondent.
public struct EmptyLevel: Sendable, Equatable {
    /// `margin=level`.
    public var label: String
    /// Its population target.
    public var target: Double
}

/// A constraint the calibration cannot meet, with how far it is.
public struct UnmetConstraint: Sendable, Equatable {
    /// `margin=level`, or the numeric variable.
    public var label: String
    /// The population target.
    public var target: Double
    /// What the weights achieve (or can at best achieve).
    public var achieved: Double
    /// The reachable range of the weighted total given the bounds, when known.
    public var reachable: ClosedRange<Double>?
}

/// Why a calibration could not be done.
public enum CalibrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A base weight is missing, zero, negative or not finite.
    case invalidBaseWeight(SourceLocation, value: String)
    /// A calibration variable has missing values.
    case missingValues(variable: String, count: Int, firstSeen: SourceLocation)
    /// Sample levels absent from the margins.
    case levelsNotInMargins([UnknownLevel])
    /// Margin levels with a positive target and no respondent.
    case emptyMarginLevels([EmptyLevel], method: String)
    /// A margin level has target 0 but respondents (their weights would have to be 0).
    case zeroTargetWithRespondents(label: String, count: Int)
    /// Post-stratification needs exactly one (possibly crossed) categorical margin.
    case poststratificationNeedsOneMargin(found: [String])
    /// Bounds are not `L < 1 < U`.
    case invalidBounds(lower: Double, upper: Double)
    /// The options are inconsistent.
    case invalidOption(String)
    /// The bounds make some targets unreachable.
    case infeasible([UnmetConstraint], bounds: String)
    /// Iterations stopped before every target was met.
    case didNotConverge(iterations: Int, maxDeviation: Double, worst: [UnmetConstraint])
    /// The targets of constraints that are collinear in the sample disagree.
    case inconsistentRedundantConstraints([UnmetConstraint])
    /// Trimming bounds and margins cannot hold together.
    case trimmingInfeasible(rounds: Int, reason: String)
    /// A collapse rule names a cell or variable that does not exist or cannot be used.
    case invalidCollapse(String)
    /// A numeric computation produced NaN or infinity.
    case nonFinite(String)

    /// The message shown to the user: what went wrong, where, and what to do about it.
    public var description: String {
        func num(_ x: Double) -> String {
            guard x.isFinite else { return x.isNaN ? "undefined" : "overflow" }
            return abs(x) < 1e9 ? Table.format((x * 1e6).rounded() / 1e6) : Table.format(x)
        }
        /// At most ten items, then how many more.
        func capped(_ items: [String]) -> String {
            items.count <= 10 ? items.joined(separator: "; ") : items.prefix(10).joined(separator: "; ") + "; … and \(items.count - 10) more"
        }
        switch self {
        case .invalidBaseWeight(let loc, let v):
            return "\(loc): base weight \(Echo.quoted(v)) is not a positive finite number (weights must be > 0)"
        case .missingValues(let v, let n, let loc):
            return "calibration variable \(Echo.quoted(v)) is missing for \(n) record(s), first at \(loc); " + Advice.missingPolicy
        case .levelsNotInMargins(let levels):
            let list = levels.map { "\(Echo.quoted($0.level)) of \(Echo.text($0.margin)) (\($0.count) record(s), first at \($0.firstSeen))" }
            return "level(s) present in the sample but missing from the margins: " + capped(list)
        case .emptyMarginLevels(let levels, let method):
            let items = capped(levels.map { "\(Echo.text($0.label)) (target \(num($0.target)))" })
            var s = "margin level(s) with a population target but no respondent: \(items)"
            if method == "poststratify" {
                s += "; " + Advice.collapse
            } else {
                s += "; merge these levels with a neighbour in the margins and the data"
            }
            return s
        case .zeroTargetWithRespondents(let label, let n):
            return "margin level \(Echo.text(label)) has target 0 but \(n) respondent(s); fix the margins or recode the data"
        case .poststratificationNeedsOneMargin(let found):
            return "post-stratification takes one categorical margin (cross variables with 'a*b'); found \(found.isEmpty ? "none" : found.prefix(10).map { Echo.text($0) }.joined(separator: ", ")); " + Advice.raking
        case .invalidBounds(let l, let u):
            return "bounds must satisfy 0 <= L < 1 < U; got L=\(Table.format(l)), U=\(Table.format(u))"
        case .invalidOption(let s): return s
        case .infeasible(let list, let bounds):
            let items = list.map { c -> String in
                var s = "\(Echo.text(c.label)): target \(num(c.target))"
                if let r = c.reachable { s += " outside the reachable [\(num(r.lowerBound)), \(num(r.upperBound))]" }
                return s
            }
            return "these targets cannot be reached within the bounds (\(bounds)): " + capped(items) + "; widen the bounds"
        case .didNotConverge(_, let dev, let worst) where !dev.isFinite:
            let items = worst.filter { !$0.target.isFinite || !$0.achieved.isFinite || abs($0.target) > 1e300 || abs($0.achieved) > 1e300 }
                .map { Echo.text($0.label) }
            return "calibration failed numerically: the weighted totals overflow (values or targets near ±1.8e308"
                + (items.isEmpty ? "" : ", in " + capped(items)) + "); rescale those variables and their totals"
        case .didNotConverge(let it, let dev, let worst):
            let items = worst.map { "\(Echo.text($0.label)): target \(num($0.target)), achieved \(num($0.achieved))" }
            return "calibration did not converge in \(it) iterations (max relative deviation \(dev)); worst constraints: "
                + items.joined(separator: "; ") + "; " + Advice.iterations
        case .inconsistentRedundantConstraints(let list):
            let items = list.map { "\(Echo.text($0.label)): target \(num($0.target)), implied \(num($0.achieved))" }
            return "constraints that are redundant in the sample have conflicting targets: " + capped(items)
        case .trimmingInfeasible(let rounds, let reason):
            _ = rounds
            return "the trimming bounds cannot be met together with the margins: \(reason)"
        case .invalidCollapse(let s): return "invalid collapse rule: \(s)"
        case .nonFinite(let s): return "numerical failure: \(s) is not finite"
        }
    }
}

extension CalibrationError {
    /// The advice closing some messages, in the library's terms (no command-line flag): a front end may replace
    /// it with its own (the `weight-cli` options that do it).
    public enum Advice {
        /// After empty post-stratification cells.
        public static let collapse = "collapse them into neighbouring cells"
        /// After post-stratification given several margins.
        public static let raking = "use raking for several margins"
        /// After a calibration that did not converge.
        public static let iterations = "raise the iteration limit, widen the bounds or simplify the margins"
        /// After missing values of a calibration variable.
        public static let missingPolicy = "impute or drop them first, or choose a missing-value policy (missing as a level with an NA target in the margins, or those records left out of that margin)"
        /// Before the message of a population scaling that has no population size.
        public static let scalePopulation = "scaling the weights to the population"
        /// Before the message of an iteration limit below 1.
        public static let maxIterations = "the iteration limit"
    }
}
