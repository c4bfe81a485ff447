import Foundation

/// A calibration distance, as a value: the calibration function `F` (the inverse of the derivative of the
/// distance `G`), its derivative, its name and the bounds it puts on the ratio `g = w/d`.
///
/// Generalized calibration (Deville & Särndal 1992, section 3) looks for final weights `w_i = d_i g_i` close to
/// the base weights `d_i` in the distance `Σ d_i G(g_i)` under the constraints `Σ w_i x_i = t`. With Lagrange
/// multipliers `λ`, the solution is `g_i = F(x_i'λ)` where `F = (G')⁻¹`; the Newton solver only needs `F` and
/// `F'`. `G(1) = 0`, `G'(1) = 0`, `G''(1) = 1` (so `F(0) = 1`, `F'(0) = 1`) for every distance here; the
/// linearization variance is then the same for all distances (Deville & Särndal 1992, result 5).
///
/// The solver is generic over the distance: a conforming type's `evaluate(_:)` is inlined in the inner loop, so a
/// user-defined distance costs no more than the built-in ones. R survey's `make.calfun(Fm1, dF, name)` is the
/// same idea (there `Fm1(u) = F(u) − 1`).
///
/// ```swift
/// /// F(u) = 1 + sinh(u): G(g) = (g−1) asinh(g−1) − √((g−1)² + 1) + 1.
/// struct SinhDistance: CalibrationDistance {
///     var name: String { "sinh" }
///     func evaluate(_ u: Double) -> (g: Double, derivative: Double) { (1 + sinh(u), cosh(u)) }
///     func distance(_ g: Double) -> Double { (g - 1) * asinh(g - 1) - ((g - 1) * (g - 1) + 1).squareRoot() + 1 }
/// }
/// let result = try Calibrator(margins: margins, distance: SinhDistance()).calibrate(table, weightColumn: "d")
/// ```
public protocol CalibrationDistance: Sendable {
    /// A short name for reports (`raking`, `logit`, ...).
    var name: String { get }
    /// The bounds `L < 1 < U` the distance puts on `g = w/d` (logit, truncated linear), or `nil` when it puts
    /// none (`F` may still keep `g` positive, see ``ratioRange``).
    var bounds: (lower: Double, upper: Double)? { get }
    /// The range of `F`: every `g = F(u)` lies in it; trimming bounds are intersected with it. Defaults to
    /// ``bounds``, or the whole real line.
    var ratioRange: (lower: Double, upper: Double) { get }
    /// `g = F(u)` and `F'(u)`, for the linear predictor `u = x'λ`.
    func evaluate(_ u: Double) -> (g: Double, derivative: Double)
    /// The distance `G(g)` between a ratio `g = w/d` and 1 (for reports: `Σ d_i G(g_i)` is what the
    /// calibration minimised); `+∞` outside the bounds.
    func distance(_ g: Double) -> Double
}

extension CalibrationDistance {
    /// No bounds by default.
    public var bounds: (lower: Double, upper: Double)? { nil }
    /// The bounds, or the whole real line.
    public var ratioRange: (lower: Double, upper: Double) { bounds ?? (-.infinity, .infinity) }
    /// `F(u)`, the ratio `g = w/d` at the linear predictor `u`.
    public func ratio(_ u: Double) -> Double { evaluate(u).g }
    /// `F'(u)`.
    public func derivative(_ u: Double) -> Double { evaluate(u).derivative }
    /// `Σ d_i G(w_i/d_i)` over the records with a positive base weight: the distance the calibration minimised.
    public func totalDistance(weights w: [Double], baseWeights d: [Double]) -> Double {
        zip(w, d).reduce(0) { $1.1 > 0 ? $0 + $1.1 * distance($1.0 / $1.1) : $0 }
    }
}

/// The linear (chi-square) distance `G(g) = (g−1)²/2`, `F(u) = 1 + u`: the GREG estimator, in closed form;
/// weights may be negative (Deville & Särndal 1992, case 1; Calmar method 1).
public struct LinearDistance: CalibrationDistance, Equatable {
    /// Creates the linear distance.
    public init() {}
    /// `linear`.
    public var name: String { "linear" }
    /// `(1 + u, 1)`.
    @inline(__always)
    public func evaluate(_ u: Double) -> (g: Double, derivative: Double) { (1 + u, 1) }
    /// `(g−1)²/2`.
    public func distance(_ g: Double) -> Double { (g - 1) * (g - 1) / 2 }
}

/// The raking (multiplicative) distance `G(g) = g log g − g + 1`, `F(u) = exp(u)`: positive weights, the
/// raking-ratio (IPF) solution with categorical margins (Deville & Särndal 1992, case 2; Calmar method 2).
public struct RakingDistance: CalibrationDistance, Equatable {
    /// Creates the raking distance.
    public init() {}
    /// `raking`.
    public var name: String { "raking" }
    /// `g > 0`.
    public var ratioRange: (lower: Double, upper: Double) { (0, .infinity) }
    /// `(e^u, e^u)`.
    @inline(__always)
    public func evaluate(_ u: Double) -> (g: Double, derivative: Double) {
        let e = exp(u)
        return (e, e)
    }
    /// `g log g − g + 1` (`+∞` for `g < 0`).
    public func distance(_ g: Double) -> Double {
        if g < 0 { return .infinity }
        return g == 0 ? 1 : g * log(g) - g + 1
    }
}

/// The logit distance with bounds `L < 1 < U` on `g` (Deville & Särndal 1992, case 6; Calmar method 3):
/// `F(u) = (L(U−1) + U(1−L)e^{Au}) / (U−1 + (1−L)e^{Au})`, `A = (U−L)/((1−L)(U−1))`, and
/// `G(g) = [(g−L) log((g−L)/(1−L)) + (U−g) log((U−g)/(U−1))] / A`.
public struct LogitDistance: CalibrationDistance, Equatable {
    /// Lower bound `L` on `g` (`0 ≤ L < 1`).
    public let lower: Double
    /// Upper bound `U` on `g` (`U > 1`).
    public let upper: Double
    /// `A = (U−L)/((1−L)(U−1))`.
    let a: Double

    /// Creates the logit distance; ``Calibrator`` refuses bounds that are not `0 ≤ L < 1 < U < ∞`.
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
        a = (upper - lower) / ((1 - lower) * (upper - 1))
    }

    /// `logit`.
    public var name: String { "logit" }
    /// `(L, U)`.
    public var bounds: (lower: Double, upper: Double)? { (lower, upper) }

    /// `F(u)` and `F'(u)`, stable in both tails (divided through by `e^{Au}` when `Au > 0`).
    @inline(__always)
    public func evaluate(_ u: Double) -> (g: Double, derivative: Double) {
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
    }

    /// `G(g)`, `+∞` outside `[L, U]`.
    public func distance(_ g: Double) -> Double {
        guard g >= lower, g <= upper else { return .infinity }
        func xlog(_ x: Double, _ y: Double) -> Double { x == 0 ? 0 : x * log(y) }
        return (xlog(g - lower, (g - lower) / (1 - lower)) + xlog(upper - g, (upper - g) / (upper - 1))) / a
    }
}

/// The truncated linear distance: `F(u) = min(max(1 + u, L), U)`, `G(g) = (g−1)²/2` on `[L, U]` and `+∞`
/// outside (R survey's linear calibration with bounds; Calmar method 4).
public struct TruncatedLinearDistance: CalibrationDistance, Equatable {
    /// Lower bound `L` on `g`.
    public let lower: Double
    /// Upper bound `U` on `g`.
    public let upper: Double

    /// Creates the truncated linear distance; ``Calibrator`` refuses bounds that are not `L < 1 < U`.
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// `truncated`.
    public var name: String { "truncated" }
    /// `(L, U)`.
    public var bounds: (lower: Double, upper: Double)? { (lower, upper) }

    /// `(1 + u, 1)` inside the bounds, the bound and 0 outside.
    @inline(__always)
    public func evaluate(_ u: Double) -> (g: Double, derivative: Double) {
        let g = 1 + u
        if g < lower { return (lower, 0) }
        if g > upper { return (upper, 0) }
        return (g, 1)
    }

    /// `(g−1)²/2` on `[L, U]`, `+∞` outside.
    public func distance(_ g: Double) -> Double {
        guard g >= lower, g <= upper else { return .infinity }
        return (g - 1) * (g - 1) / 2
    }
}
