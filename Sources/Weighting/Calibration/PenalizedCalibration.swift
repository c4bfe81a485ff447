import Foundation

/// Per-constraint costs of penalized (soft) calibration: a cost `c_k ≥ 0` for the squared miss of target `k`.
///
/// A cost applies to every level of a margin (key: the margin's name, e.g. `region` or `region*taille`) or to one
/// constraint (key: its label, e.g. `region=Corse`); the constraint's own key wins. A constraint without a cost is
/// met exactly (cost +∞); a cost of 0 drops the constraint.
public struct ConstraintCosts: Sendable, Equatable {
    /// Costs by margin name or constraint label.
    public var costs: [String: Double]

    /// Creates costs; every value must be ≥ 0 (+∞ for a hard constraint).
    public init(_ costs: [String: Double]) {
        self.costs = costs
    }

    /// The cost of a constraint: its label's, else its margin's, else +∞ (met exactly).
    public func cost(of constraint: CalibrationConstraint) -> Double {
        costs[constraint.label] ?? costs[constraint.margin] ?? .infinity
    }

    /// Refuses negative or NaN costs, and keys that name no margin or constraint.
    func check(against constraints: [CalibrationConstraint], margins: Margins) throws {
        let known = Set(constraints.map(\.label) + margins.categorical.map(\.name) + margins.numeric.map(\.variable)
                        + margins.categorical.flatMap { m in m.levels.indices.map { m.label($0) } })
        for (key, c) in costs.sorted(by: { $0.key < $1.key }) {
            if c.isNaN || c < 0 {
                throw CalibrationError.invalidOption("the cost of \(Echo.quoted(key)) is \(Table.format(c)); costs must be ≥ 0 (0 drops the constraint, a larger cost meets it more closely, inf meets it exactly)")
            }
            if !known.contains(key) {
                throw CalibrationError.invalidOption("a cost is given for \(Echo.quoted(key)), which is neither a margin nor a constraint of the margins file (margins: \(margins.categorical.map(\.name) + margins.numeric.map(\.variable)))")
            }
        }
    }
}

/// Penalized (soft) calibration: the ratios `g = w/d` minimise
///
/// `Σ_i d_i G(g_i) + Σ_k c_k (t̂_k − t_k)²`,  `t̂ = Σ_i d_i g_i x_i`,
///
/// with `G` the method's distance (normalised so that `G(1) = G'(1) = 0`, `G''(1) = 1`) and costs `c_k`
/// (Deville & Särndal 1992 for `G`; the penalty is the "ridge" or soft calibration of Bardsley & Chambers 1984,
/// Rao & Singh 1997, and icarus' penalized calibration). Setting the derivative in `g_i` to 0 gives
/// `G'(g_i) = x_i'λ` with `λ_k = 2 c_k (t_k − t̂_k)`, so `g = F(Xλ)` as in exact calibration and `λ` solves
///
/// `t − X'(d ∘ F(Xλ)) − Λλ = 0`,  `Λ = diag(1 / (2 c_k))`
///
/// (`Λ_kk = 0` for a hard constraint, `c_k = ∞`). Newton's step solves `(X' diag(d F'(Xλ)) X + Λ) δ = misfit`,
/// halved while it does not lower the misfit. In the linear case one step is exact:
/// `λ = (X'DX + Λ)⁻¹ (t − X'd)`.
///
/// Linearization: the calibrated total of `y` moves with the sample totals of `x` as
/// `t̂_y ≈ Σ d y + B'(t − t̂_x)` with the ridge coefficient `B = (X'DX + Λ)⁻¹ X'D y`, so the variance is
/// computed from the residuals `y − x'B` (what ``CalibrationResult/penalty`` hands to the linearization).
///
/// Trimming (weight or ratio bounds, and caps) confines each record's `g` to its bounds: the objective is then
/// minimised over that box, still convex, so its solution is unique and satisfies `g_i = clamp(F(x_i'λ))` with
/// the same equation in `λ`; Newton uses `F' ≈ 0` for the held records and a step that lowers the convex dual.
/// The linearization keeps the ridge residuals above (held records' ratios do not move with the sample, which the
/// residuals ignore, as for trimmed exact calibration).
///
/// Constraints with cost 0 are dropped; hard constraints implied by other hard ones are dropped as in exact
/// calibration (met all the same); soft ones are all kept (`Λ` makes the system positive definite).
struct PenalizedCalibration {
    let design: AuxiliaryDesign
    let distance: any CalibrationDistance
    let costs: ConstraintCosts
    /// Trimming: bounds on each unit's `g` (units are records), or `nil`.
    var unitBounds: (lower: [Double], upper: [Double])? = nil

    /// `Λ_kk = 1/(2 c_k)` per constraint (0 for hard ones, +∞ for cost 0).
    var ridge: [Double] {
        design.constraints.map { c in
            let cost = costs.cost(of: c)
            return cost == .infinity ? 0 : 1 / (2 * cost)
        }
    }

    /// The constraints the solve keeps: every soft one (finite positive cost) and the independent hard ones.
    static func keptColumns(_ design: AuxiliaryDesign, ridge: [Double]) -> [Int] {
        let hard = ridge.indices.filter { ridge[$0] == 0 }
        let soft = ridge.indices.filter { ridge[$0] > 0 && ridge[$0].isFinite }
        let independentHard = hard.isEmpty ? [] :
            AuxiliaryDesign.independentColumns(design.auxiliaries.selecting(columns: hard), weights: design.unitWeight).map { hard[$0] }
        return (independentHard + soft).sorted()
    }

    /// The Newton solve; `g` per unit.
    func solve(maxIterations: Int, tolerance: Double) throws -> Calibrator.Solved {
        let s = design.unitWeight, t = design.targets
        let units = design.unitCount
        let lam = ridge
        let kept = Self.keptColumns(design, ridge: lam)
        let hardDropped = lam.indices.filter { lam[$0] == 0 && !kept.contains($0) }
        let xk = design.auxiliaries.selecting(columns: kept)
        let tk = kept.map { t[$0] }, ridgeK = kept.map { lam[$0] }
        let r = kept.count
        var lambda = [Double](repeating: 0, count: r)
        var g = [Double](repeating: 1, count: units), dF = g
        func evaluate(_ l: [Double]) -> Bool {
            let u = r > 0 ? xk.linearPredictor(l) : [Double](repeating: 0, count: units)
            var finite = true
            for c in 0..<units {
                (g[c], dF[c]) = distance.evaluate(u[c])
                if let b = unitBounds {
                    // Held at a trimming bound: g fixed there, a small derivative keeps the system invertible
                    // (as NewtonCalibration.heldUnitDerivative).
                    if g[c] < b.lower[c] { g[c] = b.lower[c]; dF[c] = Self.heldUnitDerivative } else if g[c] > b.upper[c] { g[c] = b.upper[c]; dF[c] = Self.heldUnitDerivative }
                }
                if !g[c].isFinite || !dF[c].isFinite { finite = false }
            }
            return finite
        }
        /// The penalized misfit `t − X'(s g) − Λλ`, its largest relative size and squared norm.
        func misfit(_ l: [Double]) -> ([Double], Double, Double) {
            let achieved = r > 0 ? xk.totals(weights: zip(s, g).map { $0 * $1 }) : []
            var m = [Double](repeating: 0, count: r)
            var dev = 0.0, norm = 0.0
            for k in 0..<r {
                m[k] = tk[k] - achieved[k] - ridgeK[k] * l[k]
                let rel = abs(m[k]) / (1 + abs(tk[k]))
                if !(rel <= dev) { dev = rel.isNaN ? .infinity : rel }
                norm += rel * rel
            }
            return (m, dev, norm.isNaN ? .infinity : norm)
        }
        _ = evaluate(lambda)
        var (m, dev, norm) = misfit(lambda)
        var trace: [Double] = [], iterations = 0, converged = false, lastStep = Double.infinity
        while true {
            trace.append(dev)
            if dev < tolerance && (distance is LinearDistance && unitBounds == nil ? iterations > 0 || r == 0 : lastStep < tolerance) { converged = true; break }
            if iterations >= maxIterations { break }
            iterations += 1
            var jac = xk.crossProduct(weights: zip(s, dF).map { $0 * $1 })
            for k in 0..<r { jac[k, k] += ridgeK[k] }
            var delta: [Double]
            do { delta = try LAPACK.solvePositiveDefinite(jac, m) } catch { delta = try LAPACK.leastSquares(jac, m, rcond: 1e-12).x }
            let before = lambda
            if unitBounds != nil {
                // Trimming: the step along δ that lowers the convex penalized dual (slope −misfit'δ), as
                // NewtonCalibration.dualStepLength; backtracking on the misfit's size can stall when units are held.
                let step = dualStep(from: before, delta: delta, misfit: m, evaluate: evaluate, misfit: misfit)
                lambda = zip(before, delta).map { $0 + step * $1 }
                _ = evaluate(lambda)
                (m, dev, norm) = misfit(lambda)
                lastStep = zip(lambda, before).reduce(0) { max($0, abs($1.0 - $1.1) / (1 + abs($1.1))) }
                continue
            }
            var step = 1.0
            while true {
                let candidate = zip(before, delta).map { $0 + step * $1 }
                if evaluate(candidate) {
                    let next = misfit(candidate)
                    if next.2 < norm || step < 1e-9 {
                        lambda = candidate
                        (m, dev, norm) = next
                        break
                    }
                }
                step /= 2
                if step < 1e-18 { _ = evaluate(before); (m, dev, norm) = misfit(before); break }
            }
            // How far λ moved (relative): Newton's error after a step is of the order of the step squared.
            lastStep = zip(lambda, before).reduce(0) { max($0, abs($1.0 - $1.1) / (1 + abs($1.1))) }
        }
        var held = 0
        if let b = unitBounds {
            for c in 0..<units where s[c] != 0 && (g[c] <= b.lower[c] * (1 + 1e-12) || g[c] >= b.upper[c] * (1 - 1e-12)) { held += 1 }
        }
        return Calibrator.Solved(g: g, iterations: iterations, converged: converged, trace: trace, redundant: hardDropped,
                                 algorithm: distance is LinearDistance && unitBounds == nil ? "penalized closed-form" : "penalized newton",
                                 atTrimmingBound: held)
    }

    /// The derivative a unit held at a trimming bound contributes to the Newton system (instead of 0).
    static var heldUnitDerivative: Double { 1e-6 }

    /// Step length along `delta` on the penalized dual `Φ(λ) = Σ s H(x'λ) − t'λ + ½ λ'Λλ` (`H' = F` clamped to the
    /// unit's bounds), convex with slope `−misfit(λ + αδ)'δ`: the full step when its slope is ≤ 0, else the sign of
    /// the slope bisected until it is within a tenth of the initial one (at least a tiny step, so that λ moves).
    func dualStep(from lambda: [Double], delta: [Double], misfit m0: [Double], evaluate: ([Double]) -> Bool,
                  misfit: ([Double]) -> ([Double], Double, Double)) -> Double {
        let slope0 = -zip(m0, delta).reduce(0) { $0 + $1.0 * $1.1 }
        guard slope0 < 0, slope0.isFinite else { return 1 }
        func slope(_ a: Double) -> Double {
            let l = zip(lambda, delta).map { $0 + a * $1 }
            guard evaluate(l) else { return .infinity }
            let v = -zip(misfit(l).0, delta).reduce(0) { $0 + $1.0 * $1.1 }
            return v.isNaN ? .infinity : v
        }
        // At least a tiny step, so that λ moves: the upper end left by 80 halvings, times 1e-3.
        return DualLineSearch.step(slope0: slope0, slope: slope) ?? 0x1p-80 * 1e-3
    }
}
