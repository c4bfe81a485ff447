/// One indicator (and domain) before and after weighting.
public struct ComparisonRow: Sendable, Equatable, Codable {
    /// Variable.
    public var variable: String
    /// Level of a categorical variable.
    public var level: String?
    /// Domain label.
    public var domain: String?
    /// Statistic (`proportion`, `mean`).
    public var statistic: String
    /// Unweighted estimate.
    public var raw: Double
    /// Weighted estimate.
    public var weighted: Double
    /// Its standard error.
    public var se: Double
    /// Weighted confidence interval.
    public var ciLow: Double?
    /// Upper limit.
    public var ciHigh: Double?
    /// `weighted − raw`, in points (×100) for proportions, in units otherwise.
    public var shift: Double
    /// Whether the raw value falls outside the weighted interval.
    public var rawOutsideInterval: Bool
    /// Respondents.
    public var n: Int
    /// Respondents with no value for the indicator (left out of both estimates, as R's `na.rm = TRUE`).
    public var missing: Int = 0
    /// How the weighted interval was formed (``Estimate/intervalMethod``).
    public var intervalMethod: String? = nil
    /// The reliability verdict of the weighted estimate.
    public var reliability: Reliability? = nil

    /// Creates a row; `shift` and `rawOutsideInterval` are given, not derived, so a caller may state them in its
    /// own units.
    public init(variable: String, level: String?, domain: String?, statistic: String, raw: Double, weighted: Double,
                se: Double, ciLow: Double?, ciHigh: Double?, shift: Double, rawOutsideInterval: Bool, n: Int,
                missing: Int = 0, intervalMethod: String? = nil, reliability: Reliability? = nil) {
        self.variable = variable
        self.level = level
        self.domain = domain
        self.statistic = statistic
        self.raw = raw
        self.weighted = weighted
        self.se = se
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.shift = shift
        self.rawOutsideInterval = rawOutsideInterval
        self.n = n
        self.missing = missing
        self.intervalMethod = intervalMethod
        self.reliability = reliability
    }
}

/// Raw (unweighted) against weighted estimates, sorted by the size of the shift: what weighting changed.
public enum Comparison {
    /// Compares each variable (and domain) between equal weights and the design's weights.
    public static func compare(table: Table, weighted: SurveyDesign, variables: [String], by: [String] = [],
                               interval: IntervalMethod = .logit, level: Double = 0.95,
                               variance: VarianceMethod = .linearization,
                               rules: ReliabilityRuleSet = .nchs) throws -> [ComparisonRow] {
        let raw = try SurveyDesign(weights: [Double](repeating: 1, count: table.rowCount))
        let rawEstimates = try SurveyEstimator(table: table, design: raw).estimate(variables: variables, statistic: .mean, by: by)
        let weightedEstimates = try SurveyEstimator(table: table, design: weighted, variance: variance, interval: interval, level: level)
            .estimate(variables: variables, statistic: .mean, by: by)
        var rows: [ComparisonRow] = []
        for w in weightedEstimates {
            guard let r = rawEstimates.first(where: { $0.variable == w.variable && $0.level == w.level && $0.domain == w.domain }) else { continue }
            let factor = w.statistic == "proportion" ? 100.0 : 1.0
            let outside = w.ciLow.map { r.estimate < $0 } == true || w.ciHigh.map { r.estimate > $0 } == true
            rows.append(ComparisonRow(variable: w.variable, level: w.level, domain: w.domain, statistic: w.statistic, raw: r.estimate,
                                      weighted: w.estimate, se: w.se, ciLow: w.ciLow, ciHigh: w.ciHigh,
                                      shift: (w.estimate - r.estimate) * factor, rawOutsideInterval: outside, n: w.n,
                                      missing: w.missing, intervalMethod: w.intervalMethod, reliability: rules.assess(w)))
        }
        return rows.sorted { abs($0.shift) > abs($1.shift) }
    }
}
