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
        // Weighted totals per margin level, Σ_{c∈l} s_c f_c. Passes over the cells are fused: scaling to margin m
        // accumulates the totals of margin m + 1, and the last scaling of a sweep accumulates every margin's
        // totals (for the deviation, and the first margin of the next sweep) and the step. Each total still sums
        // its cells in the same order, so the results are those of separate passes, bit for bit.
        var totals = (0..<margins).map { [Double](repeating: 0, count: design.marginColumns[$0].count) }
        func accumulateAll() {
            for m in 0..<margins {
                let lv = design.cellLevel[m]
                totals[m].withUnsafeMutableBufferPointer { tot in
                    for k in tot.indices { tot[k] = 0 }
                    for c in 0..<cells { tot[Int(lv[c])] += s[c] * f[c] }
                }
            }
        }
        func deviation() -> Double {
            var dev = 0.0
            for m in 0..<margins {
                for (k, col) in design.marginColumns[m].enumerated() where col >= 0 {
                    let rel = abs(t[col] - totals[m][k]) / (1 + abs(t[col]))
                    if !(rel <= dev) { dev = rel.isNaN ? .infinity : rel }
                }
            }
            return dev
        }
        // The levels of each cell, cell by cell (cell c's level in margin m at c × margins + m), and where each
        // margin's totals start in a flat array, for the fused last pass of a sweep.
        var offset: [Int] = [], width = 0
        for m in 0..<margins { offset.append(width); width += design.marginColumns[m].count }
        var flat = [Double](repeating: 0, count: width)
        var cellLevels = [Int32](repeating: 0, count: margins > 1 ? cells * margins : 0)
        if margins > 1 {
            for m in 0..<margins { let lv = design.cellLevel[m]; for c in 0..<cells { cellLevels[c * margins + m] = lv[c] } }
        } else if margins == 1 {
            cellLevels = design.cellLevel[0]
        }
        accumulateAll()
        var dev = deviation()
        trace.append(dev)
        var step = Double.infinity, previousStep = Double.infinity
        var weightError = Double.infinity
        var slow = false
        while (dev >= tolerance || weightError >= tolerance) && iterations < maxIterations {
            iterations += 1
            previousF = f
            step = 0
            for m in 0..<margins {
                let cols = design.marginColumns[m]
                let lv = design.cellLevel[m]
                var ratio = [Double](repeating: 1, count: cols.count)
                for (k, col) in cols.enumerated() where col >= 0 {
                    let tot = totals[m][k]
                    if tot > 0 { ratio[k] = t[col] / tot } else if t[col] != 0 { ratio[k] = .nan }
                }
                if m < margins - 1 {
                    let next = design.cellLevel[m + 1]
                    f.withUnsafeMutableBufferPointer { f in
                        s.withUnsafeBufferPointer { s in
                            lv.withUnsafeBufferPointer { lv in
                                next.withUnsafeBufferPointer { next in
                                    ratio.withUnsafeBufferPointer { ratio in
                                        totals[m + 1].withUnsafeMutableBufferPointer { tot in
                                            Self.scale(f, s, lv, ratio, accumulatingInto: tot, by: next)
                                        }
                                    }
                                }
                            }
                        }
                    }
                } else {
                    // Every margin's totals at once, into one flat array (margin mm's levels from offset[mm]).
                    for k in flat.indices { flat[k] = 0 }
                    f.withUnsafeMutableBufferPointer { f in
                        s.withUnsafeBufferPointer { s in
                            lv.withUnsafeBufferPointer { lv in
                                ratio.withUnsafeBufferPointer { ratio in
                                    flat.withUnsafeMutableBufferPointer { tot in
                                        cellLevels.withUnsafeBufferPointer { levels in
                                            previousF.withUnsafeBufferPointer { previousF in
                                                offset.withUnsafeBufferPointer { offset in
                                                    step = Self.lastScale(f, s, lv, ratio, previousF, accumulatingInto: tot,
                                                                          levels: levels, offset: offset, margins: margins)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    for mm in 0..<margins {
                        for k in totals[mm].indices { totals[mm][k] = flat[offset[mm] + k] }
                    }
                }
            }
            dev = deviation()
            trace.append(dev)
            if !dev.isFinite { break }
            let rate = previousStep.isFinite && previousStep > 0 ? step / previousStep : 1
            // One margin converges in one sweep (rate 0); otherwise the geometric tail of the remaining steps.
            weightError = step == 0 ? 0 : (rate < 1 ? step * rate / (1 - rate) : .infinity)
            previousStep = step
            if margins == 1 && dev < tolerance { weightError = 0 }
            if let slowRate, iterations >= minimumSweeps, rate > slowRate, dev >= tolerance || weightError >= tolerance {
                slow = true
                break
            }
        }
        return Result(g: f, iterations: iterations, converged: dev < tolerance && weightError < tolerance,
                      trace: trace, slow: slow)
    }

    /// `f_c ← f_c · ratio[lv_c]`, accumulating `s_c f_c` into `tot[next_c]` (the next margin's totals).
    static func scale(_ f: UnsafeMutableBufferPointer<Double>, _ s: UnsafeBufferPointer<Double>,
                      _ lv: UnsafeBufferPointer<Int32>, _ ratio: UnsafeBufferPointer<Double>,
                      accumulatingInto tot: UnsafeMutableBufferPointer<Double>, by next: UnsafeBufferPointer<Int32>) {
        for k in tot.indices { tot[k] = 0 }
        for c in 0..<f.count {
            f[c] *= ratio[Int(lv[c])]
            tot[Int(next[c])] += s[c] * f[c]
        }
    }

    /// The last scaling of a sweep: `f_c ← f_c · ratio[lv_c]`, accumulating every margin's totals (margin `m`'s
    /// level of cell `c` at `levels[c × margins + m]`, its totals from `offset[m]`); returns the sweep's step
    /// `max_c max(x − 1, 1/x − 1)` with `x = f_c / previousF_c` (a bound on `|log x|` without a logarithm).
    static func lastScale(_ f: UnsafeMutableBufferPointer<Double>, _ s: UnsafeBufferPointer<Double>,
                          _ lv: UnsafeBufferPointer<Int32>, _ ratio: UnsafeBufferPointer<Double>,
                          _ previousF: UnsafeBufferPointer<Double>, accumulatingInto tot: UnsafeMutableBufferPointer<Double>,
                          levels: UnsafeBufferPointer<Int32>, offset: UnsafeBufferPointer<Int>, margins: Int) -> Double {
        var step = 0.0
        for c in 0..<f.count {
            f[c] *= ratio[Int(lv[c])]
            let sf = s[c] * f[c]
            let base = c &* margins
            for mm in 0..<margins { tot[offset[mm] &+ Int(levels[base &+ mm])] += sf }
            if s[c] != 0 {
                let x = f[c] / previousF[c]
                let change = max(x - 1, 1 / x - 1)
                if !(change <= step) { step = change.isNaN ? .infinity : change }
            }
        }
        return step
    }
}
