import Foundation

/// The chi-squared distribution with `k > 0` degrees of freedom (not necessarily an integer).
///
/// `P(X > x) = Q(k/2, x/2)`, the regularized upper incomplete gamma function, by its series for `x < a + 1`
/// and its continued fraction (modified Lentz) otherwise (Abramowitz & Stegun 6.5.29 and 6.5.31; Press et al.,
/// *Numerical Recipes*, §6.2): about 1e-14 relative.
public struct ChiSquared: Sendable {
    /// Degrees of freedom.
    public let degreesOfFreedom: Double

    /// Creates the distribution.
    public init(degreesOfFreedom: Double) { self.degreesOfFreedom = degreesOfFreedom }

    /// `P(X > x)`.
    public func survival(_ x: Double) -> Double {
        guard degreesOfFreedom > 0, !x.isNaN else { return .nan }
        if x <= 0 { return 1 }
        if x == .infinity { return 0 }
        let a = degreesOfFreedom / 2, z = x / 2
        let logPrefix = a * log(z) - z - lgamma(a)
        if z < a + 1 {
            var term = 1 / a, sum = term, n = a
            for _ in 0..<10_000 {
                n += 1
                term *= z / n
                sum += term
                if abs(term) < abs(sum) * 1e-17 { break }
            }
            return max(0, 1 - exp(logPrefix) * sum)
        }
        let tiny = 1e-300
        var b = z + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(logPrefix) * h
    }

    /// `P(X ≤ x)`.
    public func cdf(_ x: Double) -> Double { 1 - survival(x) }
}
