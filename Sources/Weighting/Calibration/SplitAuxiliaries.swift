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
    /// The indicator columns of each categorical cell, one slot per categorical margin (−1: the cell has no
    /// column in that slot), `cells x slots` row-major. `z_c` is 1 in these columns and 0 elsewhere, so `Z` is
    /// never stored densely: memory is O(cells x margins), not O(cells x levels).
    let cellColumns: [Int32]
    /// Number of slots (categorical margins) per cell.
    let slots: Int
    /// Number of indicator columns `p_z`, the first columns of `X`.
    let indicatorCount: Int
    /// Numeric auxiliaries `v_u` of each unit (units x q, column-major).
    let numeric: Matrix
    /// Categorical cell `c(u)` of each unit; `nil` when the units are the cells themselves.
    let unitCell: [Int32]?
    /// Number of categorical cells.
    let cellCount: Int

    /// Creates the split matrix from each cell's indicator columns (`cells x slots`, −1 for none); `numeric`
    /// has one row per unit (per cell when `unitCell` is `nil`).
    init(cellColumns: [Int32], slots: Int, cellCount: Int, indicatorCount: Int, numeric: Matrix, unitCell: [Int32]?) {
        precondition(cellColumns.count == cellCount * slots)
        precondition(numeric.rows == (unitCell?.count ?? cellCount), "one row of numeric auxiliaries per unit")
        self.cellColumns = cellColumns
        self.slots = slots
        self.cellCount = cellCount
        self.indicatorCount = indicatorCount
        self.numeric = numeric
        self.unitCell = unitCell
    }

    /// Creates the split matrix from dense 0/1 indicators (cells x p_z); each cell's non-zero columns fill its
    /// slots in increasing order.
    init(indicators: Matrix, numeric: Matrix, unitCell: [Int32]?) {
        let cells = indicators.rows, pz = indicators.columns
        let perCell = (0..<cells).map { c in (0..<pz).filter { indicators[c, $0] != 0 } }
        let slots = perCell.map(\.count).max() ?? 0
        var cols = [Int32](repeating: -1, count: cells * slots)
        for (c, list) in perCell.enumerated() { for (k, j) in list.enumerated() { cols[c * slots + k] = Int32(j) } }
        self.init(cellColumns: cols, slots: slots, cellCount: cells, indicatorCount: pz, numeric: numeric, unitCell: unitCell)
    }

    /// Number of units (records or cells).
    var unitCount: Int { numeric.rows }
    /// Number of numeric columns `q`, the last columns of `X`.
    var numericCount: Int { numeric.columns }
    /// Number of columns `p = p_z + q`.
    var columns: Int { indicatorCount + numeric.columns }

    /// The dense indicators `Z` (cells x p_z); for tests and small problems only.
    var indicators: Matrix {
        var z = Matrix(rows: cellCount, columns: indicatorCount)
        for c in 0..<cellCount { for k in 0..<slots where cellColumns[c * slots + k] >= 0 { z[c, Int(cellColumns[c * slots + k])] = 1 } }
        return z
    }

    /// Categorical cell `c(u)` of unit `u`.
    @inline(__always)
    func cell(ofUnit u: Int) -> Int {
        if let unitCell { return Int(unitCell[u]) }
        return u
    }

    /// The row `x_u = (z_{c(u)}, v_u)` of unit `u`.
    func row(ofUnit u: Int) -> [Double] {
        let c = cell(ofUnit: u)
        var out = [Double](repeating: 0, count: columns)
        for j in indicatorColumns(ofCell: c) { out[j] = 1 }
        for k in 0..<numericCount { out[indicatorCount + k] = numeric[u, k] }
        return out
    }

    /// Indicator columns equal to 1 in cell `c` (at most one per categorical margin).
    func indicatorColumns(ofCell c: Int) -> [Int] {
        (0..<slots).compactMap { k in cellColumns[c * slots + k] >= 0 ? Int(cellColumns[c * slots + k]) : nil }
    }

    /// Indicator columns equal to 1 in each cell: `{ j : z_cj ≠ 0 }` (one per categorical margin).
    func indicatorColumnsByCell() -> [[Int]] {
        (0..<cellCount).map { indicatorColumns(ofCell: $0) }
    }

    /// `Z'W` (p_z x k) for cell values `W` (cells x k): each cell's values added to its columns.
    func indicatorTotals(_ cellValues: Matrix) -> Matrix {
        precondition(cellValues.rows == cellCount)
        var out = Matrix(rows: indicatorCount, columns: cellValues.columns)
        let cells = cellCount, pz = indicatorCount
        for j in 0..<cellValues.columns {
            for c in 0..<cells {
                let v = cellValues.values[j * cells + c]
                for k in 0..<slots {
                    let col = Int(cellColumns[c * slots + k])
                    if col >= 0 { out.values[j * pz + col] += v }
                }
            }
        }
        return out
    }

    /// `Z B` (cells x k) for coefficients `B` (p_z x k): each cell's sum of its columns' coefficients.
    func indicatorPredictor(_ b: Matrix) -> Matrix {
        precondition(b.rows == indicatorCount)
        var out = Matrix(rows: cellCount, columns: b.columns)
        let cells = cellCount, pz = indicatorCount
        for j in 0..<b.columns {
            for c in 0..<cells {
                var sum = 0.0
                for k in 0..<slots {
                    let col = Int(cellColumns[c * slots + k])
                    if col >= 0 { sum += b.values[j * pz + col] }
                }
                out.values[j * cells + c] = sum
            }
        }
        return out
    }

    /// `Z' diag(W) Z` (p_z x p_z, dense): `W_c` added at every pair of the cell's columns. O(cells x slots²)
    /// plus the p_z² output; Newton avoids it for a margin with many levels (``MarginBlockSystem``).
    func indicatorCrossProduct(cellWeights w: [Double]) -> Matrix {
        precondition(w.count == cellCount)
        var t = Matrix(rows: indicatorCount, columns: indicatorCount)
        let pz = indicatorCount
        for c in 0..<cellCount where w[c] != 0 {
            for k in 0..<slots {
                let a = Int(cellColumns[c * slots + k])
                if a < 0 { continue }
                for l in 0..<slots {
                    let b = Int(cellColumns[c * slots + l])
                    if b >= 0 { t.values[b * pz + a] += w[c] }
                }
            }
        }
        return t
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
        let zPart = indicatorTotals(cellSums(w))
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
        let cellPart = indicatorPredictor(bz)
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
        let tzz = indicatorCrossProduct(cellWeights: cellSums(w))
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
        let tzv = indicatorTotals(b)
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
        var newNumeric = numeric
        if vCols != Array(0..<numericCount) {
            newNumeric = Matrix(rows: numeric.rows, columns: vCols.count)
            for (jj, j) in vCols.enumerated() {
                newNumeric.values.replaceSubrange((jj * numeric.rows)..<((jj + 1) * numeric.rows),
                                                  with: numeric.values[(j * numeric.rows)..<((j + 1) * numeric.rows)])
            }
        }
        var cols = cellColumns
        if zCols != Array(0..<pz) {
            var remap = [Int32](repeating: -1, count: pz)
            for (jj, j) in zCols.enumerated() { remap[j] = Int32(jj) }
            for i in cols.indices where cols[i] >= 0 { cols[i] = remap[Int(cols[i])] }
        }
        return SplitAuxiliaries(cellColumns: cols, slots: slots, cellCount: cellCount, indicatorCount: zCols.count,
                                numeric: newNumeric, unitCell: unitCell)
    }
}
