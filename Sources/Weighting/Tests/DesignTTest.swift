/// Design-based t test of the difference between the means of a variable in the two groups of a binary
/// variable, as R's `svyttest(y ~ g)` (Lumley 2010, §3.4 and §5.2): the difference `ȳ_2 − ȳ_1` (second level
/// minus first, levels in text order as R's `factor`), its standard error from the joint covariance of the
/// two domain means (which is that of the regression coefficient of `svyglm(y ~ g)`), and
/// `t = (ȳ_2 − ȳ_1)/se` on the design degrees of freedom minus one (the residual degrees of freedom of the
/// two-parameter regression).
///
/// Records with `y` or the group missing are left out of the estimate. The degrees of freedom are those of
/// the records left in (PSUs minus strata), as R's subset of an uncalibrated design; a calibrated design keeps
/// all its records (R's `[.survey.design2` keeps them, with zero weight), so all count; with replicate weights,
/// their rank minus one.
public struct DesignTTest: Sendable, Equatable, Codable {
    /// The variable compared.
    public var variable: String
    /// The grouping variable.
    public var group: String
    /// The two levels, first and second.
    public var levels: [String]
    /// The mean in each group.
    public var means: [Double]
    /// The difference, second minus first.
    public var difference: Double
    /// Its standard error.
    public var se: Double
    /// `t = difference / se`.
    public var t: Double
    /// Degrees of freedom.
    public var df: Double
    /// Two-sided p-value.
    public var pValue: Double
    /// Confidence interval of the difference.
    public var ciLow: Double
    /// Upper limit.
    public var ciHigh: Double

    /// Runs the test on the estimator's design and variance method.
    public init(_ estimator: SurveyEstimator, variable: String, group: String, level: Double = 0.95) throws {
        let table = estimator.table
        let g = try table.categorical(group)
        let levels = g.levels.sorted()
        guard levels.count == 2 else { throw ComparisonError.wrongLevelCount(variable: group, expected: "exactly 2", found: levels) }
        let codes = levels.map { UInt32(g.levels.firstIndex(of: $0)!) }
        var groups: [[Int]] = [[], []]
        for i in 0..<table.rowCount { if g.codes[i] == codes[0] { groups[0].append(i) } else if g.codes[i] == codes[1] { groups[1].append(i) } }
        let joint = try estimator.jointEstimates(variable: variable, level: nil, statistic: .mean, groups: groups, names: levels)
        let y = try table.numeric(variable).values
        let df: Double
        switch estimator.variance {
        case .replicates(let reps): df = Double(reps.degreesOfFreedom - 1)
        case .linearization:
            if estimator.design.calibration != nil {
                df = Double(estimator.design.degreesOfFreedom() - 1)
            } else {
                let kept = (groups[0] + groups[1]).sorted().filter { !y[$0].isNaN }
                df = Double(estimator.design.degreesOfFreedom(rows: kept) - 1)
            }
        }
        var j = joint
        j.degreesOfFreedom = df
        for k in 0..<2 where j.counts[k] < JointEstimates.minimumRespondents {
            throw ComparisonError.wrongLevelCount(variable: group, expected: "2 levels with at least 2 respondents each, so", found: levels)
        }
        let c = try j.estimate(.difference(levels[1], levels[0]), level: level)
        self.variable = variable
        self.group = group
        self.levels = levels
        means = joint.values
        difference = c.estimate
        se = c.se ?? .nan
        t = c.t ?? .nan
        self.df = df
        pValue = c.pValue ?? .nan
        ciLow = c.ciLow ?? .nan
        ciHigh = c.ciHigh ?? .nan
    }
}
