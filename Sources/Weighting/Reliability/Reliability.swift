import Foundation

/// Whether a published estimate can be shown as it is, with a flag, or not at all, and why.
///
/// Computed by a ``ReliabilityRuleSet`` from the estimate's own measures of precision: the coefficient of
/// variation `se/|θ̂|`, the effective sample size, the design degrees of freedom and the interval width.
public struct Reliability: Sendable, Equatable, Codable {
    /// The verdict, ordered from the mildest to the strictest.
    public enum Status: String, Sendable, Codable, Comparable, CaseIterable {
        /// No rule fired.
        case reliable
        /// Publish, but mark for the reader (or for statistical review).
        case flagged
        /// Do not publish the figure.
        case suppressed

        var rank: Int { Status.allCases.firstIndex(of: self)! }
        /// Orders by strictness.
        public static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }
    }

    /// The strictest verdict of the rules that fired.
    public var status: Status
    /// One reason per rule that fired, e.g. `effective n 2.9 < 30`.
    public var reasons: [String]
    /// Coefficient of variation (relative standard error) `se/|θ̂|`, when `θ̂ ≠ 0`.
    public var cv: Double?
    /// Effective sample size used by the rules (for proportions, the Korn–Graubard `p̂(1−p̂)/se²` capped at n).
    public var effectiveN: Double?
    /// Width of the confidence interval, when there is one.
    public var ciWidth: Double?

    /// Creates a verdict.
    public init(status: Status, reasons: [String], cv: Double?, effectiveN: Double?, ciWidth: Double?) {
        self.status = status
        self.reasons = reasons
        self.cv = cv
        self.effectiveN = effectiveN
        self.ciWidth = ciWidth
    }

    /// `""` when reliable, else the verdict and its reasons: `suppressed: effective n 2.9 < 30; interval 0.74 wide ≥ 0.3`.
    public var summary: String {
        status == .reliable ? "" : "\(status.rawValue): " + reasons.joined(separator: "; ")
    }
}

/// One rule of a reliability standard: a measure, a threshold and what to do when it is crossed.
public struct ReliabilityRule: Sendable, Equatable {
    /// What the rule measures. The raw values are the names used in a flags file.
    public enum Measure: String, Sendable, CaseIterable {
        /// Proportions: effective sample size below the threshold (NCHS: 30).
        case minEffectiveN = "min_effective_n"
        /// Any estimate: respondents with a value below the threshold.
        case minN = "min_n"
        /// Proportions: absolute interval width at or above the threshold (NCHS: 0.30).
        case maxCIWidth = "max_ci_width"
        /// Proportions: interval width relative to p̂ above the threshold (NCHS: 1.30), judged only when the
        /// absolute width exceeds 0.05 (NCHS).
        case maxRelativeCIWidth = "max_relative_ci_width"
        /// Any estimate: design degrees of freedom below the threshold (NCHS: 8).
        case minDF = "min_df"
        /// Means, totals, ratios, quantiles (not proportions): coefficient of variation above the threshold
        /// (NCHS's relative standard error rule: 0.30), or no standard error at all.
        case maxCV = "max_cv"
        /// Proportions: an estimate of exactly 0 or 1 (no threshold).
        case extremeProportion = "extreme_proportion"
    }
    /// What to do when the rule fires.
    public enum Action: String, Sendable, CaseIterable {
        /// Mark the estimate.
        case flag
        /// Withhold the estimate.
        case suppress
        var status: Reliability.Status { self == .flag ? .flagged : .suppressed }
    }

    /// The measure.
    public var measure: Measure
    /// Its threshold (ignored by ``Measure/extremeProportion``).
    public var threshold: Double
    /// The action.
    public var action: Action

    /// Creates a rule.
    public init(_ measure: Measure, _ threshold: Double, _ action: Action) {
        self.measure = measure
        self.threshold = threshold
        self.action = action
    }
}

/// A set of rules applied to every published estimate (`--flags none|nchs|FILE`).
///
/// The default, ``nchs``, is the National Center for Health Statistics Data Presentation Standards for
/// Proportions (Parker J.D. et al. 2017, *Vital Health Stat* 2(175)): a proportion is suppressed when its effective
/// sample size is below 30, when its Korn–Graubard interval is 0.30 wide or wider, or when that interval is wider
/// than 0.05 and more than 130 % of the proportion; it is flagged for review when the design has fewer than 8
/// degrees of freedom or when it is exactly 0 or 1. Means, totals, ratios and quantiles follow NCHS's earlier
/// rule: flagged when the relative standard error exceeds 30 % (Klein et al. 2002, *Healthy People 2010
/// Statistical Notes* 24), and flagged below 8 degrees of freedom.
///
/// The effective sample size of a proportion is `n* = p̂(1−p̂)/se²`, capped at the number of respondents n, and
/// n itself when p̂ is 0 or 1 or the standard error is 0 (Parker et al. 2017, p. 4).
public struct ReliabilityRuleSet: Sendable, Equatable {
    /// A name for outputs (`nchs`, `none`, or the file).
    public var name: String
    /// The rules, applied in order.
    public var rules: [ReliabilityRule]

    /// Creates a rule set.
    public init(name: String, rules: [ReliabilityRule]) {
        self.name = name
        self.rules = rules
    }

    /// No rule: every estimate is reliable.
    public static let none = ReliabilityRuleSet(name: "none", rules: [])

    /// The NCHS standards for proportions (Parker et al. 2017) and the RSE rule for other statistics.
    public static let nchs = ReliabilityRuleSet(name: "nchs", rules: [
        ReliabilityRule(.minEffectiveN, 30, .suppress),
        ReliabilityRule(.maxCIWidth, 0.30, .suppress),
        ReliabilityRule(.maxRelativeCIWidth, 1.30, .suppress),
        ReliabilityRule(.minDF, 8, .flag),
        ReliabilityRule(.extremeProportion, 0, .flag),
        ReliabilityRule(.maxCV, 0.30, .flag),
    ])

    /// Effective sample size of a proportion for the rules: `min(n, p̂(1−p̂)/se²)`, n when p̂ ∈ {0, 1} or se = 0.
    public static func proportionEffectiveN(p: Double, se: Double, n: Int) -> Double {
        guard p > 0, p < 1, se > 0 else { return Double(n) }
        return min(Double(n), p * (1 - p) / (se * se))
    }

    /// Judges one estimate.
    ///
    /// - Parameters:
    ///   - estimate: the value θ̂ (a proportion in [0, 1] when `proportion`).
    ///   - se: its standard error.
    ///   - ciLow: lower limit, `nil` when there is no interval (then no width rule can pass: the width is
    ///     treated as unbounded for proportions).
    ///   - ciHigh: upper limit, `nil` when there is no interval.
    ///   - n: respondents with a value.
    ///   - df: design degrees of freedom.
    ///   - proportion: whether θ̂ is a proportion.
    public func assess(estimate: Double, se: Double, ciLow: Double?, ciHigh: Double?, n: Int, df: Double,
                       proportion: Bool) -> Reliability {
        let cv: Double? = estimate != 0 && estimate.isFinite && se.isFinite ? se / abs(estimate) : nil
        let width: Double? = { if let ciLow, let ciHigh { return ciHigh - ciLow }; return nil }()
        let nEff: Double? = proportion ? Self.proportionEffectiveN(p: estimate, se: se, n: n) : nil
        var status = Reliability.Status.reliable
        var reasons: [String] = []
        func fire(_ rule: ReliabilityRule, _ reason: String) {
            status = max(status, rule.action.status)
            reasons.append(reason)
        }
        for rule in rules {
            let t = rule.threshold
            switch rule.measure {
            case .minEffectiveN:
                if let nEff, nEff < t { fire(rule, "effective n \(ReasonNumber.fixed(nEff, 1)) < \(ReasonNumber.shortest(t))") }
            case .minN:
                if Double(n) < t { fire(rule, "n \(n) < \(ReasonNumber.shortest(t))") }
            case .maxCIWidth:
                guard proportion else { continue }
                if let width { if width >= t { fire(rule, "interval \(ReasonNumber.fixed(width, 3)) wide ≥ \(ReasonNumber.shortest(t))") } }
                else { fire(rule, "no interval") }
            case .maxRelativeCIWidth:
                guard proportion, let width, width > 0.05, estimate > 0 else { continue }
                let relative = width / estimate
                if relative > t { fire(rule, "interval \(ReasonNumber.fixed(100 * relative, 0)) % of the estimate > \(ReasonNumber.shortest(100 * t)) %") }
            case .minDF:
                if df < t { fire(rule, "\(ReasonNumber.shortest(df)) degrees of freedom < \(ReasonNumber.shortest(t))") }
            case .maxCV:
                guard !proportion else { continue }
                if let cv, cv > t { fire(rule, "CV \(ReasonNumber.fixed(100 * cv, 1)) % > \(ReasonNumber.shortest(100 * t)) %") }
                if !se.isFinite { fire(rule, "no standard error") }
            case .extremeProportion:
                if proportion && (estimate == 0 || estimate == 1) { fire(rule, "estimate of \(estimate == 0 ? "0" : "100") %") }
            }
        }
        return Reliability(status: status, reasons: reasons, cv: cv, effectiveN: nEff ?? nil, ciWidth: width)
    }

    /// Judges an estimate of ``SurveyEstimator`` (proportions are those whose statistic is `proportion`).
    public func assess(_ e: Estimate) -> Reliability {
        assess(estimate: e.estimate, se: e.se, ciLow: e.ciLow, ciHigh: e.ciHigh, n: e.n, df: e.df,
               proportion: e.statistic == "proportion")
    }

    /// The estimates with their ``Estimate/reliability`` set.
    public func apply(to estimates: [Estimate]) -> [Estimate] {
        estimates.map { e in
            var e = e
            e.reliability = assess(e)
            return e
        }
    }
}

/// Numbers in reasons: fixed decimals, or the shortest text of a threshold (`30`, `0.3`).
enum ReasonNumber {
    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
    static func shortest(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
    }
}

extension Estimate {
    /// Coefficient of variation `se/|θ̂|`, `nil` when θ̂ is 0 or a value is undefined.
    public var cv: Double? {
        estimate != 0 && estimate.isFinite && se.isFinite ? se / abs(estimate) : nil
    }
    /// Width of the confidence interval, `nil` without one.
    public var ciWidth: Double? {
        guard let ciLow, let ciHigh else { return nil }
        return ciHigh - ciLow
    }
}

extension ReliabilityRuleSet {
    /// Judges a comparison or test (`weight-cli test`): only the degrees-of-freedom rule (``ReliabilityRule/Measure/minDF``)
    /// applies, on the denominator degrees of freedom of F or the degrees of freedom of t. The coefficient of
    /// variation of a difference is not a measure of its precision (the difference may be 0), and the domains'
    /// own estimates are judged by `estimate`.
    public func assessComparison(df: Double?) -> Reliability {
        var status = Reliability.Status.reliable
        var reasons: [String] = []
        if let df {
            for rule in rules where rule.measure == .minDF && df < rule.threshold {
                status = max(status, rule.action.status)
                reasons.append("\(ReasonNumber.shortest(df)) degrees of freedom < \(ReasonNumber.shortest(rule.threshold))")
            }
        }
        return Reliability(status: status, reasons: reasons, cv: nil, effectiveN: nil, ciWidth: nil)
    }
}
