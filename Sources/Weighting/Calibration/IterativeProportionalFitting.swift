/// Raking by iterative proportional fitting on cells (Deming & Stephan 1940).
///
/// Each sweep post-stratifies to every margin in turn: for margin `m` and level `l`,
/// `f_c ← f_c · t_l / Σ_{c∈l} s_c f_c`. A sweep costs O(cells × margins), never O(records).
/// Iterations stop when every constraint satisfies `|Σ w x − t| / (1 + |t|) < tolerance`.
/// The fixed point is the raking-ratio calibration estimator (`F(u) = exp(u)`), so the weights equal
/// those of R survey's `rake` and of `calibrate(calfun = "raking")`.
struct IterativeProportionalFitting {
    struct Result {
        var g: [Double]
        var iterations: Int
        var converged: Bool
        var trace: [Double]
    }

    let design: AuxiliaryDesign

    func solve(cellWeight s: [Double], targets t: [Double], maxIterations: Int, tolerance: Double) throws -> Result {
        let cells = design.cellCount
        var f = [Double](repeating: 1, count: cells)
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
        while dev >= tolerance && iterations < maxIterations {
            iterations += 1
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
        }
        return Result(g: f, iterations: iterations, converged: dev < tolerance, trace: trace)
    }
}
