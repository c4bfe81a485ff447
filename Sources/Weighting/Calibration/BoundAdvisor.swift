import Foundation

/// The tightest bounds `L ≤ 1 ≤ U` on the ratios `g = w/d` for which the calibration equations `Σ d g x = t`
/// have a solution: what `--bounds auto` uses and what an infeasibility message quotes.
///
/// Finding them is a linear program in `(g, L, U)` (icarus' "minimal bounds" search solves the same question by
/// bisection). The objective is lexicographic, **U first, then L**: the largest ratio drives the variance of the
/// calibrated estimator (Kish 1965's `1 + cv²` grows with the largest weights), so
///
/// 1. `U* = min U` subject to `Σ_u s_u g_u x_u = t`, `L ≤ g_u ≤ U`, `0 ≤ L ≤ 1 ≤ U`;
/// 2. `L* = max L` subject to the same and `U ≤ U*(1 + 1e-9)`.
///
/// The units `u` are the calibration's (categorical cells, or records with numeric totals), with `s_u` their sums
/// of base weights: bounds are the same for every record of a cell, so averaging any record-level solution within
/// its cell gives a cell-level one with the same `L` and `U`. `L ≥ 0` keeps the weights non-negative.
/// Solved by GLPK's simplex; each equation is divided by `max(1, |t_k|)`.
public struct TightestBounds: Sendable, Equatable, CustomStringConvertible {
    /// Largest feasible lower bound `L*` on `w/d` given the smallest upper bound.
    public var lower: Double
    /// Smallest feasible upper bound `U*` on `w/d`.
    public var upper: Double

    /// Creates bounds.
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// The bounds widened by a relative slack `s > 0`: `[L*(1 − s), U*(1 + s)]`, strictly around 1 so that the
    /// logit distance (which reaches its bounds only at infinity) can meet the targets.
    public func widened(by slack: Double) -> (lower: Double, upper: Double) {
        (max(0, lower * (1 - slack)), upper * (1 + slack))
    }

    /// `L = 0.61, U = 1.9` (four significant digits, as users copy them into `--bounds`).
    public var description: String {
        "L = \(Self.rounded(lower, up: false)), U = \(Self.rounded(upper, up: true))"
    }

    /// A bound rounded outward to 4 significant digits (down for L, up for U), so that the printed pair is feasible.
    static func rounded(_ x: Double, up: Bool) -> String {
        guard x > 0, x.isFinite else { return Table.format(x) }
        let scale = Foundation.pow(10, 3 - Foundation.floor(Foundation.log10(x)))
        let v = (up ? Foundation.ceil(x * scale - 1e-9) : Foundation.floor(x * scale + 1e-9)) / scale
        return Table.format(v)
    }
}

/// Computes ``TightestBounds`` for margins and a sample.
public enum BoundAdvisor {
    /// The tightest bounds on `w/d` for calibrating `table` (base weights `d`) to `margins`, or `nil` when no
    /// non-negative weights meet the targets at any bounds (e.g. a numeric total out of reach, or categorical
    /// margins implying different population sizes).
    ///
    /// - Throws: the errors of building the calibration (unknown levels, empty levels with a positive target, ...).
    public static func tightestBounds(_ table: Table, margins: Margins, baseWeights d: [Double]) throws -> TightestBounds? {
        precondition(d.count == table.rowCount, "one base weight per record")
        try AuxiliaryDesign.checkBaseWeights(d, table: table, column: nil)
        let design = try AuxiliaryDesign.build(table: table, margins: margins, baseWeights: d, perRecord: false, method: "bounds")
        return try tightestBounds(design)
    }

    /// Whether some `g` with `lower ≤ g ≤ upper` meets every equation `Σ_u s_u g_u x_u = t` (an LP with a zero
    /// objective, i.e. a phase-1 simplex).
    static func isFeasible(_ design: AuxiliaryDesign, lower: Double, upper: Double) -> Bool {
        var lp = equations(design)
        for c in 0..<design.unitCount { lp.lower[c] = lower; lp.upper[c] = upper }
        if case .optimal = lp.solve() { return true }
        return false
    }

    /// The calibration equations `Σ_u s_u x_uk g_u = t_k` as rows of an LP over `g` (units), each divided by
    /// `max(1, |t_k|)`, plus `extra` more variables.
    static func equations(_ design: AuxiliaryDesign, extra: Int = 0) -> LinearProgram {
        let x = design.auxiliaries, s = design.unitWeight, t = design.targets
        let units = x.unitCount, p = x.columns
        var lp = LinearProgram(variables: units + extra)
        var rows = [[(column: Int, value: Double)]](repeating: [], count: p)
        for u in 0..<units where s[u] != 0 {
            for k in x.indicatorColumns(ofCell: x.cell(ofUnit: u)) { rows[k].append((u, s[u])) }
            for q in 0..<x.numericCount where x.numeric[u, q] != 0 {
                rows[x.indicatorCount + q].append((u, s[u] * x.numeric[u, q]))
            }
        }
        for k in 0..<p {
            let scale = max(1, abs(t[k]))
            lp.addRow(rows[k].map { ($0.column, $0.value / scale) }, lower: t[k] / scale, upper: t[k] / scale)
        }
        return lp
    }

    /// The LP on an already aggregated design (see ``TightestBounds``).
    static func tightestBounds(_ design: AuxiliaryDesign) throws -> TightestBounds? {
        let s = design.unitWeight
        let units = design.unitCount
        let lIndex = units, uIndex = units + 1
        var lp = equations(design, extra: 2)
        for c in 0..<units { lp.lower[c] = 0 }
        lp.lower[lIndex] = 0; lp.upper[lIndex] = 1
        lp.lower[uIndex] = 1
        // L ≤ g_u ≤ U for the units with a base weight.
        for u in 0..<units where s[u] != 0 {
            lp.addRow([(u, 1), (lIndex, -1)], lower: 0, upper: .infinity)
            lp.addRow([(uIndex, 1), (u, -1)], lower: 0, upper: .infinity)
        }
        lp.objective[uIndex] = 1
        guard case .optimal(let first, _) = lp.solve() else { return nil }
        let uStar = first[uIndex]
        lp.objective[uIndex] = 0
        lp.objective[lIndex] = -1
        lp.upper[uIndex] = uStar * (1 + 1e-9)
        guard case .optimal(let second, _) = lp.solve() else {
            return TightestBounds(lower: first[lIndex], upper: uStar)
        }
        return TightestBounds(lower: min(1, second[lIndex]), upper: max(1, uStar))
    }
}

extension BoundAdvisor {
    /// Throws ``CalibrationError/infeasible(_:bounds:)`` naming the tightest feasible bounds when no `g` in
    /// `[lower, upper]` meets the targets (the bounded solve failed because no solution exists, not for lack of
    /// iterations); returns when such a `g` exists or no bounds at all can meet the targets.
    static func explainInfeasibility(_ design: AuxiliaryDesign, lower: Double, upper: Double,
                                     deviations: [ConstraintDiagnostic]) throws {
        guard !isFeasible(design, lower: lower, upper: upper), let tight = try tightestBounds(design) else { return }
        let worst = deviations.sorted { $0.deviation > $1.deviation }.prefix(5)
            .map { UnmetConstraint(label: $0.label, target: $0.target, achieved: $0.after, reachable: nil) }
        throw CalibrationError.infeasible(Array(worst),
                                          bounds: "[\(Table.format(lower)), \(Table.format(upper))] on w/d; feasible from \(tight)")
    }
}

/// Why no bounds can be advised.
public enum BoundAdvisorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No non-negative weights meet every target, whatever the bounds.
    case unreachableAtAnyBounds

    public var description: String {
        switch self {
        case .unreachableAtAnyBounds:
            return "no bounds on w/d can meet these targets: no non-negative weights reproduce every margin (check that the margins describe the same population and that numeric totals are within reach of the sample)"
        }
    }
}
