/// Calibration targets of a wave estimated from the records of the linked design, `T_k = Σ_r w_r x_rk` (in a panel:
/// the wave-1 weighted totals a later wave is calibrated back to). The linearization of a calibrated estimator is
/// `Σ d (u − x'B) + T'B`; with known targets the last term is fixed, with estimated ones it is a total over the
/// linked records whose variance belongs to the estimate (Särndal, Swensson & Wretman 1992, §9.7).
public struct EstimatedCalibrationTotals: Sendable {
    /// Indexes in ``CalibrationResult/constraints`` of the estimated targets.
    public var constraints: [Int]
    /// `x_rk` of every linked record `r` for each of those constraints (`values[r][j]` for `constraints[j]`).
    public var values: [[Double]]
    /// `w_r`, the weight of every linked record in the totals.
    public var weights: [Double]

    /// Creates the description of the estimated targets.
    public init(constraints: [Int], values: [[Double]], weights: [Double]) {
        precondition(values.count == weights.count && values.allSatisfy { $0.count == constraints.count })
        self.constraints = constraints
        self.values = values
        self.weights = weights
    }
}

/// One wave (or edition) of a change estimate: its respondents' weights, the calibration made on them (if
/// any), where each respondent sits in the linked design, and its replicate weights.
public struct ChangeWave: Sendable {
    /// Weight of each respondent of the wave.
    public var weights: [Double]
    /// The wave's own calibration, over its respondents in the same order (its influence values are replaced by
    /// their residuals on the calibration auxiliaries before they are placed in the linked design). A calibration
    /// carried by the linked design itself (wave 1 of a panel) is given there, not here.
    public var calibration: CalibrationResult?
    /// For each respondent, its record in the linked design.
    public var linkedRecord: [Int]
    /// Replicate weights of the respondents, `replicateWeights[r][i]`, the same replicates (the same draws of
    /// the linked units) for both waves.
    public var replicateWeights: [[Double]]?
    /// The response model whose estimated propensities divided the weights of this wave (a panel's later wave
    /// adjusted for attrition), indexed by record of the linked design; its estimation enters the linearized
    /// variance (``ResponseModelLinearization/linkedInfluence(_:)``, Kim & Kim 2007). Nil: none, or taken as known.
    public var responseModel: ResponseModelLinearization? = nil
    /// Leverage correction of this wave's residual contributions after its calibration and response model
    /// (``LeverageAdjustment``; none by default): the leverages are those of the wave's respondents in the
    /// regression on the calibration auxiliaries and the response model's covariates together. With replicates,
    /// the calibration residuals of the replicated values are corrected (Davison & Hinkley 1997, §6.2.3).
    public var leverage: LeverageAdjustment = .none

    /// Targets of this wave's calibration that were estimated from the linked records (a panel wave calibrated
    /// back to wave-1 weighted totals) rather than known: their sampling variance enters the linearization.
    public var estimatedTotals: EstimatedCalibrationTotals? = nil

    /// Leverage of each respondent of the wave (0 without calibration or response model).
    func leverages() -> [Double] {
        guard calibration != nil || responseModel != nil else { return [Double](repeating: 0, count: count) }
        let rows = (0..<count).map { i in (calibration?.auxiliaries(ofRecord: i) ?? []) + (responseModel?.covariates[linkedRecord[i]] ?? []) }
        return LeverageAdjustment.leverages(rows: rows, weights: calibration?.baseWeights ?? weights)
    }

    /// The values whose replicates give the leverage-corrected replicate variance: `y_i + (c(h_i) − 1) e_i`, where
    /// `e_i` is the residual of `y_i − θ̂` on the wave's calibration auxiliaries (the weighted regression of
    /// Deville & Särndal 1992 that the calibration's linearization uses) and `c(h)` the ``leverage`` factor of
    /// the respondent's leverage ``leverages()``.
    ///
    /// A re-calibrated replicate reproduces the plain linearization of the calibrated estimator
    /// (`θ̂_r − θ̂ ≈ Σ (w_ri − w_i) e_i / Σ w_i` beside the variation of the calibration totals), whose fitted
    /// residuals are shrunk by about `1 − h_i`; replicating the modified values restores their spread, as the
    /// modified residuals `e_i / (1 − h_i)^{1/2}` of the residual bootstrap do in regression (Davison & Hinkley
    /// 1997, §6.2.3) and as ``LeverageAdjustment`` does in the linearization (Valliant 2002). The fitted part
    /// `y_i − e_i` is untouched, so the variance of the estimated calibration totals is kept as is. Without
    /// calibration or correction, `y` itself.
    func leverageModified(_ y: [Double], rows: [Int], mean theta: Double) throws -> [Double] {
        guard leverage != .none, let calibration else { return y }
        var z = [Double](repeating: 0, count: count)
        for i in rows { z[i] = weights[i] * (y[i] - theta) }
        let e = try CalibrationResiduals(result: calibration, weights: weights).residualizeWithCoefficients([z]).residuals[0]
        let h = leverages()
        var out = y
        for i in rows where weights[i] != 0 { out[i] = y[i] + (leverage.factor(h[i]) - 1) * e[i] / weights[i] }
        return out
    }

    /// Creates a wave.
    public init(weights: [Double], calibration: CalibrationResult? = nil, linkedRecord: [Int], replicateWeights: [[Double]]? = nil) {
        precondition(weights.count == linkedRecord.count)
        self.weights = weights
        self.calibration = calibration
        self.linkedRecord = linkedRecord
        self.replicateWeights = replicateWeights
    }

    /// Number of respondents.
    public var count: Int { weights.count }
}

/// How the variance of a change is estimated.
public enum ChangeVariance: Sendable {
    /// Linearization on the linked design.
    case linearization
    /// Replicates: the scheme (scale, `rscales`, mse, degrees of freedom) of the waves' replicate weights.
    case replicates(ReplicateWeights)
}

/// Two waves of a survey, or two editions, linked record by record: the design the change of an indicator
/// and its variance are computed on.
///
/// The estimate of wave `k` is the Hájek mean `θ̂_k = Σ w_ki y_ki / Σ w_ki` over its respondents (a proportion
/// when `y` is an indicator), and the change is `Δ̂ = θ̂_2 − θ̂_1` (or `θ̂_2/θ̂_1` on request), with
/// `V(Δ̂) = V_11 + V_22 − 2 V_12`. The overlap of the two samples enters through `V_12`: with a positive
/// correlation between the two waves' answers of the same respondents (a persistent indicator), the change is
/// estimated more precisely than from two independent samples (Kish 1965, §12.4; Tam 1984; Berger 2004).
///
/// - Linearization: the influence values of each wave's estimator, `z_ki = w_ki (y_ki − θ̂_k) / Σ w_k`
///   (Lumley 2010, §2.3), after the wave's own calibration their residuals on its auxiliaries (Deville &
///   Särndal 1992), are placed on the records of the linked design, a record absent from a wave contributing
///   zero to that wave's; the 2 x 2 covariance is then the design's
///   `Σ_h (1 − f_h) n_h/(n_h − 1) Σ_j (z_hj − z̄_h)(z_hj − z̄_h)'` on PSU totals, after the residuals on the
///   linked design's calibration when it carries one (a panel whose later-wave weights derive from the calibrated
///   wave-1 weights). A wave whose weights were divided by estimated response propensities carries its
///   response model (``ChangeWave/responseModel``): its influence values on the linked records become
///   `r_i x_i − (r_i − p̂_i) w1_i h_i'γ` (Kim & Kim 2007), so those who left contribute too. For a panel this is R survey's treatment of one design over the wave-1 records carrying
///   both waves' variables and weights. Two samples with no common record have zero covariance.
/// - Replicates: `θ̂_1r`, `θ̂_2r` computed with each replicate's weights (the same draw of the linked units in both
///   waves, e.g. the bootstrap carried through the attrition adjustment), and their covariance
///   `scale Σ_r rscale_r (θ̂_r − c)(θ̂_r − c)'` (Wolter 2007).
///
/// The independent-samples standard error `sqrt(V_11 + V_22)` is given beside it, to show what the overlap buys.
public struct ChangeDesign: Sendable {
    /// The linked design: one record per linked unit (for a panel, the wave-1 design), with its strata, PSUs,
    /// fpc and, for a panel, wave 1's calibration.
    public var linked: SurveyDesign
    /// Wave 1 (or the earlier edition).
    public var first: ChangeWave
    /// Wave 2 (or the later edition).
    public var second: ChangeWave
    /// How the variance is estimated.
    public var variance: ChangeVariance

    /// Creates the design, checking that every respondent points to a record of the linked design.
    public init(linked: SurveyDesign, first: ChangeWave, second: ChangeWave, variance: ChangeVariance = .linearization) {
        for w in [first, second] { precondition(w.linkedRecord.allSatisfy { $0 >= 0 && $0 < linked.count }) }
        if case .replicates(let reps) = variance {
            precondition(first.replicateWeights?.count == reps.rscales.count && second.replicateWeights?.count == reps.rscales.count)
        }
        self.linked = linked
        self.first = first
        self.second = second
        self.variance = variance
    }

    /// Linked records with a respondent in both waves.
    public var overlap: Int {
        let a = Set(first.linkedRecord)
        return Set(second.linkedRecord).filter { a.contains($0) }.count
    }

    /// Degrees of freedom of intervals and tests: the linked design's (PSUs minus strata), or the rank of the
    /// replicate weights minus one.
    public var degreesOfFreedom: Double {
        switch variance {
        case .linearization: return Double(linked.degreesOfFreedom())
        case .replicates(let reps): return Double(reps.degreesOfFreedom)
        }
    }

    /// The two waves' estimates of one indicator with their joint covariance, named `wave 1` and `wave 2`.
    ///
    /// - Parameters:
    ///   - y1: the values of wave 1's respondents (NaN: missing, left out of the estimate).
    ///   - y2: the values of wave 2's respondents.
    ///   - in1: wave-1 respondents in the domain (nil: all).
    ///   - in2: wave-2 respondents in the domain (nil: all).
    ///   - variable: the indicator's name, for the estimates and messages.
    ///   - statistic: the statistic's name as reported (`mean`, or `proportion` for a 0/1 indicator); the estimate is a mean.
    ///   - domain: the domain's name.
    /// - Throws: ``ComparisonError/emptyDomain(variable:domain:)`` when a wave has no respondent with a value.
    public func jointEstimates(y1: [Double], y2: [Double], in1: [Bool]? = nil, in2: [Bool]? = nil, variable: String,
                               statistic: String = "mean", domain: String = JointEstimates.wholeName) throws -> JointEstimates {
        precondition(y1.count == first.count && y2.count == second.count)
        let waves = [(first, y1, in1), (second, y2, in2)]
        var rows: [[Int]] = []
        var missing: [Int] = []
        for (k, (wave, y, inDomain)) in waves.enumerated() {
            let present = (0..<wave.count).filter { (inDomain?[$0] ?? true) && wave.weights[$0] != 0 }
            let kept = present.filter { !y[$0].isNaN }
            if kept.isEmpty { throw ComparisonError.emptyDomain(variable: variable, domain: "\(domain) at wave \(k + 1)") }
            rows.append(kept)
            missing.append(present.count - kept.count)
        }
        func mean(_ w: [Double], _ y: [Double], _ rows: [Int]) -> Double {
            var sy = 0.0, sw = 0.0
            for i in rows { sy += w[i] * y[i]; sw += w[i] }
            return sy / sw
        }
        let values = [mean(first.weights, y1, rows[0]), mean(second.weights, y2, rows[1])]
        var cov = Matrix(rows: 2, columns: 2)
        let thin = rows.contains { $0.count < JointEstimates.minimumRespondents }
        if !thin {
            switch variance {
            case .linearization:
                var z: [[Double]] = []
                for (k, (wave, y, _)) in waves.enumerated() {
                    var zk = [Double](repeating: 0, count: wave.count)
                    let sw = rows[k].reduce(0) { $0 + wave.weights[$1] }
                    for i in rows[k] { zk[i] = wave.weights[i] * (y[i] - values[k]) / sw }
                    var b: [Double]? = nil
                    if let cal = wave.calibration {
                        let r = try CalibrationResiduals(result: cal, weights: wave.weights).residualizeWithCoefficients([zk])
                        zk = r.residuals[0]
                        b = r.coefficients[0]
                    }
                    var placed = [Double](repeating: 0, count: linked.count)
                    for i in 0..<wave.count where zk[i] != 0 { placed[wave.linkedRecord[i]] += zk[i] }
                    if let model = wave.responseModel { placed = model.linkedInfluence(placed) }
                    if wave.leverage != .none {
                        for (i, h) in wave.leverages().enumerated() { placed[wave.linkedRecord[i]] *= wave.leverage.factor(h) }
                    }
                    if let b, let totals = wave.estimatedTotals {
                        // Targets T = Σ_linked w_r x_r estimated from the linked records: T'B adds w_r x_r'B to each.
                        for r in 0..<linked.count {
                            var fit = 0.0
                            for (j, k) in totals.constraints.enumerated() { fit += totals.values[r][j] * b[k] }
                            placed[r] += totals.weights[r] * fit
                        }
                    }
                    z.append(placed)
                }
                cov = try LinearizationVariance(design: linked).covariance(z)
            case .replicates(let reps):
                // With a leverage correction, the replicates are taken of the values whose calibration residuals
                // are inflated (Davison & Hinkley's modified residuals); the estimates themselves are unchanged.
                let v1 = try first.leverageModified(y1, rows: rows[0], mean: values[0])
                let v2 = try second.leverageModified(y2, rows: rows[1], mean: values[1])
                let thetas = (0..<reps.rscales.count).map { r in
                    [mean(first.replicateWeights![r], v1, rows[0]), mean(second.replicateWeights![r], v2, rows[1])]
                }
                cov = reps.covariance(replicateEstimates: thetas,
                                      fullSample: [mean(first.weights, v1, rows[0]), mean(second.weights, v2, rows[1])])
            }
        }
        var joint = JointEstimates(names: ChangeEstimate.waveNames, values: values, covariance: cov, degreesOfFreedom: degreesOfFreedom,
                                   counts: rows.map(\.count), statistic: statistic, variable: variable)
        joint.missing = missing
        return joint
    }

    /// The change of one indicator between the waves: both levels, the difference (and the ratio when asked)
    /// with the panel standard error and the independent-samples one.
    public func change(y1: [Double], y2: [Double], in1: [Bool]? = nil, in2: [Bool]? = nil, variable: String,
                       statistic: String = "mean", domain: String = JointEstimates.wholeName, level: Double = 0.95,
                       ratio: Bool = false) throws -> ChangeEstimate {
        let joint = try jointEstimates(y1: y1, y2: y2, in1: in1, in2: in2, variable: variable, statistic: statistic, domain: domain)
        var linkedCount = 0
        var a = [Bool](repeating: false, count: linked.count)
        for (i, r) in first.linkedRecord.enumerated() where !y1[i].isNaN && (in1?[i] ?? true) && first.weights[i] != 0 { a[r] = true }
        for (i, r) in second.linkedRecord.enumerated() where !y2[i].isNaN && (in2?[i] ?? true) && second.weights[i] != 0 && a[r] {
            linkedCount += 1
            a[r] = false
        }
        return ChangeEstimate(joint: joint, domain: domain, linked: linkedCount, level: level, ratio: ratio)
    }
}

/// The change of an indicator between two waves or editions: both waves' levels with intervals, the change
/// with its panel standard error (accounting for the overlap), the independent-samples standard error beside
/// it, and the ratio of the levels when asked (delta method: `g = (−θ_2/θ_1², 1/θ_1)`).
public struct ChangeEstimate: Sendable, Equatable, Codable {
    /// Names of the two estimates in ``ChangeDesign/jointEstimates(y1:y2:in1:in2:variable:statistic:domain:)``.
    public static let waveNames = ["wave 1", "wave 2"]

    /// The indicator (`variable` or `variable=level`).
    public var variable: String
    /// `mean` or `proportion`.
    public var statistic: String
    /// The domain (`all` for the whole population).
    public var domain: String
    /// Level at wave 1, standard error and interval.
    public var wave1: LevelEstimate
    /// Level at wave 2.
    public var wave2: LevelEstimate
    /// Respondents with a value in both waves (linked).
    public var linked: Int
    /// `θ̂_2 − θ̂_1` with its panel standard error, interval and t test (`df` of the design).
    public var change: ContrastEstimate
    /// The independent-samples standard error `sqrt(V_11 + V_22)` (what two unlinked samples would give).
    public var independentSE: Double?
    /// The p-value of the change under the independent-samples standard error.
    public var independentPValue: Double?
    /// The correlation of the two waves' estimates, `V_12 / sqrt(V_11 V_22)`.
    public var correlation: Double?
    /// `θ̂_2 / θ̂_1`, tested against 1, when asked.
    public var ratio: ContrastEstimate?

    /// A level with its standard error and Wald t interval.
    public struct LevelEstimate: Sendable, Equatable, Codable {
        /// The estimate.
        public var estimate: Double
        /// Its standard error (nil with fewer than 2 respondents).
        public var se: Double?
        /// Lower limit.
        public var ciLow: Double?
        /// Upper limit.
        public var ciHigh: Double?
        /// Respondents with a value.
        public var n: Int
        /// Respondents of the domain left out because the variable is missing (as R's `na.rm = TRUE`).
        public var missing: Int = 0
    }

    /// The change from the joint estimates of the two waves (names ``waveNames``).
    public init(joint: JointEstimates, domain: String, linked: Int, level: Double = 0.95, ratio: Bool = false) {
        variable = joint.variable
        statistic = joint.statistic
        self.domain = domain
        self.linked = linked
        let df = joint.degreesOfFreedom
        let q = df >= 1 ? StudentT(degreesOfFreedom: df).quantile(1 - (1 - level) / 2) : .nan
        func levelEstimate(_ k: Int) -> LevelEstimate {
            let thin = joint.counts.contains { $0 < JointEstimates.minimumRespondents }
            let se: Double? = thin ? nil : joint.standardError(k)
            let value = joint.values[k]
            return LevelEstimate(estimate: value, se: se, ciLow: se.flatMap { q.isNaN ? nil : value - q * $0 },
                                 ciHigh: se.flatMap { q.isNaN ? nil : value + q * $0 }, n: joint.counts[k],
                                 missing: k < joint.missing.count ? joint.missing[k] : 0)
        }
        wave1 = levelEstimate(0)
        wave2 = levelEstimate(1)
        let names = Self.waveNames
        // The joint estimates always hold both names: estimating their contrasts cannot fail.
        change = (try? joint.estimate(Contrast(label: "\(names[1]) - \(names[0])", terms: [(names[1], 1), (names[0], -1)]), level: level))!
        if change.se != nil {
            let v1 = joint.covariance[0, 0], v2 = joint.covariance[1, 1]
            let independent = max(0, v1 + v2).squareRoot()
            independentSE = independent
            if independent > 0, df >= 1 {
                independentPValue = 2 * StudentT(degreesOfFreedom: df).cdf(-abs(change.estimate) / independent)
            }
            if v1 > 0, v2 > 0 { correlation = joint.covariance[0, 1] / (v1 * v2).squareRoot() }
        }
        if ratio { self.ratio = (try? joint.estimate(.ratio(names[1], names[0]), level: level))! }
    }
}
