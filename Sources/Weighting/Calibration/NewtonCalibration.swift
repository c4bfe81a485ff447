/// Generalized calibration by Newton's method (Deville & Särndal 1992; R survey's `grake`; Calmar).
///
/// With `u_c = x_c'λ`, `g_c = F(u_c)`, the equations `Σ_c s_c g_c x_c = t` are solved by
/// `λ ← λ + T⁻¹ (t − Σ_c s_c g_c x_c)` where `T = Σ_c s_c F'(u_c) x_c x_c' = X' diag(s F'(u)) X`,
/// built with BLAS `dsyrk` and solved by Cholesky (`dposv`), falling back to the minimum-norm SVD solve
/// (`dgelsd`, a generalized inverse as R's `MASS::ginv`) when `T` is singular (truncated distances).
/// Iterations stop when `max_k |misfit_k| / (1 + |t_k|) < tolerance`. A step that makes some `g` non-finite
/// is halved, as in `grake`.
///
/// Constraints that are linear combinations of others in the sample (e.g. the last level of a second margin,
/// implied by the first margin's total) are found once with a rank-revealing pivoted Cholesky (`dpstrf`) of
/// `X' diag(s) X` scaled to unit diagonal, left out of the solve, and checked afterwards.
struct NewtonCalibration {
    struct Result {
        var g: [Double]
        var iterations: Int
        var converged: Bool
        var trace: [Double]
        var redundant: [Int]
    }

    let x: Matrix
    let distance: CalibrationDistance
    let constraints: [CalibrationConstraint]
    /// Optional bounds on `g` for each cell (trimming): `g` is clamped to `[lower_c, upper_c]` and `F' = 0` there.
    var cellBounds: (lower: [Double], upper: [Double])? = nil

    /// Solves for cell sums of base weights `s` and targets `t`.
    func solve(cellWeight s: [Double], targets t: [Double], maxIterations: Int, tolerance: Double) throws -> Result {
        let cells = x.rows, p = x.columns
        // 1. Redundant constraints.
        let kept = AuxiliaryDesign.independentColumns(x, weights: s)
        let redundant = (0..<p).filter { !kept.contains($0) }
        let r = kept.count
        var xk = Matrix(rows: cells, columns: r)
        for (jj, j) in kept.enumerated() {
            xk.values.replaceSubrange((jj * cells)..<((jj + 1) * cells), with: x.values[(j * cells)..<((j + 1) * cells)])
        }
        let tk = kept.map { t[$0] }

        // 2. Newton iterations.
        var lambda = [Double](repeating: 0, count: r)
        var g = [Double](repeating: 1, count: cells)
        var dF = [Double](repeating: 1, count: cells)
        var sg = [Double](repeating: 0, count: cells)
        var sdF = [Double](repeating: 0, count: cells)
        var trace: [Double] = []
        var converged = false
        var iterations = 0
        func evaluate(_ lam: [Double]) -> Bool {
            let u = r > 0 ? LAPACK.product(xk, transpose: false, lam) : [Double](repeating: 0, count: cells)
            var finite = true
            for c in 0..<cells {
                var (gc, dc) = distance.evaluate(u[c])
                if let b = cellBounds {
                    if gc < b.lower[c] { gc = b.lower[c]; dc = 0 } else if gc > b.upper[c] { gc = b.upper[c]; dc = 0 }
                }
                g[c] = gc
                dF[c] = dc
                if !gc.isFinite || !dc.isFinite { finite = false }
            }
            return finite
        }
        /// Misfit at the current g and its largest relative size.
        func misfitAndDeviation() -> ([Double], Double, Double) {
            for c in 0..<cells { sg[c] = s[c] * g[c] }
            let achieved = r > 0 ? LAPACK.product(xk, transpose: true, sg) : []
            var misfit = [Double](repeating: 0, count: r)
            var dev = 0.0, norm = 0.0
            for k in 0..<r {
                misfit[k] = tk[k] - achieved[k]
                let rel = abs(misfit[k]) / (1 + abs(tk[k]))
                if !(rel <= dev) { dev = rel.isNaN ? .infinity : rel }
                norm += rel * rel
            }
            return (misfit, dev, norm.isNaN ? .infinity : norm)
        }
        _ = evaluate(lambda)
        var (misfit, dev, norm) = misfitAndDeviation()
        while true {
            trace.append(dev)
            if dev < tolerance { converged = true; break }
            if iterations >= maxIterations { break }
            iterations += 1
            for c in 0..<cells { sdF[c] = s[c] * dF[c] }
            let tmat = LAPACK.weightedCrossProduct(xk, weights: sdF)
            var delta: [Double]
            do {
                delta = try LAPACK.solvePositiveDefinite(tmat, misfit)
            } catch {
                delta = try LAPACK.leastSquares(tmat, misfit, rcond: 1e-12).x
            }
            // Full Newton step unless it makes g non-finite (halve, as grake) or increases the misfit
            // (backtrack: needed when bounds clamp g and T is only piecewise smooth).
            var candidate = zip(lambda, delta).map { $0 + $1 }
            var halvings = 0
            while true {
                if evaluate(candidate) {
                    let next = misfitAndDeviation()
                    if next.2 < norm || halvings >= 30 {
                        (misfit, dev, norm) = next
                        break
                    }
                }
                if halvings >= 60 { (misfit, dev, norm) = misfitAndDeviation(); break }
                halvings += 1
                for k in 0..<r { delta[k] /= 2; candidate[k] = lambda[k] + delta[k] }
            }
            lambda = candidate
        }
        return Result(g: g, iterations: iterations, converged: converged, trace: trace, redundant: redundant)
    }

    /// For bounds on `g` and 0/1 indicator constraints: a target outside `[Σ s_c L_c, Σ s_c U_c]` over the
    /// level's cells cannot be met.
    static func unreachable(x: Matrix, cellWeight s: [Double], targets: [Double], constraints: [CalibrationConstraint],
                            lower: [Double], upper: [Double]) -> [UnmetConstraint] {
        var out: [UnmetConstraint] = []
        for j in 0..<x.columns where constraints[j].level != nil {
            var sum = 0.0, lo = 0.0, hi = 0.0
            for c in 0..<x.rows where x[c, j] != 0 { sum += s[c]; lo += s[c] * lower[c]; hi += s[c] * upper[c] }
            let t = targets[j]
            let slack = 1e-9 * max(1, abs(t))
            if t < lo - slack || t > hi + slack {
                out.append(UnmetConstraint(label: constraints[j].label, target: t, achieved: sum, reachable: lo...hi))
            }
        }
        return out
    }
}
