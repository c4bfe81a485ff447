/// The auxiliary matrix `X` of generalized calibration (Deville & Särndal 1992) in split form
/// `x_u = (z_{c(u)}, v_u)`, never stored as a dense units x p matrix.
///
/// A *unit* is what the ratio `g = w/d` is computed for: a categorical cell when every margin is categorical
/// (then the units are the cells), a record when numeric totals or per-record trimming bounds make `g`
/// record-specific. `z_c` holds the 0/1 indicators of the categorical margin levels (`p_z` columns), the same
/// for every unit of categorical cell `c`; `v_u` holds the `q` numeric auxiliaries of unit `u`.
///
/// The products calibration needs, with `W_c = Σ_{u∈c} w_u` the cell sums of unit values `w`:
///
/// - totals `X'w = (Σ_c z_c W_c, Σ_u w_u v_u)`;
/// - linear predictor `(Xλ)_u = z_{c(u)}'λ_z + v_u'λ_v`;
/// - cross product `X' diag(w) X` in blocks: `T_zz = Σ_c W_c z_c z_c'`, `T_zv = Σ_c z_c (Σ_{u∈c} w_u v_u)'`,
///   `T_vv = Σ_u w_u v_u v_u'`.
///
/// - Complexity: O(n q²) work over the records plus BLAS on cells x p_z, instead of O(n p²) on a dense X.
struct SplitAuxiliaries: Sendable {
    /// Indicators `z_c` of each categorical cell (cells x p_z, column-major, entries 0 or 1).
    let indicators: Matrix
    /// Numeric auxiliaries `v_u` of each unit (units x q, column-major).
    let numeric: Matrix
    /// Categorical cell `c(u)` of each unit; `nil` when the units are the cells themselves.
    let unitCell: [Int32]?

    /// Creates the split matrix; `numeric` has one row per unit (per cell when `unitCell` is `nil`).
    init(indicators: Matrix, numeric: Matrix, unitCell: [Int32]?) {
        precondition(numeric.rows == (unitCell?.count ?? indicators.rows), "one row of numeric auxiliaries per unit")
        self.indicators = indicators
        self.numeric = numeric
        self.unitCell = unitCell
    }

    /// Number of categorical cells.
    var cellCount: Int { indicators.rows }
    /// Number of units (records or cells).
    var unitCount: Int { numeric.rows }
    /// Number of indicator columns `p_z`, the first columns of `X`.
    var indicatorCount: Int { indicators.columns }
    /// Number of numeric columns `q`, the last columns of `X`.
    var numericCount: Int { numeric.columns }
    /// Number of columns `p = p_z + q`.
    var columns: Int { indicators.columns + numeric.columns }

    /// Categorical cell `c(u)` of unit `u`.
    @inline(__always)
    func cell(ofUnit u: Int) -> Int {
        if let unitCell { return Int(unitCell[u]) }
        return u
    }

    /// The row `x_u = (z_{c(u)}, v_u)` of unit `u`.
    func row(ofUnit u: Int) -> [Double] {
        let c = cell(ofUnit: u)
        return (0..<indicatorCount).map { indicators[c, $0] } + (0..<numericCount).map { numeric[u, $0] }
    }

    /// Indicator columns equal to 1 in each cell: `{ j : z_cj ≠ 0 }` (one per categorical margin).
    func indicatorColumnsByCell() -> [[Int]] {
        (0..<cellCount).map { c in (0..<indicatorCount).filter { indicators[c, $0] != 0 } }
    }

    /// Cell sums `W_c = Σ_{u∈c} w_u` of unit values; `w` itself when the units are the cells.
    func cellSums(_ w: [Double]) -> [Double] {
        precondition(w.count == unitCount)
        guard let unitCell else { return w }
        var sums = [Double](repeating: 0, count: cellCount)
        for u in 0..<w.count { sums[Int(unitCell[u])] += w[u] }
        return sums
    }

    /// Cell sums of each column of unit values (units x k → cells x k).
    func cellSums(_ w: Matrix) -> Matrix {
        precondition(w.rows == unitCount)
        guard let unitCell else { return w }
        var sums = Matrix(rows: cellCount, columns: w.columns)
        let units = unitCount, cells = cellCount
        for j in 0..<w.columns {
            let from = j * units, to = j * cells
            for u in 0..<units { sums.values[to + Int(unitCell[u])] += w.values[from + u] }
        }
        return sums
    }

    /// Totals `X'W` (p x k) of unit values `W` (units x k): `Σ_c z_c W_c` over the cells (BLAS `dgemm` on
    /// cells x p_z) stacked over `Σ_u v_u w_u'` (BLAS `dgemm` on units x q).
    func totals(_ w: Matrix) -> Matrix {
        precondition(w.rows == unitCount)
        let zPart = LAPACK.product(indicators, transposeA: true, cellSums(w), transposeB: false)
        guard numericCount > 0 else { return zPart }
        let vPart = LAPACK.product(numeric, transposeA: true, w, transposeB: false)
        let pz = indicatorCount, p = columns
        var out = Matrix(rows: p, columns: w.columns)
        for j in 0..<w.columns {
            for k in 0..<pz { out[k, j] = zPart[k, j] }
            for k in 0..<numericCount { out[pz + k, j] = vPart[k, j] }
        }
        return out
    }

    /// Totals `X'w = Σ_u w_u x_u` (p) of one vector of unit values (e.g. `s g` for the achieved totals).
    func totals(weights w: [Double]) -> [Double] {
        totals(Matrix(rows: unitCount, columns: 1, columnMajor: w)).values
    }

    /// Linear predictors `X B` (units x k) for coefficients `B` (p x k): `Z B_z` on the cells (BLAS `dgemm`)
    /// copied to each unit of the cell, then `V B_v` added (BLAS `dgemm` accumulating into it).
    func linearPredictor(_ b: Matrix) -> Matrix {
        precondition(b.rows == columns)
        let pz = indicatorCount, q = numericCount, k = b.columns
        var bz = Matrix(rows: pz, columns: k), bv = Matrix(rows: q, columns: k)
        for j in 0..<k {
            for i in 0..<pz { bz[i, j] = b[i, j] }
            for i in 0..<q { bv[i, j] = b[pz + i, j] }
        }
        let cellPart = LAPACK.product(indicators, transposeA: false, bz, transposeB: false)
        var out: Matrix
        if let unitCell {
            let units = unitCount, cells = cellCount
            out = Matrix(rows: units, columns: k)
            for j in 0..<k {
                let from = j * cells, to = j * units
                for u in 0..<units { out.values[to + u] = cellPart.values[from + Int(unitCell[u])] }
            }
        } else {
            out = cellPart
        }
        guard q > 0 else { return out }
        return LAPACK.product(numeric, transposeA: false, bv, transposeB: false, adding: out)
    }

    /// Linear predictor `u = Xλ` (one value per unit).
    func linearPredictor(_ lambda: [Double]) -> [Double] {
        linearPredictor(Matrix(rows: columns, columns: 1, columnMajor: lambda)).values
    }

    /// Cross product `X' diag(w) X` (p x p, both triangles filled) from the blocks
    /// `T_zz = Z' diag(W) Z` (BLAS `dsyrk` on the cells), `T_zv = Z' B` with `B_c = Σ_{u∈c} w_u v_u'`
    /// (BLAS `dgemm`), and `T_vv = Σ_u w_u v_u v_u'` (BLAS `dsyrk` on blocks of units).
    func crossProduct(weights w: [Double]) -> Matrix {
        precondition(w.count == unitCount)
        let tzz = LAPACK.weightedCrossProduct(indicators, weights: cellSums(w))
        let q = numericCount
        guard q > 0 else { return tzz }
        let units = unitCount, cells = cellCount, pz = indicatorCount, p = columns
        var b = Matrix(rows: cells, columns: q)
        for k in 0..<q {
            let from = k * units, to = k * cells
            if let unitCell {
                for u in 0..<units { b.values[to + Int(unitCell[u])] += w[u] * numeric.values[from + u] }
            } else {
                for u in 0..<units { b.values[to + u] = w[u] * numeric.values[from + u] }
            }
        }
        let tzv = LAPACK.product(indicators, transposeA: true, b, transposeB: false)
        let tvv = LAPACK.weightedCrossProductInBlocks(numeric, weights: w)
        var t = Matrix(rows: p, columns: p)
        for j in 0..<pz { for i in 0..<pz { t[i, j] = tzz[i, j] } }
        for k in 0..<q {
            for i in 0..<pz {
                t[i, pz + k] = tzv[i, k]
                t[pz + k, i] = tzv[i, k]
            }
            for l in 0..<q { t[pz + l, pz + k] = tvv[l, k] }
        }
        return t
    }

    /// The columns `kept` (ascending) of `X`, in the same split form.
    func selecting(columns kept: [Int]) -> SplitAuxiliaries {
        let pz = indicatorCount
        let zCols = kept.filter { $0 < pz }, vCols = kept.filter { $0 >= pz }.map { $0 - pz }
        precondition(zCols.count + vCols.count == kept.count && vCols.allSatisfy { $0 < numericCount })
        func columns(_ m: Matrix, _ cols: [Int]) -> Matrix {
            if cols == Array(0..<m.columns) { return m }
            var out = Matrix(rows: m.rows, columns: cols.count)
            for (jj, j) in cols.enumerated() {
                out.values.replaceSubrange((jj * m.rows)..<((jj + 1) * m.rows), with: m.values[(j * m.rows)..<((j + 1) * m.rows)])
            }
            return out
        }
        return SplitAuxiliaries(indicators: columns(indicators, zCols), numeric: columns(numeric, vCols), unitCell: unitCell)
    }
}
