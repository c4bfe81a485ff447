/// Small systems of normal equations `A b = c` (A symmetric positive semi-definite, p × p with p the number of
/// auxiliaries or covariates) solved by Gauss–Jordan elimination, dropping redundant columns: a pivot below 1e-10
/// of the largest diagonal entry is skipped and its coefficient set to 0. Fitted values and residuals do not
/// depend on which of several collinear columns is dropped (e.g. the indicators of two margins that both sum to one).
enum NormalEquations {
    /// Solves the augmented system `augmented = [A | c]` (p rows of p + 1 entries), overwriting it.
    static func solveDroppingRedundant(_ augmented: inout [[Double]]) -> [Double] {
        let used = eliminate(&augmented)
        let p = augmented.count
        return (0..<p).map { used[$0] ? augmented[$0][p] : 0 }
    }

    /// The inverse of a symmetric positive semi-definite `p × p` matrix restricted to its independent columns
    /// (Gauss–Jordan with the same pivot rule as ``solveDroppingRedundant(_:)``; rows and columns of dropped
    /// pivots are 0): a generalized inverse, enough for leverages `x'A⁻x` of vectors in the column space.
    static func inverseDroppingRedundant(_ matrix: [[Double]]) -> [[Double]] {
        let p = matrix.count
        var a = matrix.enumerated().map { r, row in row + (0..<p).map { $0 == r ? 1.0 : 0.0 } }
        let used = eliminate(&a)
        return (0..<p).map { r in (0..<p).map { c in used[r] && used[c] ? a[r][p + c] : 0 } }
    }

    /// Gauss–Jordan elimination of the first `p` columns of the `p` rows of `a` (any number of columns after
    /// them is carried along), skipping pivots below 1e-10 of the largest diagonal entry; returns which pivots
    /// were used.
    private static func eliminate(_ a: inout [[Double]]) -> [Bool] {
        let p = a.count
        guard p > 0 else { return [] }
        let width = a[0].count
        let scale = (0..<p).map { abs(a[$0][$0]) }.max() ?? 1
        var used = [Bool](repeating: false, count: p)
        for col in 0..<p {
            guard abs(a[col][col]) > 1e-10 * max(scale, 1e-300) else { continue }
            used[col] = true
            let pivot = a[col][col]
            for c in 0..<width { a[col][c] /= pivot }
            for r in 0..<p where r != col && a[r][col] != 0 {
                let f = a[r][col]
                for c in 0..<width { a[r][c] -= f * a[col][c] }
            }
        }
        return used
    }
}
