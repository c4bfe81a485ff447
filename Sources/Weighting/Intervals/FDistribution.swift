/// Fisher's F distribution with `d1` and `d2` degrees of freedom.
///
/// `P(F ≤ f) = I_{d1 f/(d1 f + d2)}(d1/2, d2/2)`; quantiles invert the beta:
/// `f = d2 x / (d1 (1 − x))` with `x = Beta⁻¹(p; d1/2, d2/2)`.
public struct FDistribution: Sendable {
    /// Numerator degrees of freedom.
    public let d1: Double
    /// Denominator degrees of freedom.
    public let d2: Double

    /// Creates the distribution.
    public init(d1: Double, d2: Double) {
        self.d1 = d1
        self.d2 = d2
    }

    /// `P(F ≤ f)`.
    public func cdf(_ f: Double) -> Double {
        if f <= 0 { return 0 }
        return IncompleteBeta.regularized(d1 * f / (d1 * f + d2), d2 / (d1 * f + d2), d1 / 2, d2 / 2)
    }

    /// The `p`-quantile (0 at p = 0, +∞ at p = 1).
    public func quantile(_ p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "probability must be in [0, 1]")
        if p == 1 { return .infinity }
        let x = IncompleteBeta.inverse(p, d1 / 2, d2 / 2)
        return d2 * x / (d1 * (1 - x))
    }
}
