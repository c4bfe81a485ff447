/// The beta distribution Beta(α, β) on [0, 1].
public struct BetaDistribution: Sendable {
    /// First shape parameter α > 0.
    public let alpha: Double
    /// Second shape parameter β > 0.
    public let beta: Double

    /// Creates the distribution.
    public init(alpha: Double, beta: Double) {
        self.alpha = alpha
        self.beta = beta
    }

    /// `P(X ≤ x) = I_x(α, β)`.
    public func cdf(_ x: Double) -> Double { IncompleteBeta.regularized(x, alpha, beta) }

    /// Quantile: the `x` with `I_x(α, β) = p`; 0 at p = 0, 1 at p = 1.
    public func quantile(_ p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "probability must be in [0, 1]")
        return IncompleteBeta.inverse(p, alpha, beta)
    }
}
