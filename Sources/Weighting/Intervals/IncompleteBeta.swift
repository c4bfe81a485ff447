import Foundation

/// The regularized incomplete beta function `I_x(a, b)` and its inverse (internal special functions).
enum IncompleteBeta {
    /// `log B(a, b)`, without the cancellation of `lgamma(a) − lgamma(a + b)` when one argument is large.
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        let big = max(a, b), small = min(a, b)
        if big < 100 { return lgamma(a) + lgamma(b) - lgamma(a + b) }
        // lgamma(big) − lgamma(big + small) by Stirling's formula with its error terms.
        let diff = -(big - 0.5) * log1p(small / big) - small * log(big + small) + small
            + stirlingError(big) - stirlingError(big + small)
        return lgamma(small) + diff
    }

    /// `lgamma(z) − ((z − 1/2) log z − z + log(2π)/2)` for z ≥ 100.
    static func stirlingError(_ z: Double) -> Double {
        let z2 = z * z
        return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / (1680 * z2)) / z2) / z2) / z
    }

    /// `I_x(a, b)` by the continued fraction of Numerical Recipes §6.4 (modified Lentz),
    /// using the symmetry `I_x(a,b) = 1 − I_{1−x}(b,a)` where it converges faster.
    static func regularized(_ x: Double, _ a: Double, _ b: Double) -> Double { regularized(x, 1 - x, a, b) }

    /// `I_x(a, b)` given both `x` and `y = 1 − x` (pass an accurate `y` when x is close to 1).
    static func regularized(_ x: Double, _ y: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if y <= 0 { return 1 }
        if x > (a + 1) / (a + b + 2) { return 1 - regularized(y, x, b, a) }
        return exp(logFront(x, y, a, b)) * continuedFraction(x, a, b)
    }

    /// `log I_x(a, b)` given `x` and `y = 1 − x`, finite even where `I_x` underflows.
    static func logRegularized(_ x: Double, _ y: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return -.infinity }
        if y <= 0 { return 0 }
        if x > (a + 1) / (a + b + 2) { return log1p(-regularized(y, x, b, a)) }
        return logFront(x, y, a, b) + log(continuedFraction(x, a, b))
    }

    static func logFront(_ x: Double, _ y: Double, _ a: Double, _ b: Double) -> Double {
        a * log(x) + b * log(y) - logBeta(a, b) - log(a)
    }

    /// Upper tail `1 − I_x(a, b)` computed without cancellation.
    static func regularizedUpper(_ x: Double, _ a: Double, _ b: Double) -> Double {
        regularized(1 - x, x, b, a)
    }

    /// Lentz evaluation of the continued fraction for `I_x(a,b)`.
    static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10000 {
            let m2 = 2 * Double(m)
            let md = Double(m)
            var aa = md * (b - md) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + md) * (a + b + md) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// Density of the Beta(a, b) distribution.
    static func density(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 || x >= 1 { return 0 }
        return exp((a - 1) * log(x) + (b - 1) * log1p(-x) - logBeta(a, b))
    }

    /// Inverse of `I_x(a,b)`: Newton's method on `y = log x` for `h(y) = log F(e^y) − log p` (lower tail,
    /// p ≤ 1/2) or `log(1 − F(e^y)) − log(1 − p)` (upper tail), safeguarded by bisection. Both are nearly
    /// linear in `y` in the tails (`F ≈ C x^a`), so extreme probabilities keep full relative precision.
    /// Returns 0 when the quantile underflows the smallest positive double.
    static func inverse(_ p: Double, _ a: Double, _ b: Double) -> Double {
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        let upper = p > 0.5
        let logTarget = upper ? log1p(-p) : log(p)
        // h is increasing in y for the lower tail, decreasing for the upper tail.
        func h(_ y: Double) -> Double {
            let x = exp(y), oneMinusX = -expm1(y)
            if upper { return logRegularized(oneMinusX, x, b, a) - logTarget }  // 1 − I_x(a,b) = I_{1−x}(b,a)
            return logRegularized(x, oneMinusX, a, b) - logTarget
        }
        var lo = -745.0, hi = 0.0
        if upper ? h(lo) <= 0 : h(lo) >= 0 { return 0 }
        // Start: tail approximation F ≈ x^a / (a B(a,b)) for the lower tail, else the mean.
        var y = upper ? log(a / (a + b)) : min(-1e-3, (logTarget + log(a) + logBeta(a, b)) / a)
        if !(y > lo && y < hi) { y = log(a / (a + b)) }
        for _ in 0..<400 {
            let hy = h(y)
            if hy == 0 { return exp(y) }
            if (hy < 0) != upper { lo = y } else { hi = y }
            let x = exp(y)
            // d/dy log F = f(x) x / F(x); for the upper tail, −f(x) x / Q(x).
            let logDens = (a - 1) * y + (b - 1) * log(-expm1(y)) - logBeta(a, b)
            let logTail = hy + logTarget
            let slope = (upper ? -1.0 : 1.0) * exp(logDens + y - logTail)
            var next = slope.isFinite && slope != 0 ? y - hy / slope : .nan
            if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            if abs(next - y) <= 2e-16 * max(1, abs(y)) || hi - lo <= 2e-16 * max(1, abs(y)) {
                return exp(next)
            }
            y = next
        }
        return exp(y)
    }
}
