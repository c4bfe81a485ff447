import Foundation

/// The calibration function `F` (inverse derivative of the distance) and its derivative, per method.
///
/// Deville & Särndal (1992), Table 1; Calmar's methods 1–4. `g = F(u)` is the ratio `w/d`, `u = x'λ`.
struct CalibrationDistance: Sendable {
    enum Kind: Sendable { case linear, raking, logit, truncated }
    let kind: Kind
    let lower: Double
    let upper: Double
    /// Logit constant `A = (U−L)/((1−L)(U−1))`.
    let a: Double

    init(_ method: CalibrationMethod) {
        switch method {
        case .linear, .poststratify: kind = .linear; lower = -.infinity; upper = .infinity; a = 0
        case .raking: kind = .raking; lower = 0; upper = .infinity; a = 0
        case .logit(let l, let u):
            kind = .logit; lower = l; upper = u; a = (u - l) / ((1 - l) * (u - 1))
        case .truncated(let l, let u): kind = .truncated; lower = l; upper = u; a = 0
        }
    }

    /// `g = F(u)` and `F'(u)`.
    @inline(__always)
    func evaluate(_ u: Double) -> (g: Double, derivative: Double) {
        switch kind {
        case .linear:
            return (1 + u, 1)
        case .raking:
            let e = exp(u)
            return (e, e)
        case .logit:
            // Stable in both tails: divide through by e^{Au} when Au > 0.
            let L = lower, U = upper
            let au = a * u
            if au > 0 {
                let em = exp(-au)
                let den = (U - 1) * em + (1 - L)
                return ((L * (U - 1) * em + U * (1 - L)) / den, (U - L) * (U - L) * em / (den * den))
            } else {
                let e = exp(au)
                let den = (U - 1) + (1 - L) * e
                return ((L * (U - 1) + U * (1 - L) * e) / den, (U - L) * (U - L) * e / (den * den))
            }
        case .truncated:
            let g = 1 + u
            if g < lower { return (lower, 0) }
            if g > upper { return (upper, 0) }
            return (g, 1)
        }
    }
}
