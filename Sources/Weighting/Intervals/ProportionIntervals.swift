import Foundation

/// Confidence intervals for a proportion estimated from a complex sample.
///
/// Each uses the design-based standard error `se` and the design degrees of freedom `df`; the Wilson and
/// Korn–Graubard intervals replace the sample size by the effective sample size `n* = p̂(1−p̂)/se²`
/// (Korn & Graubard 1998; Dean & Pagano 2015).
public enum ProportionIntervals {
    /// `expit(logit p̂ ± t_{df} se / (p̂(1−p̂)))`: Wald on the logit scale (R's `svyciprop(method = "logit")`).
    public static func logit(p: Double, se: Double, df: Double, level: Double) -> (Double, Double) {
        let t = StudentT(degreesOfFreedom: df).quantile(1 - (1 - level) / 2)
        let eta = log(p / (1 - p))
        let seEta = se / (p * (1 - p))
        return (expit(eta - t * seEta), expit(eta + t * seEta))
    }

    /// Wilson score interval with effective sample size and the `t_{df}` quantile:
    /// `(p̂ + c²/2n* ± c √(p̂(1−p̂)/n* + c²/4n*²)) / (1 + c²/n*)`.
    public static func wilson(p: Double, se: Double, n: Int, df: Double, level: Double) -> (Double, Double) {
        let c = StudentT(degreesOfFreedom: df).quantile(1 - (1 - level) / 2)
        let nEff = effectiveSize(p: p, se: se, n: n)
        if nEff.isInfinite { return (p, p) }
        let c2 = c * c
        let centre = (p + c2 / (2 * nEff)) / (1 + c2 / nEff)
        let half = c * (p * (1 - p) / nEff + c2 / (4 * nEff * nEff)).squareRoot() / (1 + c2 / nEff)
        return (max(0, centre - half), min(1, centre + half))
    }

    /// Korn & Graubard (1998): Clopper–Pearson with the effective sample size, rescaled by
    /// `(t_{n−1, α/2} / t_{df, α/2})²` (R's `svyciprop(method = "beta")`):
    /// `[Beta⁻¹(α/2; n*p̂, n*(1−p̂)+1), Beta⁻¹(1−α/2; n*p̂+1, n*(1−p̂))]`.
    public static func beta(p: Double, se: Double, n: Int, df: Double, level: Double) -> (Double, Double) {
        let alpha = 1 - level
        var nEff = effectiveSize(p: p, se: se, n: n)
        if nEff.isInfinite { return (p, p) }
        if n > 1 {
            let ratio = StudentT(degreesOfFreedom: Double(n - 1)).quantile(alpha / 2) / StudentT(degreesOfFreedom: df).quantile(alpha / 2)
            nEff *= ratio * ratio
        }
        let lower = p <= 0 ? 0 : BetaDistribution(alpha: nEff * p, beta: nEff * (1 - p) + 1).quantile(alpha / 2)
        let upper = p >= 1 ? 1 : BetaDistribution(alpha: nEff * p + 1, beta: nEff * (1 - p)).quantile(1 - alpha / 2)
        return (lower, upper)
    }

    /// `p̂(1−p̂)/se²`; when the standard error is 0, the sample size if p̂ is 0 or 1 (nothing observed on one
    /// side), and infinity if 0 < p̂ < 1 (a proportion fixed by the calibration: the interval collapses on p̂, as
    /// R's interval does when its standard error is rounding noise).
    static func effectiveSize(p: Double, se: Double, n: Int) -> Double {
        guard se > 0 else { return p <= 0 || p >= 1 ? Double(max(n, 1)) : .infinity }
        return p * (1 - p) / (se * se)
    }

    static func expit(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
}
