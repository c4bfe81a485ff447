/// The calibration system `T δ = r`, `T = X' diag(w) X`, solved by eliminating the diagonal block of the
/// categorical margin with the most levels, so that no dense levels x levels matrix is formed for it.
///
/// One margin's indicators are disjoint (a record is in exactly one of its levels), so with `A` its columns
/// and `B` all the others, `T_AA = diag(a)`, `a_j = Σ_{c∈j} W_c`. Block elimination (the Schur complement):
/// `S = T_BB − T_AB' diag(a)⁻¹ T_AB`, `S δ_B = r_B − T_AB' diag(a)⁻¹ r_A`, `δ_A = diag(a)⁻¹ (r_A − T_AB δ_B)`.
/// Memory is O(p_A p_B + p_B²) instead of O((p_A + p_B)²): a 100,000-level margin with a 100-level one needs
/// 80 MB rather than 80 GB. Redundant columns are found as in the dense case (rank-revealing pivoted Cholesky
/// scaled to unit diagonal), on `S` scaled by `diag(T_BB)`: the columns of `A` are independent whenever their
/// levels carry weight, and a column of `B` is redundant when `A` and the earlier pivots of `B` explain it.
struct MarginBlockSystem {
    /// Levels from which a margin's block is eliminated rather than the dense system formed.
    static let defaultThreshold = 256

    /// Columns of `X` in the eliminated margin (`A`) and the others (`B`), ascending.
    let blockColumns: [Int]
    let restColumns: [Int]
    /// `a_j`, the diagonal of `T_AA`.
    let diagonal: [Double]
    /// `T_AB` (p_A x p_B, column-major).
    let cross: Matrix
    /// `T_BB`'s diagonal, for scaling.
    let restDiagonal: [Double]
    /// The Schur complement `S` (p_B x p_B).
    let schur: Matrix

    /// The slot (categorical margin) with the most columns, when it has at least `minimumLevels` and its
    /// columns appear in no other slot; `nil` otherwise (use the dense system).
    static func eliminatedSlot(_ x: SplitAuxiliaries, minimumLevels: Int) -> Int? {
        guard x.slots > 0, x.indicatorCount >= minimumLevels else { return nil }
        var slotOfColumn = [Int](repeating: -1, count: x.indicatorCount)
        var count = [Int](repeating: 0, count: x.slots)
        for c in 0..<x.cellCount {
            for k in 0..<x.slots {
                let j = Int(x.cellColumns[c * x.slots + k])
                if j < 0 { continue }
                if slotOfColumn[j] == -1 { slotOfColumn[j] = k; count[k] += 1 } else if slotOfColumn[j] != k { return nil }
            }
        }
        let best = count.indices.max { count[$0] < count[$1] }!
        return count[best] >= minimumLevels ? best : nil
    }

    /// Forms the blocks for unit weights `w` (e.g. `s F'(u)`).
    init(_ x: SplitAuxiliaries, weights w: [Double], slot: Int) {
        let pz = x.indicatorCount, p = x.columns, slots = x.slots
        var inBlock = [Bool](repeating: false, count: p)
        for c in 0..<x.cellCount {
            let j = x.cellColumns[c * slots + slot]
            if j >= 0 { inBlock[Int(j)] = true }
        }
        blockColumns = (0..<p).filter { inBlock[$0] }
        restColumns = (0..<p).filter { !inBlock[$0] }
        var posA = [Int](repeating: -1, count: p), posB = [Int](repeating: -1, count: p)
        for (i, j) in blockColumns.enumerated() { posA[j] = i }
        for (i, j) in restColumns.enumerated() { posB[j] = i }
        let pA = blockColumns.count, pB = restColumns.count
        let cellW = x.cellSums(w)
        var a = [Double](repeating: 0, count: pA)
        var tab = Matrix(rows: pA, columns: pB)
        var cellBlock = [Int](repeating: -1, count: x.cellCount)
        for c in 0..<x.cellCount {
            let ja = Int(x.cellColumns[c * slots + slot])
            guard ja >= 0 else { continue }
            let i = posA[ja]
            cellBlock[c] = i
            a[i] += cellW[c]
            for k in 0..<slots where k != slot {
                let jb = Int(x.cellColumns[c * slots + k])
                if jb >= 0 { tab.values[posB[jb] * pA + i] += cellW[c] }
            }
        }
        let q = x.numericCount
        if q > 0 {
            for u in 0..<x.unitCount {
                let i = cellBlock[x.cell(ofUnit: u)]
                if i < 0 || w[u] == 0 { continue }
                for k in 0..<q { tab.values[posB[pz + k] * pA + i] += w[u] * x.numeric[u, k] }
            }
        }
        let tbb = x.selecting(columns: restColumns).crossProduct(weights: w)
        // S = T_BB − C'C with C = diag(a)^(-1/2) T_AB.
        var scaled = tab
        for b in 0..<pB { for i in 0..<pA { scaled.values[b * pA + i] = a[i] > 0 ? tab.values[b * pA + i] / a[i].squareRoot() : 0 } }
        let ctc = pB > 0 && pA > 0 ? LAPACK.product(scaled, transposeA: true, scaled, transposeB: false) : Matrix(rows: pB, columns: pB)
        var s = tbb
        for i in s.values.indices { s.values[i] -= ctc.values[i] }
        diagonal = a
        cross = tab
        restDiagonal = (0..<pB).map { tbb[$0, $0] }
        schur = s
    }

    /// Independent columns of `X` (ascending), as ``AuxiliaryDesign/independentColumns(crossProduct:)`` on the
    /// full cross product: the block's columns with weight, then the pivots of the scaled Schur complement.
    func independentColumns() -> [Int] {
        var kept = zip(blockColumns, diagonal).filter { $0.1 > 0 }.map(\.0)
        let pB = restColumns.count
        if pB > 0 {
            var scaled = schur
            let scale = restDiagonal.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
            for j in 0..<pB { for i in 0..<pB { scaled[i, j] = schur[i, j] * scale[i] * scale[j] } }
            let (rank, pivots) = LAPACK.pivotedCholeskyRank(scaled, tolerance: 1e-10)
            kept += pivots.prefix(rank).map { restColumns[$0] }
        }
        return kept.sorted()
    }

    /// Solves `T δ = r` (r over all columns of `X`, in order); a singular `S` (truncated distances) gets the
    /// minimum-norm solve, and a level with no weight gets δ = 0.
    func solve(_ r: [Double]) throws -> [Double] {
        let pA = blockColumns.count, pB = restColumns.count
        var rb = restColumns.map { r[$0] }
        let ra = blockColumns.map { r[$0] }
        for b in 0..<pB {
            var sum = 0.0
            for i in 0..<pA where diagonal[i] > 0 { sum += cross.values[b * pA + i] * ra[i] / diagonal[i] }
            rb[b] -= sum
        }
        var db: [Double] = []
        if pB > 0 {
            do { db = try LAPACK.solvePositiveDefinite(schur, rb) } catch { db = try LAPACK.leastSquares(schur, rb, rcond: 1e-12).x }
        }
        var delta = [Double](repeating: 0, count: r.count)
        for (b, j) in restColumns.enumerated() { delta[j] = db[b] }
        for i in 0..<pA where diagonal[i] > 0 {
            var v = ra[i]
            for b in 0..<pB { v -= cross.values[b * pA + i] * db[b] }
            delta[blockColumns[i]] = v / diagonal[i]
        }
        return delta
    }
}
