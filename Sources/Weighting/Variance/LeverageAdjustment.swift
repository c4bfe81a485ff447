/// Leverage adjustment of calibration residuals in a linearization variance (Valliant 2002; Valliant, Dorfman &
/// Royall 2000, §5.3).
///
/// A calibrated estimator's linearization uses the residuals `e_i = y_i − x_i'B̂` of the weighted regression on the
/// calibration auxiliaries. A fitted residual is shrunk towards zero by about `(1 − h_i)`, where
/// `h_i = d_i x_i'(Σ_j d_j x_j x_j')⁻¹ x_i` is unit `i`'s leverage (`Σ_i h_i` is the number of independent
/// auxiliaries), so `Σ w_i² e_i²` underestimates the variance when a few heavily weighted units have large
/// leverages: few respondents, many auxiliaries, very unequal weights, as in a panel wave adjusted for attrition
/// and calibrated back to wave-1 totals. Valliant (2002) compares the corrections below for the general regression
/// estimator and finds the leverage-adjusted ones cover better in small samples.
///
/// Measured on the barometer simulation under missing at random (`weight-cli demo --monte-carlo 200`, README):
/// without correction the phase-2 variance of waves 2–3 is 24–32 % below the empirical one and the 95 % intervals
/// cover 86–90 %; `hc2` covers 89.6–91.8 %; `jackknife` overstates the phase-2 variance by 23–30 % and covers
/// 93.0–93.5 %.
public enum LeverageAdjustment: String, Sendable, CaseIterable, Codable {
    /// Plain residuals, as R survey's linearization.
    case none
    /// `e_i / √(1 − h_i)`: unbiased for the residual variance under a homoscedastic model (Valliant's `v_D`).
    case hc2
    /// `e_i / (1 − h_i)`: the jackknife-like correction (Valliant's `v_J`), larger.
    case jackknife

    /// The factor applied to a residual of leverage `h` (`1 − h` is floored at 0.05, so a unit that the
    /// auxiliaries fit exactly does not make the variance infinite).
    public func factor(_ h: Double) -> Double {
        let q = max(1 - h, 0.05)
        switch self {
        case .none: return 1
        case .hc2: return 1 / q.squareRoot()
        case .jackknife: return 1 / q
        }
    }

    /// Leverages `h_i = d_i x_i'(Σ_j d_j x_j x_j')⁻ x_i` of the rows `x_i` of a weighted regression (a generalized
    /// inverse when columns are redundant, e.g. the indicators of two margins that both sum to one).
    public static func leverages(rows: [[Double]], weights d: [Double]) -> [Double] {
        precondition(rows.count == d.count)
        let p = rows.first?.count ?? 0
        guard p > 0 else { return [Double](repeating: 0, count: rows.count) }
        var a = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        for (k, row) in rows.enumerated() where d[k] != 0 {
            for r in 0..<p where row[r] != 0 { for c in 0..<p { a[r][c] += d[k] * row[r] * row[c] } }
        }
        let inverse = NormalEquations.inverseDroppingRedundant(a)
        return rows.enumerated().map { k, row in
            var q = 0.0
            for r in 0..<p where row[r] != 0 { for c in 0..<p where row[c] != 0 { q += row[r] * inverse[r][c] * row[c] } }
            return d[k] * q
        }
    }
}
