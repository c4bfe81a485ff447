import Foundation

/// The starting point of a bounded calibration (logit, truncated linear): every ratio `g = w/d` equal to the
/// population scale `c = N / Σ d`, instead of `g = 1`.
///
/// Newton's method on the calibration equations starts by convention at `λ = 0`, `g = 1` (R survey's `grake`,
/// Calmar). When the base weights are far from the population scale (e.g. `d = 1` for 600 answers out of
/// 35,000 communes, `c ≈ 58`), the first step asks every `g` to move by about `c − 1`; a bounded `F` saturates at
/// `U`, the achieved totals overshoot, and the next systems `X' diag(d F'(u)) X` are nearly singular: R survey
/// reports "Calibration failed" although the bounds are feasible. Calmar's users avoid this by scaling the base
/// weights to the population first (Sautory 1993), which changes the distance (the bounds are then relative to
/// the scaled weights). Here the distance and the bounds stay the user's: only the start moves.
///
/// When the calibration has a categorical margin, every unit belongs to exactly one of its levels, so a constant
/// linear predictor `u_c = F⁻¹(c)` is `u = Xλ` for `λ` equal to `F⁻¹(c)` on that margin's levels and 0
/// elsewhere: a point of the dual, from which the solution (the unique minimum of the convex dual
/// `Σ d H(x'λ) − t'λ`, `H' = F`; Deville & Särndal 1992, section 3; Deville, Särndal & Sautory 1993) is the same
/// as from `λ = 0`. `c` is the first categorical margin's total over the sum of the base weights, which every
/// solution's mean ratio equals; it must lie strictly inside `(L, U)` (otherwise no solution exists, and the
/// start stays at `g = 1` so that the usual diagnostics apply). Without a categorical margin (numeric totals
/// only) a constant is not in the span of `X` in general, and the start stays at `g = 1`.
enum PopulationScaleStart {
    /// The constant linear predictor `F⁻¹(N / Σ s)` on every unit, or `nil` (start at `g = 1`) when the design
    /// has no categorical margin, the scale is already about 1 (within 10%), or it lies outside the range of `F`.
    static func linearPredictor<Distance: CalibrationDistance>(_ design: AuxiliaryDesign, distance: Distance) -> [Double]? {
        guard let columns = design.marginColumns.first, !columns.isEmpty else { return nil }
        let total = columns.filter { $0 >= 0 }.reduce(0.0) { $0 + design.constraints[$1].target }
        let sum = design.unitWeight.reduce(0, +)
        guard sum > 0, total > 0, total.isFinite else { return nil }
        let c = total / sum
        guard abs(c - 1) > 0.1, let u = inverse(of: distance, at: c) else { return nil }
        return [Double](repeating: u, count: design.unitCount)
    }

    /// `F⁻¹(g)` by bisection (`F` is increasing), or `nil` when `g` is not strictly inside the range of `F`.
    static func inverse<Distance: CalibrationDistance>(of distance: Distance, at g: Double) -> Double? {
        let range = distance.ratioRange
        guard g > range.lower, g < range.upper else { return nil }
        var lo = -1.0, hi = 1.0
        var expansions = 0
        while distance.ratio(lo) > g { lo *= 2; expansions += 1; if expansions > 1100 { return nil } }
        while distance.ratio(hi) < g { hi *= 2; expansions += 1; if expansions > 1100 { return nil } }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if mid == lo || mid == hi { break }
            if distance.ratio(mid) < g { lo = mid } else { hi = mid }
        }
        let u = (lo + hi) / 2
        return u.isFinite ? u : nil
    }
}
