/// Generalized calibration by Newton's method, generic over the ``CalibrationDistance`` (Deville & Särndal 1992; R survey's `grake`; Calmar).
///
/// With `u_c = x_c'λ`, `g_c = F(u_c)`, the equations `Σ_c s_c g_c x_c = t` are solved by
/// `λ ← λ + T⁻¹ (t − Σ_c s_c g_c x_c)` where `T = Σ_c s_c F'(u_c) x_c x_c' = X' diag(s F'(u)) X`,
/// solved by Cholesky (`dposv`), falling back to the minimum-norm SVD solve (`dgelsd`, a generalized inverse
/// as R's `MASS::ginv`) when `T` is singular (truncated distances). Iterations stop when
/// `max_k |misfit_k| / (1 + |t_k|) < tolerance`. A step that makes some `g` non-finite is halved, as in `grake`.
///
/// The units `c` are categorical cells, or records when numeric totals or trimming make `g` record-specific.
/// `X` stays in split form `x_i = (z_{c(i)}, v_i)` (``SplitAuxiliaries``): with `a_c = Σ_{i∈c} s_i F'_i`,
/// `T_zz = Σ_c a_c z_c z_c'`, `T_zv = Σ_c z_c Σ_{i∈c} s_i F'_i v_i'`, `T_vv = Σ_i s_i F'_i v_i v_i'`, and the
/// achieved totals `(Σ_c z_c Σ_{i∈c} s_i g_i, Σ_i s_i g_i v_i)`; an iteration costs O(n q²) for q numeric
/// auxiliaries, plus BLAS on the cells, instead of O(n p²).
///
/// Under trimming, a unit held at its trimming bound has `F' = 0`; when every unit of a level is held, `T` is
/// singular and the Newton step (even the minimum-norm one) cannot move `λ` in the direction that releases them,
/// so the iterations stall although the bounded problem is feasible. Such units therefore enter `T` with a
/// small derivative (``heldUnitDerivative``, relative to a unit derivative of 1): `T` stays invertible, the step
/// in the released direction is large and the step halving cuts it to a size that lowers the misfit. The
/// fixed point is unchanged (the misfit uses the clamped `g`).
///
/// Bounded distances (logit, truncated linear) take the same dual step length as trimming, whatever the start:
/// with `g = F(u)` saturating near `L` and `U`, `F'` is tiny for most units after a long first step, `T` is
/// nearly singular, and backtracking on the size of the misfit could accept a step that stalls (issue 15: logit
/// within wide automatic bounds on a sample far from the population scale). A step along the Newton direction
/// that lowers the convex dual always makes progress towards its unique minimum, the calibrated weights.
///
/// Constraints that are linear combinations of others in the sample (e.g. the last level of a second margin,
/// implied by the first margin's total) are found once with a rank-revealing pivoted Cholesky (`dpstrf`) of
/// `X' diag(s) X` scaled to unit diagonal, left out of the solve, and checked afterwards.
struct NewtonCalibration<Distance: CalibrationDistance> {
    struct Result {
        var g: [Double]
        var iterations: Int
        var converged: Bool
        var trace: [Double]
        var redundant: [Int]
    }

    /// The auxiliary matrix over the units, in split form.
    let x: SplitAuxiliaries
    /// The distance whose `F` and `F'` give `g` (a type parameter, so `evaluate` is inlined in the loop).
    let distance: Distance
    let constraints: [CalibrationConstraint]
    /// Optional bounds on `g` for each unit (trimming): `g` is clamped to `[lower_u, upper_u]` and `F' = 0` there.
    var unitBounds: (lower: [Double], upper: [Double])? = nil
    /// Levels from which a categorical margin's diagonal block is eliminated (``MarginBlockSystem``) instead of
    /// forming the dense p x p system.
    var blockThreshold = MarginBlockSystem.defaultThreshold

    /// The derivative a unit held at a trimming bound contributes to `T` (instead of 0).
    static var heldUnitDerivative: Double { 1e-6 }

    /// Solves for unit sums of base weights `s` and targets `t`.
    ///
    /// - Parameters:
    ///   - initial: the linear predictor `u_c = x_c'λ` to start from (e.g. `log f_c` after IPF sweeps); 0 when nil.
    ///   - weightTolerance: when set, convergence also needs the last Newton step to have moved every `g_c` by
    ///     less than this relative amount (`|Δg_c| ≤ tol · |g_c|`). Newton converges quadratically, so the error of
    ///     the weights after that step is of the order of the step squared: the stopping rule bounds the error of
    ///     the weights, not only of the margins (which can be met to 1e-10 while the weights are 1e-8 away).
    func solve(unitWeight s: [Double], targets t: [Double], maxIterations: Int, tolerance: Double,
               initial: [Double]? = nil, weightTolerance: Double? = nil) throws -> Result {
        let units = x.unitCount, p = x.columns
        // 1. Redundant constraints.
        let kept = AuxiliaryDesign.independentColumns(x, weights: s, blockThreshold: blockThreshold)
        let redundant = (0..<p).filter { !kept.contains($0) }
        let r = kept.count
        let xk = x.selecting(columns: kept)
        let tk = kept.map { t[$0] }
        let blockSlot = MarginBlockSystem.eliminatedSlot(xk, minimumLevels: blockThreshold)

        // 2. Newton iterations on the linear predictor u = Xλ (u moves by Xδ for a step δ of λ).
        var u = initial ?? [Double](repeating: 0, count: units)
        precondition(u.count == units)
        var g = [Double](repeating: 1, count: units)
        var dF = [Double](repeating: 1, count: units)
        var held = [Bool](repeating: false, count: units)  // at a trimming bound
        var sg = [Double](repeating: 0, count: units)
        var sdF = [Double](repeating: 0, count: units)
        var trace: [Double] = []
        var converged = false
        var iterations = 0
        var lastChange = Double.infinity
        // The arrays captured by these local functions are reached through buffer pointers, one access each per
        // call: element by element, every read and write of a captured variable pays a dynamic exclusivity check
        // (a quarter of the time of a 50-constraint logit calibration of 1M records).
        func evaluate(_ uu: [Double]) -> Bool {
            var finite = true
            let bounds = unitBounds
            g.withUnsafeMutableBufferPointer { g in
                dF.withUnsafeMutableBufferPointer { dF in
                    held.withUnsafeMutableBufferPointer { held in
                        for c in 0..<units {
                            var (gc, dc) = distance.evaluate(uu[c])
                            held[c] = false
                            if let b = bounds {
                                if gc < b.lower[c] { gc = b.lower[c]; dc = 0; held[c] = true } else if gc > b.upper[c] { gc = b.upper[c]; dc = 0; held[c] = true }
                            }
                            g[c] = gc
                            dF[c] = dc
                            if !gc.isFinite || !dc.isFinite { finite = false }
                        }
                    }
                }
            }
            return finite
        }
        /// Misfit at the current g and its largest relative size.
        func misfitAndDeviation() -> ([Double], Double, Double) {
            sg.withUnsafeMutableBufferPointer { sg in
                g.withUnsafeBufferPointer { g in
                    for c in 0..<units { sg[c] = s[c] * g[c] }
                }
            }
            let achieved = r > 0 ? xk.totals(weights: sg) : []
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
        _ = evaluate(u)
        var (misfit, dev, norm) = misfitAndDeviation()
        while true {
            trace.append(dev)
            if dev < tolerance && (weightTolerance.map { lastChange < $0 } ?? true) { converged = true; break }
            if iterations >= maxIterations { break }
            iterations += 1
            sdF.withUnsafeMutableBufferPointer { sdF in
                held.withUnsafeBufferPointer { held in
                    dF.withUnsafeBufferPointer { dF in
                        for c in 0..<units { sdF[c] = s[c] * (held[c] ? Self.heldUnitDerivative : dF[c]) }
                    }
                }
            }
            var delta: [Double]
            if let blockSlot {
                delta = try MarginBlockSystem(xk, weights: sdF, slot: blockSlot).solve(misfit)
            } else {
                let tmat = xk.crossProduct(weights: sdF)
                do {
                    delta = try LAPACK.solvePositiveDefinite(tmat, misfit)
                } catch {
                    delta = try LAPACK.leastSquares(tmat, misfit, rcond: 1e-12).x
                }
            }
            var du = r > 0 ? xk.linearPredictor(delta) : [Double](repeating: 0, count: units)
            let gBefore = g
            if unitBounds != nil || distance.bounds != nil,
               let step = dualStepLength(u: u, du: du, delta: delta, misfit: misfit, evaluate: evaluate, misfitAndDeviation) {
                // Trimming: the step length that minimises the convex dual along the Newton direction.
                u = zip(u, du).map { $0 + step * $1 }
                _ = evaluate(u)
                (misfit, dev, norm) = misfitAndDeviation()
                lastChange = largestRelativeChange(from: gBefore, to: g, unitWeight: s)
                continue
            }
            // Full Newton step unless it makes g non-finite (halve, as grake) or increases the misfit
            // (backtrack: needed when bounds clamp g and T is only piecewise smooth).
            var candidate = zip(u, du).map { $0 + $1 }
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
                for c in 0..<units { du[c] /= 2; candidate[c] = u[c] + du[c] }
            }
            u = candidate
            lastChange = largestRelativeChange(from: gBefore, to: g, unitWeight: s)
        }
        return Result(g: g, iterations: iterations, converged: converged, trace: trace, redundant: redundant)
    }

    /// `max_c |g_c − g⁰_c| / |g⁰_c|` over the units with a base weight (infinity if one is NaN): how far the
    /// last step moved the weights.
    func largestRelativeChange(from before: [Double], to after: [Double], unitWeight s: [Double]) -> Double {
        var largest = 0.0
        for c in 0..<after.count where s[c] != 0 {
            let change = abs(after[c] - before[c]) / max(abs(before[c]), .leastNormalMagnitude)
            if !(change <= largest) { largest = change.isNaN ? .infinity : change }
        }
        return largest
    }

    /// Step length along `delta` under trimming, or nil to fall back to backtracking on the misfit.
    ///
    /// The calibration equations are the stationarity conditions of the convex dual
    /// `Φ(λ) = Σ_c s_c G_c(x_c'λ) − t'λ`, with `G_c' = F` clamped to the unit's bounds (Deville & Särndal 1992,
    /// section 3); along the step, `φ(α) = Φ(λ + αδ)` is convex with slope `φ'(α) = −misfit(λ + αδ)'δ`, negative at
    /// 0 for the Newton direction. Backtracking on the size of the misfit can stall at a non-zero misfit when units
    /// are clamped (the misfit's norm has local minima where `F` is flat); a step with `φ'(α) ≤ 0` always lowers
    /// `Φ`, whose only minimum is the solution. The full step is taken when its slope is ≤ 0; otherwise the
    /// slope's sign is bisected until the kept step's slope is within a tenth of the initial one.
    func dualStepLength(u: [Double], du: [Double], delta: [Double], misfit: [Double], evaluate: ([Double]) -> Bool,
                        _ misfitAndDeviation: () -> ([Double], Double, Double)) -> Double? {
        let slope0 = -zip(misfit, delta).reduce(0) { $0 + $1.0 * $1.1 }
        guard slope0 < 0, slope0.isFinite else { return nil }
        func slope(_ a: Double) -> Double {
            guard evaluate(zip(u, du).map { $0 + a * $1 }) else { return .infinity }
            let m = misfitAndDeviation().0
            let v = -zip(m, delta).reduce(0) { $0 + $1.0 * $1.1 }
            return v.isNaN ? .infinity : v
        }
        return DualLineSearch.step(slope0: slope0, slope: slope)
    }

    /// For bounds on `g` and 0/1 indicator constraints: a target outside `[Σ s_u L_u, Σ s_u U_u]` over the
    /// level's units cannot be met. Sums run over the units in order, O(units x categorical margins).
    static func unreachable(x: SplitAuxiliaries, unitWeight s: [Double], targets: [Double], constraints: [CalibrationConstraint],
                            lower: [Double], upper: [Double]) -> [UnmetConstraint] {
        let pz = x.indicatorCount
        var sum = [Double](repeating: 0, count: pz), lo = sum, hi = sum
        let columnsOfCell = x.indicatorColumnsByCell()
        for u in 0..<x.unitCount {
            for j in columnsOfCell[x.cell(ofUnit: u)] {
                sum[j] += s[u]; lo[j] += s[u] * lower[u]; hi[j] += s[u] * upper[u]
            }
        }
        var out: [UnmetConstraint] = []
        for j in 0..<pz where constraints[j].level != nil {
            let t = targets[j]
            let slack = 1e-9 * max(1, abs(t))
            if t < lo[j] - slack || t > hi[j] + slack {
                out.append(UnmetConstraint(label: constraints[j].label, target: t, achieved: sum[j], reachable: lo[j]...hi[j]))
            }
        }
        return out
    }
}
