import CGLPK
import Foundation

/// A linear program `min c'x` subject to `rowLower ≤ A x ≤ rowUpper` and `lower ≤ x ≤ upper`, solved by GLPK's
/// simplex (the GNU Linear Programming Kit, Makhorin). The only importer of CGLPK.
///
/// `A` is given sparse (triplets). Infinite bounds mean "no bound"; equal row bounds an equality.
struct LinearProgram: Sendable {
    /// Objective coefficients, one per variable.
    var objective: [Double]
    /// Bounds of each variable.
    var lower: [Double]
    var upper: [Double]
    /// Bounds of each row `a_r'x`.
    var rowLower: [Double] = []
    var rowUpper: [Double] = []
    /// Non-zero entries of `A`: (row, column, value), 0-based.
    var entries: [(row: Int, column: Int, value: Double)] = []

    /// Creates a program over `variables` variables, free and with objective 0.
    init(variables: Int) {
        objective = [Double](repeating: 0, count: variables)
        lower = [Double](repeating: -.infinity, count: variables)
        upper = [Double](repeating: .infinity, count: variables)
    }

    /// Appends the row `lo ≤ Σ coefficients ≤ hi` and returns its index.
    @discardableResult
    mutating func addRow(_ coefficients: [(column: Int, value: Double)], lower lo: Double, upper hi: Double) -> Int {
        let r = rowLower.count
        rowLower.append(lo)
        rowUpper.append(hi)
        for (j, v) in coefficients where v != 0 { entries.append((r, j, v)) }
        return r
    }

    /// How a solve ended.
    enum Outcome: Sendable, Equatable {
        /// An optimal solution `x` with objective value `value`.
        case optimal(x: [Double], value: Double)
        /// No `x` satisfies the constraints.
        case infeasible
        /// The objective decreases without bound.
        case unbounded
        /// GLPK stopped for another reason (its return code and status).
        case failed(code: Int, status: Int)
    }

    /// GLPK keeps per-thread state; one solve at a time keeps it simple and safe under parallel tests.
    private static let lock = NSLock()

    /// Solves with the primal simplex after GLPK's presolver and automatic scaling.
    func solve() -> Outcome {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        _ = glp_term_out(GLP_OFF)
        guard let lp = glp_create_prob() else { return .failed(code: -1, status: 0) }
        defer { glp_delete_prob(lp) }
        glp_set_obj_dir(lp, GLP_MIN)
        let n = objective.count, m = rowLower.count
        func kind(_ lo: Double, _ hi: Double) -> Int32 {
            switch (lo.isFinite, hi.isFinite) {
            case (false, false): return GLP_FR
            case (true, false): return GLP_LO
            case (false, true): return GLP_UP
            case (true, true): return lo == hi ? GLP_FX : GLP_DB
            }
        }
        if n > 0 { glp_add_cols(lp, Int32(n)) }
        for j in 0..<n {
            glp_set_col_bnds(lp, Int32(j + 1), kind(lower[j], upper[j]), lower[j].isFinite ? lower[j] : 0,
                             upper[j].isFinite ? upper[j] : 0)
            glp_set_obj_coef(lp, Int32(j + 1), objective[j])
        }
        if m > 0 { glp_add_rows(lp, Int32(m)) }
        for r in 0..<m {
            glp_set_row_bnds(lp, Int32(r + 1), kind(rowLower[r], rowUpper[r]), rowLower[r].isFinite ? rowLower[r] : 0,
                             rowUpper[r].isFinite ? rowUpper[r] : 0)
        }
        // GLPK arrays are 1-based: element 0 is ignored.
        var ia: [Int32] = [0], ja: [Int32] = [0], ar: [Double] = [0]
        for e in entries { ia.append(Int32(e.row + 1)); ja.append(Int32(e.column + 1)); ar.append(e.value) }
        glp_load_matrix(lp, Int32(entries.count), ia, ja, ar)
        glp_scale_prob(lp, GLP_SF_AUTO)
        var parm = glp_smcp()
        glp_init_smcp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        parm.presolve = GLP_ON
        let code = glp_simplex(lp, &parm)
        if code == GLP_ENOPFS { return .infeasible }
        if code == GLP_ENODFS { return .unbounded }
        guard code == 0 else { return .failed(code: Int(code), status: 0) }
        switch glp_get_status(lp) {
        case GLP_OPT:
            return .optimal(x: (0..<n).map { glp_get_col_prim(lp, Int32($0 + 1)) }, value: glp_get_obj_val(lp))
        case GLP_NOFEAS, GLP_INFEAS: return .infeasible
        case GLP_UNBND: return .unbounded
        case let s: return .failed(code: 0, status: Int(s))
        }
    }
}
