/// The step length along a Newton direction on a convex calibration dual `φ(α) = Φ(λ + αδ)` (Deville & Särndal
/// 1992, section 3), from its slope `φ'(α) = −misfit(λ + αδ)'δ`: the full step when `φ'(1) ≤ 0`, otherwise the sign
/// of the slope bisected on `[0, 1]` until the kept step's slope is within a tenth of `φ'(0)`. A step with
/// `φ'(α) ≤ 0` always lowers `Φ`, whose only minimum is the solution.
enum DualLineSearch {
    /// The step, or `nil` when no step with a non-positive slope was found (80 bisections); `slope` returns
    /// `+∞` where the weights cannot be evaluated. `slope0 = φ'(0)` must be negative and finite.
    static func step(slope0: Double, slope: (Double) -> Double) -> Double? {
        if slope(1) <= 0 { return 1 }
        var lo = 0.0, hi = 1.0
        for _ in 0..<80 {
            let mid = (lo + hi) / 2
            let v = slope(mid)
            if v <= 0 {
                lo = mid
                if v >= 0.1 * slope0 { break }
            } else {
                hi = mid
            }
        }
        return lo > 0 ? lo : nil
    }
}
