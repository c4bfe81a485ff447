/// The estimation of a response model in a linearized variance: the estimating-equation correction of Kim & Kim
/// (2007) for weights divided by estimated response propensities.
///
/// A phase-1 sample `s1` (in a panel: the wave-1 respondents, weights `w1`) loses some units; those who stay
/// (`r_i = 1`) get `w1_i / p̂_i`, with `p̂_i = p(h_i'φ̂)` a logistic response propensity whose coefficients solve the
/// survey-weighted score equations `Σ_{s1} w1_i (r_i − p_i) h_i = 0`. Treating `p̂` as known overstates the
/// variance of a total `Ŷ = Σ_{s1} r_i w1_i y_i / p̂_i` when `y` is related to `h` (Kim & Kim 2007, eq. 8–10;
/// Särndal & Lundström 2005, §10.3). A Taylor expansion in `φ̂` gives
///
///     Ŷ ≈ Σ_{s1} η_i,   η_i = w1_i p_i h_i'γ + r_i (w1_i / p_i)(y_i − p_i h_i'γ),
///     γ = [Σ_{s1} w1_i p_i (1 − p_i) h_i h_i']⁻¹ Σ_{s2} (w1_i / p_i)(1 − p_i) h_i y_i,
///
/// `s2` the units that stayed: `−γ` is the derivative of `Ŷ` in `φ` times the inverse of the score's Jacobian
/// (Kim & Kim estimate that Jacobian from the stayers, `Σ_{s2} w1 (1 − p) h h'`; the full-sample form here is the
/// exact derivative at `φ̂`, and both are equal for propensity classes). In terms of the weighted influence values `x_i = w1_i y_i / p_i` of the stayers:
/// - the **linked** (one-phase) contribution of every phase-1 unit is `η_i = r_i x_i − (r_i − p_i) w1_i h_i'γ`, whose
///   phase-1 design variance is the variance of `Ŷ` (for a change between waves, ``ChangeDesign``);
/// - the **phase-2** contribution of a stayer, in the two-phase decomposition (``TwoPhaseLinearization``), is
///   `x_i − w1_i h_i'γ` (for propensity classes, `(w1_i/p̂_c)(y_i − ȳ_c)`: the residual on the class indicators);
///   the phase-1 part is unchanged (`E(η_i | s1) = w1_i y_i`).
///
/// Propensity classes are the case where `h` holds the class indicators and `p̂_c` is the class's weighted
/// response rate (the logistic model saturated in the classes): then `γ_c = p̂_c⁻¹ ȳ_c` and the correction is the
/// residualization of the stayers' influence values on the class indicators, i.e. the class adjustment seen as a
/// calibration of the stayers to the phase-1 weighted class counts (Särndal & Lundström 2005, §8.3), as R survey's
/// `calibrate(twophase design, ~class, phase = 2)`. When a later calibration follows (``AttritionAdjustment``), the
/// correction applies to its residuals (the calibration is linearized first, then the propensities it started
/// from). Capped adjustment factors are not a solution of the score equations: the correction then uses the
/// uncapped `p̂`, an approximation.
public struct ResponseModelLinearization: Sendable, Equatable {
    /// Covariates `h_i` of the response model, one row per phase-1 unit (with the intercept; class indicators for
    /// propensity classes).
    public var covariates: [[Double]]
    /// Estimated response propensities `p̂_i` of every phase-1 unit.
    public var propensities: [Double]
    /// Phase-1 weights `w1_i` (the weights the model was fitted with).
    public var phase1Weights: [Double]
    /// Whether each phase-1 unit stayed (`r_i`).
    public var retained: [Bool]

    /// Creates the correction; all arrays are per phase-1 unit.
    public init(covariates: [[Double]], propensities: [Double], phase1Weights: [Double], retained: [Bool]) {
        precondition(covariates.count == propensities.count && propensities.count == phase1Weights.count && retained.count == phase1Weights.count)
        self.covariates = covariates
        self.propensities = propensities
        self.phase1Weights = phase1Weights
        self.retained = retained
    }

    /// `γ = [Σ_{s1} w1 p (1 − p) h h']⁻¹ Σ_{s2} (1 − p) h x` for the weighted influence values `x` of the phase-1 units
    /// (only the stayers' are used). Redundant columns (pivots below 1e-10 of the largest diagonal) get 0.
    public func coefficients(_ x: [Double]) -> [Double] {
        precondition(x.count == phase1Weights.count)
        let p = covariates.first?.count ?? 0
        guard p > 0 else { return [] }
        var a = [[Double]](repeating: [Double](repeating: 0, count: p + 1), count: p)
        for i in phase1Weights.indices {
            let h = covariates[i], q = 1 - propensities[i], w = phase1Weights[i] * propensities[i] * q
            for r in 0..<p where h[r] != 0 {
                for c in 0..<p { a[r][c] += w * h[r] * h[c] }
                if retained[i] { a[r][p] += q * h[r] * x[i] }
            }
        }
        return NormalEquations.solveDroppingRedundant(&a)
    }

    /// The linked contributions `η_i = r_i x_i − (r_i − p_i) w1_i h_i'γ` of every phase-1 unit, for the weighted
    /// influence values `x` of the phase-1 units (0 for those who left).
    public func linkedInfluence(_ x: [Double]) -> [Double] {
        let g = coefficients(x)
        guard !g.isEmpty else { return x }
        return phase1Weights.indices.map { i in
            let fit = zip(covariates[i], g).reduce(0) { $0 + $1.0 * $1.1 }
            return (retained[i] ? x[i] : 0) - ((retained[i] ? 1 : 0) - propensities[i]) * phase1Weights[i] * fit
        }
    }

    /// The phase-2 contributions `x_i − w1_i h_i'γ` of the stayers at phase-1 positions `rows`, for their weighted
    /// influence values `x` (same order as `rows`).
    public func phase2Influence(_ x: [Double], rows: [Int]) -> [Double] {
        precondition(x.count == rows.count)
        var full = [Double](repeating: 0, count: phase1Weights.count)
        for (k, i) in rows.enumerated() { full[i] = x[k] }
        let g = coefficients(full)
        guard !g.isEmpty else { return x }
        return rows.enumerated().map { k, i in x[k] - phase1Weights[i] * zip(covariates[i], g).reduce(0) { $0 + $1.0 * $1.1 } }
    }
}
