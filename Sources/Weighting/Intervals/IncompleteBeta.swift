import Foundation

/// The regularized incomplete beta function `I_x(a, b)`, both of its tails, and its inverse: the special
/// functions behind ``BetaDistribution``, ``StudentT`` and ``FDistribution`` (internal).
///
/// Every routine takes `x` *and* `y = 1 − x`, so that callers who know the small one exactly (the t
/// distribution's `t²/(ν + t²)`, the F distribution's `d₂/(d₁f + d₂)`) lose nothing to the subtraction;
/// logarithms are always taken of the smaller of the two.
///
/// Method (after DiDonato & Morris 1992, "Algorithm 708: Significant digit computation of the incomplete
/// beta function ratios", ACM TOMS 18:360–373):
/// - the power factor `x^a y^b / B(a, b)` is computed without the cancellation of large terms: for
///   `a, b ≥ 10` as `exp(−(a·g(λ/a) + b·g(−λ/b)) + ½ log(ab / (2π(a+b))) − Δ(a) − Δ(b) + Δ(a+b))`, with
///   `λ = (a+b)x − a`, `g(e) = e − log(1+e)` and `Δ` the Stirling-series remainder of `log Γ`; for one large
///   parameter through an accurate `log Γ(b+a)/Γ(b)`; otherwise with `lgamma`; when a shape is below 10
///   the power of the smaller variable is taken with `pow`, so deep tails keep full precision;
/// - the remaining factor is the continued fraction of Abramowitz & Stegun 26.5.8 (as in Press et al.,
///   *Numerical Recipes*, 3rd ed., §6.4) in its even contraction, with partial denominators free of
///   cancellation as `x → 1`, evaluated by the modified Lentz method, always on the side
///   `x < (a+1)/(a+b+2)` where it converges in `O(√max(a,b))` terms or fewer;
/// - that side's tail is returned to full relative precision, the other one as its complement, except that
///   for a shape below 1 the complement of a tail close to 1 comes from the power series with an accurate
///   `Γ(a+b)/(Γ(a+1)Γ(b))` instead of a subtraction (``smallShapeComplement(_:_:_:_:)``);
/// - `log B(a, b)` is formed from Stirling remainders or gamma-function ratios, never as a difference of
///   large `lgamma` values.
///
/// Measured against 50-digit mpmath (`Tests/WeightingTests/Fixtures/distributions`, and random sweeps
/// with shapes from 0.003 to 30 000): relative error of the tails below 1e-13, typically 1e-15; the
/// error grows only as `|log I|·ε` for results far below 1e-100 (an ulp of `log I`).
enum IncompleteBeta {
    /// `log(2π)/2`.
    static let halfLogTwoPi = 0.91893853320467274178

    /// Both tails of Beta(a, b) at one point, with their logarithms.
    struct Tails: Sendable {
        /// `I_x(a, b) = P(X ≤ x)`.
        var lower: Double
        /// `1 − I_x(a, b) = P(X > x)`.
        var upper: Double
        /// `log I_x(a, b)`, finite even where `lower` underflows (when it was computed directly).
        var logLower: Double
        /// `log(1 − I_x(a, b))`.
        var logUpper: Double

        static let nan = Tails(lower: .nan, upper: .nan, logLower: .nan, logUpper: .nan)
    }

    // MARK: - Gamma-function helpers

    /// `Δ(z) = log Γ(z) − [(z − ½) log z − z + ½ log 2π]`, by the Stirling series (8 terms, error < 1e-17
    /// for `z ≥ 10`); by `lgamma` below 10.
    static func stirlingError(_ z: Double) -> Double {
        if z < 10 { return lgamma(z) - ((z - 0.5) * log(z) - z + halfLogTwoPi) }
        let r = 1 / z, r2 = r * r
        var s = -3617.0 / 122_400
        s = s * r2 + 1.0 / 156
        s = s * r2 - 691.0 / 360_360
        s = s * r2 + 1.0 / 1188
        s = s * r2 - 1.0 / 1680
        s = s * r2 + 1.0 / 1260
        s = s * r2 - 1.0 / 360
        s = s * r2 + 1.0 / 12
        return s * r
    }

    /// `g(e) = e − log(1 + e)` for `e > −1`, without cancellation near 0: with `t = e/(2+e)`,
    /// `g = t·e − 2(t³/3 + t⁵/5 + …)`.
    static func xMinusLog1p(_ e: Double) -> Double {
        if e < -0.5 || e > 1 { return e - log1p(e) }
        let t = e / (2 + e), t2 = t * t
        var power = t2 * t, sum = 0.0, k = 3.0
        while true {
            let term = power / k
            sum += term
            if abs(term) <= 1e-17 * abs(sum) { break }
            power *= t2
            k += 2
        }
        return t * e - 2 * sum
    }

    /// `log(Γ(b + a) / Γ(b))` for `b ≥ 10` and any `a > 0`:
    /// `a log(b+a) − b·g(a/b) − ½ log1p(a/b) + Δ(b+a) − Δ(b)`.
    static func logGammaRatio(_ b: Double, _ a: Double) -> Double {
        let r = a / b
        return a * log(b + a) - b * xMinusLog1p(r) - 0.5 * log1p(r) + stirlingError(b + a) - stirlingError(b)
    }

    /// `log(Γ(b + a) / Γ(b))` for any `b > 0`, with a relative error of a few ulps even for tiny `a`:
    /// below 10, `b` is first raised by the recurrence `Γ(z + 1) = z Γ(z)`, which contributes
    /// `−Σ log1p(a/(b + k))`.
    static func logGammaShiftRatio(_ b: Double, _ a: Double) -> Double {
        if b >= 10 { return logGammaRatio(b, a) }
        let n = (10 - b).rounded(.up)
        var s = 0.0, k = 0.0
        while k < n {
            s += log1p(a / (b + k))
            k += 1
        }
        return logGammaRatio(b + n, a) - s
    }

    /// `log B(a, b)`, accurate (absolute error ~1e-15) however large either argument, and to a few ulps of
    /// the small shape's contribution when one is below 1.
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        let lo = min(a, b), hi = max(a, b)
        if lo >= 10 {
            let r = lo / hi, l1p = log1p(r)
            return lo * (log(r) - l1p) - hi * l1p + 0.5 * (l1p - log(lo)) + halfLogTwoPi
                + stirlingError(lo) + stirlingError(hi) - stirlingError(lo + hi)
        }
        // A shape below 1: log Γ(lo) = log Γ(1+lo) − log lo, and log Γ(hi) − log Γ(hi+lo) as one ratio,
        // each accurate relative to lo (no cancellation between lgamma(hi) and lgamma(hi + lo)).
        if lo < 1 { return logGammaShiftRatio(1, lo) - log(lo) - logGammaShiftRatio(hi, lo) }
        if hi >= 10 { return lgamma(lo) - logGammaRatio(hi, lo) }
        return lgamma(a) + lgamma(b) - lgamma(a + b)
    }

    // MARK: - Power factor and density

    /// `log(x^a y^b / B(a, b))` with `y = 1 − x` (see the type's documentation for the three regimes).
    static func logPowerFactor(_ x: Double, _ y: Double, _ a: Double, _ b: Double) -> Double {
        let lo = min(a, b), hi = max(a, b)
        if lo >= 10 {
            let lambda = x <= y ? (a + b) * x - a : b - (a + b) * y
            let deviance = a * xMinusLog1p(lambda / a) + b * xMinusLog1p(-lambda / b)
            return -deviance + 0.5 * (log(lo) - log1p(lo / hi)) - halfLogTwoPi
                - (stirlingError(a) + stirlingError(b) - stirlingError(a + b))
        }
        if hi >= 10 {
            if b < a { return logPowerFactor(y, x, b, a) }
            // a small, b large: a log(x(a+b)) + b log y − lgamma(a) − b g(a/b) − ½ log1p(a/b) + Δ(a+b) − Δ(b).
            let r = a / b
            let ax = x <= y ? a * log(x * (a + b)) : a * (log1p(-y) + log(a + b))
            let by = b * (y <= x ? log(y) : log1p(-x))
            return ax + by - lgamma(a) - b * xMinusLog1p(r) - 0.5 * log1p(r)
                + stirlingError(a + b) - stirlingError(b)
        }
        let lx = x <= y ? log(x) : log1p(-y)
        let ly = y <= x ? log(y) : log1p(-x)
        return a * lx + b * ly - logBeta(a, b)
    }

    /// `x^a y^b / B(a, b)` itself. When a shape is below 10 the power of the smaller variable is taken with
    /// `pow` (a correctly rounded power in practice) and only moderate terms go through `exp`, so that deep
    /// tails such as `I_x(1, 1)` at `x = 1e-300` do not inherit the `|log F|·ε` error of `exp(log F)`;
    /// otherwise, or if that product leaves the normal range, `exp(logPowerFactor)`.
    static func powerFactor(_ x: Double, _ y: Double, _ a: Double, _ b: Double) -> Double {
        let lo = min(a, b), hi = max(a, b)
        if lo < 10 {
            if hi >= 10 && b < a { return powerFactor(y, x, b, a) }
            var power: Double, rest: Double
            if hi >= 10 {
                // a small, b large (see logPowerFactor).
                let r = a / b
                rest = -lgamma(a) - b * xMinusLog1p(r) - 0.5 * log1p(r) + stirlingError(a + b) - stirlingError(b)
                if x <= y {
                    power = pow(x * (a + b), a)
                    rest += b * log1p(-x)
                } else {
                    power = pow(y, b)
                    rest += a * (log1p(-y) + log(a + b))
                }
            } else {
                rest = -logBeta(a, b)
                if x <= y {
                    power = pow(x, a)
                    rest += b * log1p(-x)
                } else {
                    power = pow(y, b)
                    rest += a * log1p(-y)
                }
            }
            let value = power * exp(rest)
            if value >= Double.leastNormalMagnitude && value.isFinite && power >= Double.leastNormalMagnitude {
                return value
            }
        }
        return exp(logPowerFactor(x, y, a, b))
    }

    /// Density of Beta(a, b) at `x` (with `y = 1 − x`): `x^(a−1) y^(b−1) / B(a, b)`; 0 outside (0, 1).
    static func density(_ x: Double, _ y: Double, _ a: Double, _ b: Double) -> Double {
        guard x > 0, y > 0 else {
            // Limits at the end points: infinite for a shape parameter below 1, 1/B(a,b) at 1.
            if x == 0 && y == 1 { return a < 1 ? .infinity : a == 1 ? exp(-logBeta(a, b)) : 0 }
            if y == 0 && x == 1 { return b < 1 ? .infinity : b == 1 ? exp(-logBeta(a, b)) : 0 }
            return 0
        }
        let lx = x <= y ? log(x) : log1p(-y)
        let ly = y <= x ? log(y) : log1p(-x)
        return exp(logPowerFactor(x, y, a, b) - lx - ly)
    }

    // MARK: - The incomplete beta function

    /// The continued fraction `K` with `I_x(a, b) = x^a y^b K / (a B(a, b))`, for `x < (a+1)/(a+b+2)`.
    ///
    /// `K = 1/(1 + d₁/(1 + d₂/(1 + …)))` with `d₂ₘ = m(b−m)x/((a+2m−1)(a+2m))` and
    /// `d₂ₘ₊₁ = −(a+m)(a+b+m)x/((a+2m)(a+2m+1))` (Abramowitz & Stegun 26.5.8), taken in its even contraction
    /// `K = 1/(β₁ + α₂/(β₂ + α₃/(β₃ + …)))`, `βₘ₊₁ = 1 + d₂ₘ + d₂ₘ₊₁`, `αₘ₊₁ = −d₂ₘ₋₁d₂ₘ`, whose partial
    /// denominators are written without cancellation when `x` is close to 1 (large `a`, the t distribution's
    /// tails at large ν): `β₁ = (1 + λ)/(a + 1)` with `λ = a − (a+b)x = (a+b)y − b`, and
    /// `βₘ₊₁ = (Eₘ + y Fₘ)/Dₘ = (Dₘ − x Fₘ)/Dₘ`, `Dₘ = (a+2m)² − 1`, `Fₘ = a² + ab + 2am − a − b + 2m²`,
    /// `Eₘ = Dₘ − Fₘ = 2m(m+a) + a + b − ab − 1`; the form in the smaller of `x`, `y` is used. Evaluated by
    /// the modified Lentz method (NR §5.2), in about half as many steps as the uncontracted fraction.
    static func continuedFraction(_ x: Double, _ y: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        let useY = y < x
        let lambda = useY ? (a + b) * y - b : a - (a + b) * x
        var f = (1 + lambda) / (a + 1)
        if abs(f) < tiny { f = tiny }
        var c = f, d = 0.0
        let x2 = x * x
        for m in 1...50_000 {
            let md = Double(m)
            let a2m = a + 2 * md
            let dm = (a2m - 1) * (a2m + 1)
            let fm = a * (a + b) + 2 * md * (a + md) - a - b
            // Eₘ = Dₘ − Fₘ = 2m(m + a) + a + b − ab − 1, formed directly (Dₘ and Fₘ are both ≈ a²).
            let beta = useY ? (2 * md * (md + a) + (a + b - 1) - a * b + y * fm) / dm : (dm - x * fm) / dm
            let alpha = md * (b - md) * (a + md - 1) * (a + b + md - 1) * x2
                / (a2m * (a2m - 2) * (a2m - 1) * (a2m - 1))
            d = beta + alpha * d
            if abs(d) < tiny { d = tiny }
            c = beta + alpha / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = c * d
            f *= delta
            if abs(delta - 1) <= 1e-16 { break }
        }
        return 1 / f
    }

    /// `log(1 − e^L)` for `L ≤ 0` without cancellation (Mächler 2012).
    static func logOneMinusExp(_ l: Double) -> Double {
        l > -0.693_147_180_559_945_3 ? log(-expm1(l)) : log1p(-exp(l))
    }

    /// `1 − I_x(a, b)` for a small first shape (`a < 1`) on the side `x < (a+1)/(a+b+2)`, where `I_x` is
    /// close to 1 and `1 − I_x` is only `O(a)`: from the series (termwise integration of `(1−t)^(b−1)`)
    /// `I_x = x^a G (1 + a S)`, `G = Γ(a+b)/(Γ(a+1)Γ(b))`, `S = Σₙ≥₁ (1−b)ₙ xⁿ/(n!(a+n))`, as
    /// `−expm1(L) − e^L a S` with `L = a log x + log G` and `log G` from ``logGammaShiftRatio(_:_:)``, so
    /// that the subtraction from 1 never happens in floating point (the idea of DiDonato & Morris's APSER).
    static func smallShapeComplement(_ x: Double, _ y: Double, _ a: Double, _ b: Double) -> Double {
        let lx = x <= y ? log(x) : log1p(-y)
        let logG = logGammaShiftRatio(b, a) - logGammaShiftRatio(1, a)
        let l = a * lx + logG
        var sum = 0.0, c = 1.0, n = 1.0
        while n < 10_000 {
            c *= (n - b) * x / n
            let term = c / (a + n)
            sum += term
            if abs(term) <= 1e-17 * abs(sum) || c == 0 { break }
            n += 1
        }
        return max(0, -expm1(l) - exp(l) * a * sum)
    }

    /// `I_x(a, b)` and its logarithm for `x < (a+1)/(a+b+2)`: `x^a y^b K / (a B(a, b))`, as a product when it
    /// is a normal double (see ``powerFactor(_:_:_:_:)``), else in log space (the logarithm stays finite
    /// where `I_x` underflows).
    static func directTail(_ x: Double, _ y: Double, _ a: Double, _ b: Double) -> (value: Double, log: Double) {
        let k = continuedFraction(x, y, a, b)
        let value = powerFactor(x, y, a, b) * k / a
        if value >= Double.leastNormalMagnitude && value.isFinite { return (value, log(value)) }
        let l = logPowerFactor(x, y, a, b) + log(k) - log(a)
        return (exp(l), l)
    }

    /// Both tails of Beta(a, b) at a point so close to 0 that only `log x` is representable (`x < 1e-280`):
    /// `I_x(a, b) = x^a/(a B(a, b))·(1 + O(x))`, so the first term is exact to double precision.
    static func tailsNearZero(logX: Double, _ a: Double, _ b: Double) -> Tails {
        guard a > 0, b > 0, a.isFinite, b.isFinite, !logX.isNaN else { return .nan }
        let l = a * logX - log(a) - logBeta(a, b)
        return Tails(lower: exp(l), upper: -expm1(l), logLower: l, logUpper: logOneMinusExp(l))
    }

    /// Both tails of Beta(a, b) at `x`, given `y = 1 − x` as accurately as the caller knows it.
    /// The tail on the side `x < (a+1)/(a+b+2)` is computed directly (relative error ~1e-15 away from
    /// underflow), the other as its complement. NaN for NaN input or parameters that are not positive.
    static func tails(_ x: Double, _ y: Double, _ a: Double, _ b: Double) -> Tails {
        guard a > 0, b > 0, !x.isNaN, !y.isNaN else { return .nan }
        if x <= 0 { return Tails(lower: 0, upper: 1, logLower: -.infinity, logUpper: 0) }
        if y <= 0 { return Tails(lower: 1, upper: 0, logLower: 0, logUpper: -.infinity) }
        if a.isInfinite || b.isInfinite { return .nan }
        // x < (a+1)/(a+b+2)  ⇔  y > (b+1)/(a+b+2); test with the smaller (exactly known) variable.
        let lowerDirect = x <= y ? x * (a + b + 2) < a + 1 : y * (a + b + 2) > b + 1
        if lowerDirect {
            let (value, l) = directTail(x, y, a, b)
            if a < 1 && l > -0.693_147_180_559_945_3 {
                let upper = smallShapeComplement(x, y, a, b)
                return Tails(lower: value, upper: upper, logLower: l, logUpper: log(upper))
            }
            return Tails(lower: value, upper: -expm1(l), logLower: l, logUpper: logOneMinusExp(l))
        }
        let (value, l) = directTail(y, x, b, a)
        if b < 1 && l > -0.693_147_180_559_945_3 {
            let lower = smallShapeComplement(y, x, b, a)
            return Tails(lower: lower, upper: value, logLower: log(lower), logUpper: l)
        }
        return Tails(lower: -expm1(l), upper: value, logLower: logOneMinusExp(l), logUpper: l)
    }

    // MARK: - Inverse

    /// `log(value / target)`: from the ratio when both are normal doubles (full precision however small
    /// they are), else as the difference of the logarithms.
    static func logRatio(_ value: Double, _ logValue: Double, _ target: Double, _ logTarget: Double) -> Double {
        if value >= Double.leastNormalMagnitude && target >= Double.leastNormalMagnitude {
            let ratio = value / target
            if ratio.isFinite && ratio >= Double.leastNormalMagnitude { return log(ratio) }
        }
        return logValue - logTarget
    }

    /// The point `(x, y = 1 − x)` where `I_x(a, b) = p` (equivalently `1 − I_x(a, b) = q`), both returned to
    /// full relative precision; the caller passes `q = 1 − p`, exactly when it knows it.
    ///
    /// The smaller tail target is matched (`p` if `p ≤ q`, else `q`), and the unknown is whichever of `x`
    /// and `y` is at most ½ at the solution (decided by the tails at ½), called `s`. Newton's method runs on
    /// `h(log s) = log T(s) − log target`, which is nearly linear in the tails (`T ≈ C s^k`), so extreme
    /// targets such as 1e-300 converge as fast as central ones; each step multiplies `s` by `e^{−h/h′}`, and a
    /// geometric bisection of the bracket takes over whenever a step leaves it. The start is the
    /// Cornish–Fisher-type approximation of Carter (1947) used in AS 109 (Cran, Martin & Thomas 1977) for
    /// a, b > 1, and the tail approximation `T ≈ s^k / (k B(a, b))` otherwise.
    /// Returns `(0, 1)` if the solution underflows the smallest positive double (`(1, 0)` for `y`).
    static func inverse(p: Double, q: Double, _ a: Double, _ b: Double) -> (x: Double, y: Double) {
        guard a > 0, b > 0, a.isFinite, b.isFinite, !p.isNaN, !q.isNaN else { return (.nan, .nan) }
        if p <= 0 { return (0, 1) }
        if q <= 0 { return (1, 0) }
        let matchLower = p <= q
        let target = matchLower ? p : q
        let logTarget = log(target)
        let middle = tails(0.5, 0.5, a, b)
        let useX = matchLower ? middle.lower >= p : middle.upper <= q
        // h is increasing in s when the matched tail grows with s.
        let increasing = matchLower == useX
        let sign = increasing ? 1.0 : -1.0
        let logB = logBeta(a, b)

        func point(_ s: Double) -> (x: Double, y: Double) { useX ? (s, 1 - s) : (1 - s, s) }
        /// `(h, dh/d log s)`.
        func evaluate(_ s: Double) -> (Double, Double) {
            let (x, y) = point(s)
            let t = tails(x, y, a, b)
            let logT = matchLower ? t.logLower : t.logUpper
            // d log T / d log s = ± s f(x) / T, with s f = x^a y^b / (B · other).
            let other = useX ? y : x
            let slope = sign * exp(logPowerFactor(x, y, a, b) - log(other) - logT)
            return (logRatio(matchLower ? t.lower : t.upper, logT, target, logTarget), slope)
        }

        var lo = Double.leastNonzeroMagnitude, hi = 0.5
        let (hLo, _) = evaluate(lo)
        if increasing ? hLo >= 0 : hLo <= 0 { return point(0) }

        // Starting point.
        var s = Double.nan
        if a > 1 && b > 1 {
            // Carter (1947): w = z √(h + r)/h − (t − s)(r + 5/6 − 2/(3h)), x = a / (a + b e^{2w}).
            let pLower = matchLower ? p : 1 - q
            let z = -StandardNormal().quantile(pLower)
            let r = (z * z - 3) / 6, s1 = 1 / (2 * a - 1), t1 = 1 / (2 * b - 1), h = 2 / (s1 + t1)
            let w = z * (h + r).squareRoot() / h - (t1 - s1) * (r + 5.0 / 6 - 2 / (3 * h))
            let e = b * exp(2 * w)
            let x0 = a / (a + e), y0 = e / (a + e)
            s = useX ? x0 : y0
        }
        if !(s > lo && s < hi) {
            // Tail approximation of the variable's own tail: I_x ≈ x^a/(aB), 1 − I_x ≈ y^b/(bB).
            let k = useX ? a : b
            let own = useX ? (matchLower ? p : 1 - q) : (matchLower ? 1 - p : q)
            s = exp((log(own) + log(k) + logB) / k)
        }
        if !(s > lo && s < hi) { s = hi * 0.5 }

        for _ in 0..<300 {
            let (h, slope) = evaluate(s)
            if h == 0 { break }
            if (h < 0) == increasing { lo = s } else { hi = s }
            let step = -h / slope
            var next = s * exp(step)
            let newton = step.isFinite && next > lo && next < hi
            if !newton { next = exp(0.5 * (log(lo) + log(hi))) }
            if newton && abs(step) <= 1e-11 { s = next; break }
            if next == s || hi <= lo * (1 + 4e-16) { s = next; break }
            s = next
        }
        return point(s)
    }
}
