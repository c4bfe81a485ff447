/// One published number: an estimate with its standard error, confidence interval and design effect.
public struct Estimate: Sendable, Equatable, Codable {
    /// The variable (for a ratio, `numerator/denominator`).
    public var variable: String
    /// The level of a categorical variable (its proportion or count); `nil` for numeric variables.
    public var level: String?
    /// The domain, as `region=Occitanie` (crossed domains joined by ` & `); `nil` for the whole population.
    public var domain: String?
    /// The statistic (`mean`, `proportion`, `total`, `ratio`, `quantile 0.5`, …).
    public var statistic: String
    /// The point estimate.
    public var estimate: Double
    /// Its standard error.
    public var se: Double
    /// Lower confidence limit, `nil` when no interval can be formed (e.g. zero degrees of freedom).
    public var ciLow: Double?
    /// Upper confidence limit.
    public var ciHigh: Double?
    /// Design effect against simple random sampling without replacement (Kish 1965), when defined.
    public var deff: Double?
    /// Respondents with a value (in the domain).
    public var n: Int
    /// Respondents in the domain with a missing value, excluded.
    public var missing: Int
    /// Degrees of freedom of the interval.
    public var df: Double
    /// Effective sample size `n / deff`, when defined.
    public var effectiveN: Double? {
        guard let deff, deff > 0 else { return nil }
        return Double(n) / deff
    }
    /// A remark (interval method used, why an interval is missing, …).
    public var note: String?
    /// How the interval was formed: ``IntervalMethod/label`` (`wald`, `logit`, `korn-graubard`, `wilson`) or
    /// `woodruff` for quantiles; `nil` when there is no interval.
    public var intervalMethod: String?
    /// The verdict of the reliability rules (``ReliabilityRuleSet``), once applied.
    public var reliability: Reliability?

    /// Creates an estimate.
    public init(variable: String, level: String?, domain: String?, statistic: String, estimate: Double, se: Double,
                ciLow: Double?, ciHigh: Double?, deff: Double?, n: Int, missing: Int, df: Double, note: String? = nil,
                intervalMethod: String? = nil) {
        self.variable = variable
        self.level = level
        self.domain = domain
        self.statistic = statistic
        self.estimate = estimate
        self.se = se
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.deff = deff
        self.n = n
        self.missing = missing
        self.df = df
        self.note = note
        self.intervalMethod = intervalMethod
    }
}

/// The statistics `weight-cli estimate` computes.
public enum StatisticKind: Sendable, Equatable {
    /// Mean of a numeric variable, or proportions of the levels of a categorical one.
    case mean
    /// Total of a numeric variable, or estimated counts of the levels of a categorical one.
    case total
    /// Ratio of the totals of each variable to the total of a denominator variable.
    case ratio(denominator: String)
    /// Quantiles of a numeric variable (R's `qrule = "math"`, Woodruff intervals).
    case quantile([Double])
}

/// How confidence intervals are formed.
public enum IntervalMethod: String, Sendable, CaseIterable {
    /// `θ̂ ± t_{df, 1−α/2} se`.
    case wald
    /// For proportions: Wald on the logit scale, `expit(logit p̂ ± t se/(p̂(1−p̂)))` (R's `svyciprop` "logit").
    case logit
    /// For proportions: Wilson score interval with the effective sample size `p̂(1−p̂)/se²`.
    case wilson
    /// For proportions: Korn & Graubard (1998) Clopper–Pearson with effective sample size (R's "beta").
    case beta

    /// The name stated in outputs: `wald`, `logit`, `wilson`, `korn-graubard`.
    public var label: String { self == .beta ? "korn-graubard" : rawValue }
}
