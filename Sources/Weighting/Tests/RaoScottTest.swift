/// Rao–Scott corrected Pearson test of independence of two categorical variables in a complex sample, as R's
/// `svychisq(~a + b, design, statistic = "F" | "Chisq")` (Rao & Scott 1984, "On chi-squared tests for
/// multiway contingency tables with cell proportions estimated from survey data", *Ann. Statist.* 12:46–60;
/// Lumley 2010, §6.2).
///
/// With `p̂` the estimated cell proportions (r x c, records where both are known), `V` their design covariance
/// and `n` the number of records, Pearson's statistic on the table scaled to `n` is
/// `X² = n Σ_ij (p̂_ij − p̂_i. p̂_.j)² / (p̂_i. p̂_.j)`. With `C` a basis of the interaction contrasts (the
/// interaction columns of the saturated model residualized on the main effects) and `D = diag(p̂)`, the
/// generalized design effects are the eigenvalues of `Δ = (C'D⁻¹C/n)⁻¹ (C'D⁻¹ V D⁻¹C)`.
/// - First order ("Chisq"): `X² / δ̄`, `δ̄ = tr Δ / q`, on χ² with `q = (r − 1)(c − 1)` degrees of freedom.
/// - Second order ("F"): `F = X² / tr Δ` on `F(d, d ν)` with `d = (tr Δ)² / tr Δ²` and `ν` the design degrees
///   of freedom (PSUs minus strata; with replicate weights, their rank minus one).
public struct RaoScottTest: Sendable, Equatable, Codable {
    /// The row variable.
    public var rows: String
    /// The column variable.
    public var columns: String
    /// Pearson's X² on the estimated table scaled to the number of records.
    public var pearson: Double
    /// Second-order statistic `X² / tr Δ`.
    public var f: Double
    /// Its numerator degrees of freedom `d`.
    public var ndf: Double
    /// Its denominator degrees of freedom `d ν`.
    public var ddf: Double
    /// p-value of the second-order (F) test.
    public var pValueF: Double
    /// First-order statistic `X² / δ̄`.
    public var firstOrder: Double
    /// Degrees of freedom `(r − 1)(c − 1)` of the first-order test.
    public var df: Double
    /// p-value of the first-order (χ²) test.
    public var pValueChiSquare: Double
    /// Mean generalized design effect `δ̄`.
    public var meanDesignEffect: Double

    /// Runs the test.
    public init(_ estimator: SurveyEstimator, rows rowVariable: String, columns columnVariable: String) throws {
        let table = estimator.table
        let a = try table.categorical(rowVariable), b = try table.categorical(columnVariable)
        let ra = a.levels.sorted(), cb = b.levels.sorted()
        let r = ra.count, c = cb.count
        guard r >= 2 else { throw ComparisonError.wrongLevelCount(variable: rowVariable, expected: "at least 2", found: ra) }
        guard c >= 2 else { throw ComparisonError.wrongLevelCount(variable: columnVariable, expected: "at least 2", found: cb) }
        let rowOf = a.levels.map { ra.firstIndex(of: $0)! }, colOf = b.levels.map { cb.firstIndex(of: $0)! }
        let n = table.rowCount
        var known: [Int] = []
        var cell = [Int32](repeating: -1, count: n)
        for i in 0..<n where a.codes[i] != CategoricalColumn.missing && b.codes[i] != CategoricalColumn.missing {
            known.append(i)
            cell[i] = Int32(rowOf[Int(a.codes[i])] + r * colOf[Int(b.codes[i])])   // rows vary fastest, as R's interaction()
        }
        let k = r * c
        var targets: [RatioTarget] = []
        for j in 0..<k { targets.append(RatioTarget(cellCodes: cell, cell: Int32(j), rows: known)) }
        let w = estimator.design.weights
        let p = targets.map { $0.value(w) }
        let v = try estimator.covariance(targets)
        let nu: Double
        switch estimator.variance {
        case .linearization: nu = Double(estimator.design.degreesOfFreedom())
        case .replicates(let reps): nu = Double(reps.degreesOfFreedom)
        }
        // Pearson's X² on the table scaled to n.
        var pr = [Double](repeating: 0, count: r), pc = [Double](repeating: 0, count: c)
        for i in 0..<r { for j in 0..<c { pr[i] += p[i + r * j]; pc[j] += p[i + r * j] } }
        let nn = Double(n)
        var x2 = 0.0
        for i in 0..<r { for j in 0..<c {
            let e = pr[i] * pc[j]
            if e > 0 { x2 += nn * (p[i + r * j] - e) * (p[i + r * j] - e) / e }
        } }
        // Interaction contrasts residualized on the main effects (cells x q), by least squares on X1.
        let q = (r - 1) * (c - 1), m = r + c - 1
        var x1 = Matrix(rows: k, columns: m), x12 = Matrix(rows: k, columns: q)
        for i in 0..<r { for j in 0..<c {
            let row = i + r * j
            x1[row, 0] = 1
            if i > 0 { x1[row, i] = 1 }
            if j > 0 { x1[row, r - 1 + j] = 1 }
            if i > 0 && j > 0 { x12[row, (i - 1) + (r - 1) * (j - 1)] = 1 }
        } }
        let xtx = LAPACK.product(x1, transposeA: true, x1, transposeB: false)
        let xty = LAPACK.product(x1, transposeA: true, x12, transposeB: false)
        let coef = try LAPACK.solvePositiveDefinite(xtx, columns: xty)
        var cm = x12
        let fitted = LAPACK.product(x1, transposeA: false, coef, transposeB: false)
        for idx in cm.values.indices { cm.values[idx] -= fitted.values[idx] }
        // denom = C' D⁻¹ C / n, numr = C' D⁻¹ V D⁻¹ C.
        let inv = p.map { $0 == 0 ? 0 : 1 / $0 }
        var dc = cm
        for col in 0..<q { for row in 0..<k { dc[row, col] *= inv[row] } }
        var denom = LAPACK.product(cm, transposeA: true, dc, transposeB: false)
        for idx in denom.values.indices { denom.values[idx] /= nn }
        let vdc = LAPACK.product(v, transposeA: false, dc, transposeB: false)
        let numr = LAPACK.product(dc, transposeA: true, vdc, transposeB: false)
        let delta = try LAPACK.solvePositiveDefinite(denom, columns: numr)
        var trace = 0.0, trace2 = 0.0
        for i in 0..<q { trace += delta[i, i]; for j in 0..<q { trace2 += delta[i, j] * delta[j, i] } }
        self.rows = rowVariable
        self.columns = columnVariable
        pearson = x2
        f = x2 / trace
        ndf = trace * trace / trace2
        ddf = ndf * nu
        pValueF = FDistribution(d1: ndf, d2: ddf).survival(f)
        meanDesignEffect = trace / Double(q)
        firstOrder = x2 / meanDesignEffect
        df = Double(q)
        pValueChiSquare = ChiSquared(degreesOfFreedom: df).survival(firstOrder)
    }
}
