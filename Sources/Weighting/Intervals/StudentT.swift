import Foundation

/// Student's t distribution with `ν` degrees of freedom, `ν > 0` and not necessarily an integer.
///
/// Accurate to about 1e-14 relative (CDF) and 1e-13 (quantiles) for every `ν` from below 1 to beyond 1e7,
/// including the upper range where it tends to the normal: no normal or series approximation is switched
/// in, the incomplete beta below handles any finite `ν`; `ν = +∞` is the standard normal.
///
/// - CDF: for `t > 0`, `P(T > t) = I_x(ν/2, ½)/2` and `P(0 < T ≤ t) = I_y(½, ν/2)/2` with
///   `x = ν/(ν + t²)`, `y = t²/(ν + t²)` both formed without subtraction (Abramowitz & Stegun 26.7.1,
///   26.5.27); both tails come from `IncompleteBeta`, so either keeps full relative precision.
/// - Quantile: closed forms for `ν = 1` (Cauchy) and `ν = 2`; otherwise Hill's (1970) start, "Algorithm 396:
///   Student's t-quantiles", *Comm. ACM* 13:619–620, refined by safeguarded Newton steps on the logarithm of
///   the tail (`|p − ½| ≥ ¼`) or of the central probability (`|p − ½| < ¼`) as a function of `log t`.
///
/// Invalid parameters (`ν ≤ 0` or NaN) make every function return NaN.
public struct StudentT: Sendable {
    /// Degrees of freedom `ν > 0` (may be fractional; `.infinity` gives the standard normal).
    public let degreesOfFreedom: Double

    /// Creates the distribution with `ν` degrees of freedom.
    public init(degreesOfFreedom: Double) { self.degreesOfFreedom = degreesOfFreedom }

    var isValid: Bool { degreesOfFreedom > 0 }

    /// `(x, y) = (ν/(ν+t²), t²/(ν+t²))` for `t ≥ 0`, each without cancellation or overflow.
    static func betaPoint(_ t: Double, _ v: Double) -> (x: Double, y: Double) {
        let t2 = t * t
        if t2 <= v {
            let r = t2 / v
            return (1 / (1 + r), r / (1 + r))
        }
        let r = v / t2
        return (r / (1 + r), 1 / (1 + r))
    }

    /// For `t ≥ 0`: `(P(T > t), P(0 < T ≤ t))` doubled, i.e. the tails of Beta(ν/2, ½) at `x = ν/(ν+t²)`.
    func doubledTails(_ t: Double) -> IncompleteBeta.Tails {
        let v = degreesOfFreedom
        let (x, y) = Self.betaPoint(t, v)
        if x < 1e-280 {
            // x may have underflowed (|t| beyond 1e150 with ν < 2 still has a representable tail).
            let logX = log(v) - 2 * log(t) - log1p(v / (t * t))
            return IncompleteBeta.tailsNearZero(logX: logX, v / 2, 0.5)
        }
        return IncompleteBeta.tails(x, y, v / 2, 0.5)
    }

    /// The cumulative distribution function `P(T ≤ t)`.
    ///
    /// `I_x(ν/2, ½)/2` for `t < 0`, `½ + I_y(½, ν/2)/2` for `t > 0`; exactly ½ at 0, 0 and 1 at ∓∞. The lower
    /// tail keeps its relative precision until it underflows.
    public func cdf(_ t: Double) -> Double {
        guard isValid, !t.isNaN else { return .nan }
        if degreesOfFreedom == .infinity { return StandardNormal().cdf(t) }
        if t == 0 { return 0.5 }
        let tails = doubledTails(abs(t))
        return t < 0 ? 0.5 * tails.lower : 0.5 + 0.5 * tails.upper
    }

    /// The upper tail `P(T > t) = cdf(−t)`, with full relative precision for large `t`.
    public func survival(_ t: Double) -> Double { cdf(-t) }

    /// `log f(t)` with `f(t) = (1 + t²/ν)^{−(ν+1)/2} / (√ν B(ν/2, ½))`.
    func logPdf(_ t: Double) -> Double {
        let v = degreesOfFreedom
        let t2 = t * t
        let l = t2 <= v ? log1p(t2 / v) : 2 * log(abs(t)) - log(v) + log1p(v / t2)
        return -0.5 * (v + 1) * l - 0.5 * log(v) - IncompleteBeta.logBeta(v / 2, 0.5)
    }

    /// The density `f(t) = (1 + t²/ν)^{−(ν+1)/2} / (√ν B(ν/2, ½))`, computed in log space with an accurate
    /// `log B` so that large `ν` loses nothing.
    public func pdf(_ t: Double) -> Double {
        guard isValid, !t.isNaN else { return .nan }
        if degreesOfFreedom == .infinity { return StandardNormal().pdf(t) }
        return exp(logPdf(t))
    }

    /// The quantile function: the `t` with `P(T ≤ t) = p`.
    ///
    /// Relative accuracy about 1e-14 (see the type's documentation for the algorithm). Symmetric:
    /// `quantile(1 − p) = −quantile(p)`, computed from the tail `min(p, 1 − p)`; 0 at `p = ½`.
    ///
    /// - Precondition: `0 ≤ p ≤ 1` (NaN gives NaN).
    /// - Returns: −∞ at `p = 0`, +∞ at `p = 1`; +∞ also if the quantile overflows (tiny `ν` and `p`).
    public func quantile(_ p: Double) -> Double {
        precondition(p.isNaN || (p >= 0 && p <= 1), "probability must be in [0, 1]")
        guard isValid, !p.isNaN else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        // 1 − p is exact for p ≥ ½.
        return p < 0.5 ? -upperQuantile(p) : upperQuantile(1 - p)
    }

    /// The upper-tail quantile: the `t` with `P(T > t) = q`, i.e. `−quantile(q)`, exact for tiny `q`.
    ///
    /// - Precondition: `0 ≤ q ≤ 1` (NaN gives NaN).
    /// - Returns: +∞ at `q = 0`, −∞ at `q = 1`.
    public func inverseSurvival(_ q: Double) -> Double {
        precondition(q.isNaN || (q >= 0 && q <= 1), "probability must be in [0, 1]")
        return -quantile(q)
    }

    /// The `t ≥ 0` with `P(T > t) = tail`, for `0 < tail ≤ ½`.
    func upperQuantile(_ tail: Double) -> Double {
        let v = degreesOfFreedom
        if tail == 0.5 { return 0 }
        if v == .infinity { return StandardNormal().inverseSurvival(tail) }
        if v == 1 {
            // Cauchy: t = cot(π·tail) = tan(π(½ − tail)); ½ − tail is exact on [¼, ½].
            return tail <= 0.25 ? 1 / tan(Double.pi * tail) : tan(Double.pi * (0.5 - tail))
        }
        if v == 2 { return (1 - 2 * tail) / (2 * tail * (1 - tail)).squareRoot() }

        // Match the tail itself far out, the central probability ½ − tail (exact) near the centre.
        let matchTail = tail <= 0.25
        let target = matchTail ? tail : 0.5 - tail
        let logTarget = log(target)
        let ln2 = 0.693_147_180_559_945_3
        /// `(h, dh/d log t)` with `h = log(matched probability) − log(target)`.
        func evaluate(_ t: Double) -> (Double, Double) {
            let tails = doubledTails(t)
            let logT = (matchTail ? tails.logLower : tails.logUpper) - ln2
            let slope = exp(log(t) + logPdf(t) - logT)
            let value = 0.5 * (matchTail ? tails.lower : tails.upper)
            return (IncompleteBeta.logRatio(value, logT, target, logTarget), matchTail ? -slope : slope)
        }
        // h decreases with t when matching the tail, increases when matching the centre.
        let increasing = !matchTail
        var lo = 0.0, hi = Double.infinity
        var t = v >= 1 ? Self.hillStart(tail, v) : .nan
        if !(t > 0 && t.isFinite) {
            // Far-tail approximation P(T > t) ≈ ν^{ν/2 − 1} t^{−ν} / B(ν/2, ½).
            t = exp(((0.5 * v - 1) * log(v) - IncompleteBeta.logBeta(v / 2, 0.5) - log(tail)) / v)
        }
        if !(t > 0 && t.isFinite) { t = 1 }

        for _ in 0..<300 {
            let (h, slope) = evaluate(t)
            if h == 0 || h.isNaN { break }
            if (h < 0) == increasing { lo = t } else { hi = t }
            let step = -h / slope
            var next = t * exp(step)
            let newton = step.isFinite && next > lo && next < hi
            if !newton {
                if lo == 0 { next = hi / 16 } else if hi == .infinity { next = lo * 16 } else {
                    next = exp(0.5 * (log(lo) + log(hi)))
                }
            }
            if next.isInfinite { return .infinity }
            if newton && abs(step) <= 1e-11 { t = next; break }
            if next == t || hi <= lo * (1 + 4e-16) { t = next; break }
            t = next
        }
        return t
    }

    /// Hill's (1970) approximation to the `t` with `P(T > t) = tail`, for `ν ≥ 1` (Algorithm 396, as
    /// published; relative error typically below 1e-5, NaN where it does not apply).
    static func hillStart(_ tail: Double, _ v: Double) -> Double {
        let p2 = 2 * tail  // two-sided probability
        let a = 1 / (v - 0.5)
        let b = 48 / (a * a)
        var c = ((20700 * a / b - 98) * a - 16) * a + 96.36
        let d = ((94.5 / (b + c) - 3) / b + 1) * (a * Double.pi / 2).squareRoot() * v
        var y = pow(d * p2, 2 / v)
        if y > 0.05 + a {
            // Asymptotic inverse expansion about the normal.
            let x = StandardNormal().quantile(0.5 * p2)
            y = x * x
            if v < 5 { c += 0.3 * (v - 4.5) * (x + 0.6) }
            c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c
            y = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x
            y = expm1(a * y * y)
        } else {
            guard y >= Double.ulpOfOne else { return .nan }
            y = ((1 / (((v + 6) / (v * y) - 0.089 * d - 0.822) * (v + 2) * 3) + 0.5 / (v + 4)) * y - 1)
                * (v + 1) / (v + 2) + 1 / y
        }
        return (v * y).squareRoot()
    }
}
