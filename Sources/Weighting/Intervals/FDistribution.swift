import Foundation

/// Fisher's F distribution with `d₁` (numerator) and `d₂` (denominator) degrees of freedom.
///
/// Through the beta (Abramowitz & Stegun 26.6.2): `P(F ≤ f) = I_x(d₁/2, d₂/2)` with
/// `x = d₁f/(d₁f + d₂)` and `1 − x = d₂/(d₁f + d₂)` both formed without subtraction; quantiles invert the
/// beta, `f = (d₂/d₁)·x/(1 − x)`, with `x` and `1 − x` both returned to full precision by
/// `IncompleteBeta.inverse(p:q:_:_:)`, so large quantiles keep their accuracy. Relative accuracy about
/// 1e-14 (see ``BetaDistribution``).
///
/// Invalid parameters (not positive and finite, or NaN) make every function return NaN.
public struct FDistribution: Sendable {
    /// Numerator degrees of freedom `d₁ > 0` (may be fractional).
    public let d1: Double
    /// Denominator degrees of freedom `d₂ > 0` (may be fractional).
    public let d2: Double

    /// Creates F(d₁, d₂).
    public init(d1: Double, d2: Double) {
        self.d1 = d1
        self.d2 = d2
    }

    var isValid: Bool { d1 > 0 && d2 > 0 && d1.isFinite && d2.isFinite }

    /// `(x, 1 − x)` for `f ≥ 0`, from `r = d₁f/d₂` as `(r/(1+r), 1/(1+r))` or, for `r > 1`, from `1/r`.
    func betaPoint(_ f: Double) -> (x: Double, y: Double) {
        let r = d1 * f / d2
        if r <= 1 { return (r / (1 + r), 1 / (1 + r)) }
        let s = d2 / (d1 * f)
        return (1 / (1 + s), s / (1 + s))
    }

    /// Both tails of Beta(d₁/2, d₂/2) at the point of `f > 0`; where `x` or `1 − x` is below 1e-280 (and
    /// may have underflowed) from its logarithm.
    func tails(_ f: Double) -> IncompleteBeta.Tails {
        let (x, y) = betaPoint(f)
        if x < 1e-280 {
            let logX = log(d1) + log(f) - log(d2) - log1p(d1 * f / d2)
            return IncompleteBeta.tailsNearZero(logX: logX, d1 / 2, d2 / 2)
        }
        if y < 1e-280 {
            let logY = log(d2) - log(d1) - log(f) - log1p(d2 / (d1 * f))
            let t = IncompleteBeta.tailsNearZero(logX: logY, d2 / 2, d1 / 2)
            return IncompleteBeta.Tails(lower: t.upper, upper: t.lower, logLower: t.logUpper, logUpper: t.logLower)
        }
        return IncompleteBeta.tails(x, y, d1 / 2, d2 / 2)
    }

    /// The cumulative distribution function `P(F ≤ f) = I_{d₁f/(d₁f+d₂)}(d₁/2, d₂/2)`; 0 for `f ≤ 0`, 1 at +∞.
    public func cdf(_ f: Double) -> Double {
        guard isValid, !f.isNaN else { return .nan }
        if f <= 0 { return 0 }
        if f == .infinity { return 1 }
        return tails(f).lower
    }

    /// The upper tail `P(F > f) = I_{d₂/(d₁f+d₂)}(d₂/2, d₁/2)` (the p-value of an F test), with full
    /// relative precision when small; 1 for `f ≤ 0`, 0 at +∞.
    public func survival(_ f: Double) -> Double {
        guard isValid, !f.isNaN else { return .nan }
        if f <= 0 { return 1 }
        if f == .infinity { return 0 }
        return tails(f).upper
    }

    /// The density `d₁/d₂ · b(x)·(1 − x)²` with `b` the Beta(d₁/2, d₂/2) density at `x = d₁f/(d₁f + d₂)`;
    /// 0 for `f < 0`.
    public func pdf(_ f: Double) -> Double {
        guard isValid, !f.isNaN else { return .nan }
        if f < 0 || f.isInfinite { return 0 }
        let (x, y) = betaPoint(f)
        return d1 / d2 * IncompleteBeta.density(x, y, d1 / 2, d2 / 2) * y * y
    }

    /// The quantile function: the `f` with `P(F ≤ f) = p`, as `(d₂/d₁)·x/(1 − x)` with `x` the Beta(d₁/2,
    /// d₂/2) quantile.
    ///
    /// - Precondition: `0 ≤ p ≤ 1` (NaN gives NaN).
    /// - Returns: 0 at `p = 0`, +∞ at `p = 1`.
    public func quantile(_ p: Double) -> Double {
        precondition(p.isNaN || (p >= 0 && p <= 1), "probability must be in [0, 1]")
        guard isValid, !p.isNaN else { return .nan }
        return fromBeta(IncompleteBeta.inverse(p: p, q: 1 - p, d1 / 2, d2 / 2))
    }

    /// The upper-tail quantile: the `f` with `P(F > f) = q` (the critical value of a level-`q` F test),
    /// without rounding `1 − q`.
    ///
    /// - Precondition: `0 ≤ q ≤ 1` (NaN gives NaN).
    /// - Returns: +∞ at `q = 0`, 0 at `q = 1`.
    public func inverseSurvival(_ q: Double) -> Double {
        precondition(q.isNaN || (q >= 0 && q <= 1), "probability must be in [0, 1]")
        guard isValid, !q.isNaN else { return .nan }
        return fromBeta(IncompleteBeta.inverse(p: 1 - q, q: q, d1 / 2, d2 / 2))
    }

    func fromBeta(_ point: (x: Double, y: Double)) -> Double {
        if point.y == 0 { return .infinity }
        return d2 / d1 * (point.x / point.y)
    }
}
