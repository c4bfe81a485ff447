import Foundation

/// Student's t distribution with `ν` degrees of freedom (ν may be fractional).
///
/// CDF through the incomplete beta: for t < 0, `P(T ≤ t) = I_{ν/(ν+t²)}(ν/2, 1/2) / 2`.
/// Quantiles: exact for ν = 1 and 2; otherwise Hill's (1970) expansion as a start, refined by Newton steps
/// on the CDF (relative accuracy about 1e-13); the normal quantile beyond ν = 1e7.
public struct StudentT: Sendable {
    /// Degrees of freedom ν > 0.
    public let degreesOfFreedom: Double

    /// Creates the distribution.
    public init(degreesOfFreedom: Double) { self.degreesOfFreedom = degreesOfFreedom }

    /// `P(T ≤ t)`.
    public func cdf(_ t: Double) -> Double {
        let v = degreesOfFreedom
        if t.isInfinite { return t > 0 ? 1 : 0 }
        if v > 1e10 { return StandardNormal().cdf(t) }
        let t2 = t * t
        let tail = 0.5 * IncompleteBeta.regularized(v / (v + t2), t2 / (v + t2), v / 2, 0.5)
        return t < 0 ? tail : 1 - tail
    }

    /// Density.
    public func pdf(_ t: Double) -> Double {
        let v = degreesOfFreedom
        return exp(lgamma((v + 1) / 2) - lgamma(v / 2) - 0.5 * log(v * Double.pi) - (v + 1) / 2 * log1p(t * t / v))
    }

    /// The `p`-quantile; −∞ at 0 and +∞ at 1.
    public func quantile(_ p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "probability must be in [0, 1]")
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        let v = degreesOfFreedom
        if v > 1e7 { return StandardNormal().quantile(p) }
        if v == 1 { return p < 0.5 ? -1 / tan(Double.pi * p) : 1 / tan(Double.pi * (1 - p)) }
        if v == 2 { return (2 * p - 1) / (2 * p * (1 - p)).squareRoot() }
        // Work in the lower tail, then reflect.
        let lowerP = min(p, 1 - p)
        // Exact inversion through the incomplete beta: P(T ≤ −|t|) = I_x(v/2, 1/2)/2, x = v/(v+t²).
        let x = IncompleteBeta.inverse(2 * lowerP, v / 2, 0.5)
        var t = x > 0 ? (v * (1 - x) / x).squareRoot() : .infinity
        // Newton polish on the CDF: t here is the magnitude for the lower tail (−t).
        if t.isFinite {
            for _ in 0..<4 {
                let f = cdf(-t) - lowerP
                let dens = pdf(-t)
                guard dens > 0 else { break }
                let step = f / dens
                let next = t + step  // d/dt cdf(−t) = −pdf
                if !next.isFinite || next <= 0 { break }
                if abs(step) <= 1e-15 * t { t = next; break }
                t = next
            }
        }
        return p < 0.5 ? -t : t
    }
}
