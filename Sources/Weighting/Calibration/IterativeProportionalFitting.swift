import Foundation

/// Raking by iterative proportional fitting on cells (Deming & Stephan 1940).
///
/// Each sweep post-stratifies to every margin in turn: for margin `m` and level `l`,
/// `f_c ← f_c · t_l / Σ_{c∈l} s_c f_c`. A sweep costs O(cells × margins), never O(records) nor O(levels²).
/// The fixed point is the raking-ratio calibration estimator (`F(u) = exp(u)`), so the weights equal
/// those of R survey's `rake` and of `calibrate(calfun = "raking")`.
///
/// Stopping rule: every constraint satisfies `|Σ w x − t| / (1 + |t|) < tolerance` **and** the weights are
/// within `tolerance` (relative) of the fixed point. IPF converges linearly: with `δ_k = max_c |log f_c^(k) −
/// log f_c^(k−1)|` (bounded above by `max(x − 1, 1/x − 1)`, `x` the ratio of the factors) and the rate `ρ = δ_k / δ_{k−1}`, the remaining error of `log f` is about `δ_k ρ / (1 − ρ)`.
/// When `ρ` shows the sweeps slowing down (sparse tables with one-respondent cells, where IPF needs
/// thousands of sweeps and stops with the margins met to 1e-10 but the weights 1e-8 away), the sweeps stop
/// early with ``Result/slow`` set, and the caller finishes with Newton's method on the raking distance from
/// `u_c = log f_c`.
struct IterativeProportionalFitting {
    struct Result {
        var g: [Double]
        var iterations: Int
        var converged: Bool
        var trace: [Double]
        /// The sweeps were stopped because they converge too slowly (rate above ``slowRate``): finish by Newton.
        var slow: Bool
    }

    let design: AuxiliaryDesign
    /// A sweep rate `ρ` above which (after ``minimumSweeps``) the sweeps hand over to Newton; `nil` never.
    var slowRate: Double? = 0.8
    /// Sweeps made before the rate is judged.
    var minimumSweeps = 8

    func solve(cellWeight s: [Double], targets t: [Double], maxIterations: Int, tolerance: Double) throws -> Result {
        let cells = design.cellCount
        var f = [Double](repeating: 1, count: cells)
        var previousF = f
        var trace: [Double] = []
        var iterations = 0
        let margins = design.cellLevel.count
        func deviation() -> Double {
            var dev = 0.0
            for m in 0..<margins {
                let cols = design.marginColumns[m]
                var tot = [Double](repeating: 0, count: cols.count)
                let lv = design.cellLevel[m]
                for c in 0..<cells { tot[Int(lv[c])] += s[c] * f[c] }
                for (k, col) in cols.enumerated() where col >= 0 {
                    let rel = abs(t[col] - tot[k]) / (1 + abs(t[col]))
                    if !(rel <= dev) { dev = rel.isNaN ? .infinity : rel }
                }
            }
            return dev
        }
        var dev = deviation()
        trace.append(dev)
        var step = Double.infinity, previousStep = Double.infinity
        var weightError = Double.infinity
        var slow = false
        while (dev >= tolerance || weightError >= tolerance) && iterations < maxIterations {
            iterations += 1
            previousF = f
            for m in 0..<margins {
                let cols = design.marginColumns[m]
                let lv = design.cellLevel[m]
                var tot = [Double](repeating: 0, count: cols.count)
                for c in 0..<cells { tot[Int(lv[c])] += s[c] * f[c] }
                var ratio = [Double](repeating: 1, count: cols.count)
                for (k, col) in cols.enumerated() where col >= 0 {
                    if tot[k] > 0 { ratio[k] = t[col] / tot[k] } else if t[col] != 0 { ratio[k] = .nan }
                }
                for c in 0..<cells { f[c] *= ratio[Int(lv[c])] }
            }
            dev = deviation()
            trace.append(dev)
            if !dev.isFinite { break }
            previousStep = step
            step = 0
            for c in 0..<cells where s[c] != 0 {
                // max(x − 1, 1/x − 1) ≥ |log x|: a bound on the change of log f without a logarithm per cell.
                let x = f[c] / previousF[c]
                let change = max(x - 1, 1 / x - 1)
                if !(change <= step) { step = change.isNaN ? .infinity : change }
            }
            let rate = previousStep.isFinite && previousStep > 0 ? step / previousStep : 1
            // One margin converges in one sweep (rate 0); otherwise the geometric tail of the remaining steps.
            weightError = step == 0 ? 0 : (rate < 1 ? step * rate / (1 - rate) : .infinity)
            if margins == 1 && dev < tolerance { weightError = 0 }
            if let slowRate, iterations >= minimumSweeps, rate > slowRate, dev >= tolerance || weightError >= tolerance {
                slow = true
                break
            }
        }
        return Result(g: f, iterations: iterations, converged: dev < tolerance && weightError < tolerance,
                      trace: trace, slow: slow)
    }
}
