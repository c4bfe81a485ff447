import Foundation

/// Linearization variance of a two-phase estimator (Särndal, Swensson & Wretman 1992, ch. 9; Lumley 2010, §8.3),
/// as R survey's `twophase(..., method = "full")` design, optionally calibrated at phase 2 to the phase-1
/// estimated totals (`calibrate(design, formula, phase = 2)`), and at phase 1 to population totals.
///
/// Phase 1 is a sample `s1` of `n1` units with weights `w1 = 1/π1` (in a panel: the wave-1 respondents and their
/// calibrated weights); phase 2 is a subset `s2` of `n2` of them, kept with conditional probabilities `π2|1` (in a
/// panel: the estimated probabilities of staying, the inverse of the attrition adjustment factors), whose final
/// weights `w` come from `w1/π2|1` calibrated to phase-1 estimates. For a total `Ŷ = Σ_{s2} w_i y_i`, with
/// `x_i = w_i y_i`,
///
///     V̂(Ŷ) = Σ_{i,j ∈ s2} x1_i x1_j Ď1_ij (1 − Ď2_ij)  +  Σ_{i,j ∈ s2} x2_i x2_j Ď2_ij,
///
/// the first term the phase-1 variance estimated from the phase-2 units, the second the phase-2 variance given
/// phase 1, where
/// - `Ď1` is phase 1's: `1 − π1_i` on the diagonal and, without replacement, `−(1 − π1_i)/(n1 − 1)` off it
///   (with replacement: zero off it, and the identity when every `π1` is 1, as R);
/// - `Ď2` is phase 2's: `1 − π2_i` on the diagonal and `−(1 − π2_i)/(n2 − 1)` off it;
/// - `x2 = w·e2`, `e2` the residuals of `y` on the phase-2 calibration auxiliaries by least squares weighted by
///   `w1/π2|1` (`x2 = x` without calibration);
/// - `x1` is `x` residualized on the phase-1 calibration auxiliaries over all of `s1` (`x` set to 0 outside `s2`,
///   regression weights the phase-1 base weights; `x1 = x` without phase-1 calibration).
///
/// A mean is the ratio `Ŷ/N̂`, linearized as the total of `(y_i − ȳ)/N̂`.
///
/// When `π2|1` are estimated by a response model (``responseModel``), `x2` is further replaced by its residual on
/// the model's covariates (Kim & Kim 2007; for propensity classes, the class indicators as phase-2 calibration
/// auxiliaries, as R's `calibrate(..., ~class, phase = 2)`).
///
/// With few stayers, many auxiliaries and very unequal weights, the fitted residuals `x2` are too small for the
/// heavily weighted stayers whose leverage is large; ``leverage`` corrects them (``LeverageAdjustment``,
/// Valliant 2002). R survey does not, so the default is none.
///
/// Agreement with R survey 4.1.1 (`Fixtures/twophase/make_twophase.R`): equal phase-1 weights, phase 1 with and
/// without replacement, no calibration or linear or raking calibration at phase 2. R's phase-2 calibration
/// regresses on the phase-2 weights `1/π2|1`; with unequal phase-1 weights this type uses `w1/π2|1`, which
/// calibrates to the phase-1 *weighted* totals (R's `calibrate(phase = 2)` without `population` calibrates to the
/// unweighted ones). R 4.1.1 cannot compute the variance after a `calibrate(phase = 1)` (greg) calibration, so that
/// part is checked by simulation only.
public struct TwoPhaseLinearization: Sendable {
    /// How phase 1 was drawn.
    public enum PhaseOneSampling: String, Sendable {
        /// With replacement (no finite population correction), R's default without `fpc`.
        case withReplacement
        /// Without replacement, `π1 = n1/N` (`fpc`).
        case withoutReplacement
    }

    /// Phase-1 weights `w1` of every phase-1 unit (`n1`).
    public var phase1Weights: [Double]
    /// Positions in phase 1 of the phase-2 units (`n2`, each once).
    public var phase2Rows: [Int]
    /// Conditional phase-2 inclusion probabilities `π2|1` of the phase-2 units (`n2`).
    public var phase2Probabilities: [Double]
    /// Final weights of the phase-2 units (`n2`).
    public var finalWeights: [Double]
    /// Phase-2 calibration auxiliaries, one row per phase-2 unit (empty: no phase-2 calibration).
    public var phase2Auxiliaries: [[Double]]
    /// Phase-1 calibration auxiliaries, one row per phase-1 unit (empty: no phase-1 calibration).
    public var phase1Auxiliaries: [[Double]]
    /// Phase-1 weights before the phase-1 calibration (default all 1).
    public var phase1BaseWeights: [Double]
    /// Phase-1 sampling.
    public var phase1Sampling: PhaseOneSampling
    /// The response model that estimated `π2|1`, when they are estimated (nil: taken as known). Its correction
    /// (Kim & Kim 2007, ``ResponseModelLinearization``) is applied to the phase-2 contributions after the
    /// phase-2 calibration's residuals; indexed by phase-1 unit.
    public var responseModel: ResponseModelLinearization? = nil
    /// How the phase-2 contributions are corrected for the leverage of the stayers in the phase-2 calibration and
    /// response model (``LeverageAdjustment``; none by default, as R survey).
    public var leverage: LeverageAdjustment = .none

    /// Creates the two-phase design.
    public init(phase1Weights: [Double], phase2Rows: [Int], phase2Probabilities: [Double], finalWeights: [Double],
                phase2Auxiliaries: [[Double]] = [], phase1Auxiliaries: [[Double]] = [], phase1BaseWeights: [Double]? = nil,
                phase1Sampling: PhaseOneSampling = .withReplacement) {
        precondition(phase2Rows.count == phase2Probabilities.count && phase2Rows.count == finalWeights.count)
        precondition(phase2Auxiliaries.isEmpty || phase2Auxiliaries.count == phase2Rows.count)
        precondition(phase1Auxiliaries.isEmpty || phase1Auxiliaries.count == phase1Weights.count)
        self.phase1Weights = phase1Weights
        self.phase2Rows = phase2Rows
        self.phase2Probabilities = phase2Probabilities
        self.finalWeights = finalWeights
        self.phase2Auxiliaries = phase2Auxiliaries
        self.phase1Auxiliaries = phase1Auxiliaries
        self.phase1BaseWeights = phase1BaseWeights ?? [Double](repeating: 1, count: phase1Weights.count)
        self.phase1Sampling = phase1Sampling
    }

    /// An estimate with its two-phase variance and the two parts.
    public struct Result: Sendable, Equatable {
        /// Point estimate.
        public var estimate: Double
        /// Phase-1 part of the variance.
        public var phase1Variance: Double
        /// Phase-2 part of the variance.
        public var phase2Variance: Double
        /// Total variance.
        public var variance: Double { phase1Variance + phase2Variance }
        /// Standard error.
        public var standardError: Double { variance.squareRoot() }
    }

    /// Total `Σ_{s2} w y` of a variable observed on the phase-2 units.
    public func total(_ y: [Double]) -> Result {
        precondition(y.count == phase2Rows.count)
        let t = zip(finalWeights, y).reduce(0) { $0 + $1.0 * $1.1 }
        let (v1, v2) = variance(influence: y)
        return Result(estimate: t, phase1Variance: v1, phase2Variance: v2)
    }

    /// Mean `Σ w y / Σ w`, linearized as the total of `(y − ȳ)/N̂`.
    public func mean(_ y: [Double]) -> Result {
        precondition(y.count == phase2Rows.count)
        let nHat = finalWeights.reduce(0, +)
        let m = zip(finalWeights, y).reduce(0) { $0 + $1.0 * $1.1 } / nHat
        let (v1, v2) = variance(influence: y.map { ($0 - m) / nHat })
        return Result(estimate: m, phase1Variance: v1, phase2Variance: v2)
    }

    /// The two parts of the variance of `Σ_{s2} w z` for influence values `z`.
    func variance(influence z: [Double]) -> (Double, Double) {
        let n2 = phase2Rows.count, n1 = phase1Weights.count
        let x = zip(finalWeights, z).map { $0.0 * $0.1 }
        // Phase-2 residuals: e2 = z − X2 b, weights w1/π2.
        var x2 = x
        if !phase2Auxiliaries.isEmpty {
            let d = (0..<n2).map { phase1Weights[phase2Rows[$0]] / phase2Probabilities[$0] }
            let e = Self.residuals(z, on: phase2Auxiliaries, weights: d)
            x2 = zip(finalWeights, e).map { $0.0 * $0.1 }
        }
        // Estimated propensities: the stayers' contributions less their projection on the response model.
        if let model = responseModel { x2 = model.phase2Influence(x2, rows: phase2Rows) }
        if leverage != .none {
            let h = phase2Leverages()
            for k in 0..<n2 { x2[k] *= leverage.factor(h[k]) }
        }
        // Phase-1 residuals over s1 of t = x / w1 (0 outside s2), weights d1; x1 = w1 · e1.
        var x1 = x
        if !phase1Auxiliaries.isEmpty {
            var t = [Double](repeating: 0, count: n1)
            for (k, i) in phase2Rows.enumerated() { t[i] = x[k] / phase1Weights[i] }
            let e = Self.residuals(t, on: phase1Auxiliaries, weights: phase1BaseWeights)
            x1 = phase2Rows.map { phase1Weights[$0] * e[$0] }
        }
        let pi1 = phase2Rows.map { 1 / phase1Weights[$0] }, pi2 = phase2Probabilities
        let allCertain = phase1Weights.allSatisfy { $0 == 1 }
        let c2 = n2 > 1 ? 1 / Double(n2 - 1) : 0
        // Phase 1: Σ_{i,j} x1_i x1_j Ď1_ij (1 − Ď2_ij).
        var v1 = 0.0
        let s1 = x1.reduce(0, +)
        for k in 0..<n2 {
            let d1 = phase1Sampling == .withReplacement && allCertain ? 1 : 1 - pi1[k]
            v1 += x1[k] * x1[k] * d1 * pi2[k]
            if phase1Sampling == .withoutReplacement && n1 > 1 {
                let off1 = -(1 - pi1[k]) / Double(n1 - 1), off2 = -(1 - pi2[k]) * c2
                v1 += off1 * (1 - off2) * x1[k] * (s1 - x1[k])
            }
        }
        // Phase 2: Σ_{i,j} x2_i x2_j Ď2_ij.
        var v2 = 0.0
        let s2 = x2.reduce(0, +)
        for k in 0..<n2 {
            v2 += (1 - pi2[k]) * x2[k] * x2[k] - (1 - pi2[k]) * c2 * x2[k] * (s2 - x2[k])
        }
        return (v1, v2)
    }

    /// Leverages of the stayers in the phase-2 regression on the calibration auxiliaries and the response
    /// model's covariates together, with the weights `d = w1/π2|1` (``LeverageAdjustment/leverages(rows:weights:)``).
    func phase2Leverages() -> [Double] {
        let rows = phase2Rows.indices.map { k in (phase2Auxiliaries.isEmpty ? [] : phase2Auxiliaries[k]) + (responseModel?.covariates[phase2Rows[k]] ?? []) }
        return LeverageAdjustment.leverages(rows: rows, weights: phase2Rows.indices.map { phase1Weights[phase2Rows[$0]] / phase2Probabilities[$0] })
    }

    /// Residuals of `y` on the columns of `x` by least squares weighted by `w` (normal equations solved by
    /// Gauss–Jordan elimination with pivots below 1e-10 of the diagonal's scale dropped, so redundant columns,
    /// such as the indicators of two margins that both sum to one, are left out: residuals do not depend on it).
    static func residuals(_ y: [Double], on x: [[Double]], weights w: [Double]) -> [Double] {
        let p = x.first?.count ?? 0
        guard p > 0 else { return y }
        var a = [[Double]](repeating: [Double](repeating: 0, count: p + 1), count: p)
        for (i, row) in x.enumerated() where w[i] != 0 {
            for r in 0..<p where row[r] != 0 {
                let wr = w[i] * row[r]
                for c in 0..<p { a[r][c] += wr * row[c] }
                a[r][p] += wr * y[i]
            }
        }
        let b = NormalEquations.solveDroppingRedundant(&a)
        return x.enumerated().map { i, row in y[i] - zip(row, b).reduce(0) { $0 + $1.0 * $1.1 } }
    }
}

