/// A continuous probability distribution on the real line, through its two tails and their inverses.
///
/// Both tails are given so that a small upper tail (a p-value, a critical value at level 1e-9) keeps its
/// full relative precision instead of being formed as `1 − cdf(x)`.
public protocol ContinuousDistribution: Sendable {
    /// `P(X ≤ x)`.
    func cdf(_ x: Double) -> Double
    /// `P(X > x)`.
    func survival(_ x: Double) -> Double
    /// The `x` with `P(X ≤ x) = p`.
    func quantile(_ p: Double) -> Double
    /// The `x` with `P(X > x) = q`.
    func inverseSurvival(_ q: Double) -> Double
}

extension StandardNormal: ContinuousDistribution {}
extension StudentT: ContinuousDistribution {}
extension BetaDistribution: ContinuousDistribution {}
extension FDistribution: ContinuousDistribution {}
