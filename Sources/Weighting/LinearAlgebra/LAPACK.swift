import CLapack

/// A dense column-major matrix of doubles: the storage LAPACK and BLAS expect.
///
/// Element `(i, j)` lives at `values[i + j * rows]`.
public struct Matrix: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Column-major storage, `rows * columns` values.
    public var values: [Double]

    /// A matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        self.rows = rows
        self.columns = columns
        self.values = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix from column-major storage.
    public init(rows: Int, columns: Int, columnMajor values: [Double]) {
        precondition(values.count == rows * columns, "storage does not match the shape")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Element at row `i`, column `j`.
    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get { values[i + j * rows] }
        set { values[i + j * rows] = newValue }
    }
}

/// Failures reported by the LAPACK layer, with LAPACK's `info` translated.
public enum LinearAlgebraError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The matrix is not positive definite: the leading minor of this order is not positive.
    case notPositiveDefinite(order: Int)
    /// The least-squares solve (SVD) did not converge.
    case svdDidNotConverge
    /// An argument was rejected by LAPACK (a programming error inside Weighting).
    case illegalArgument(routine: String, position: Int)
    /// A NaN or infinite value reached a solve (weights or a Newton step that overflowed); refused before LAPACK,
    /// whose error handler would otherwise end the process with status 0.
    case nonFinite(routine: String)

    /// The message shown to the user: what went wrong, where, and what to do about it.
    public var description: String {
        switch self {
        case .notPositiveDefinite(let k):
            return "matrix is not positive definite (leading minor of order \(k))"
        case .svdDidNotConverge:
            return "the singular value decomposition did not converge"
        case .illegalArgument(let routine, let position):
            return "internal error: LAPACK \(routine) rejected argument \(position)"
        case .nonFinite(let routine):
            return "a NaN or infinite value reached the linear solve (\(routine)): the weights overflowed, e.g. a calibration that diverged; check the data for extreme values or try another calibration method or bounds"
        }
    }
}

/// The thin, safe layer over the Fortran LAPACK / BLAS routines: the only code that calls `CLapack`.
///
/// Integers are 32-bit (LP64 reference LAPACK); character arguments carry gfortran's hidden length (1).
enum LAPACK {
    /// Cross product `A' diag(w) A` (p x p, symmetric, both triangles filled) for an n x p column-major `a`,
    /// computed with BLAS `dsyrk` on the scaled copy `diag(sqrt w) A`.
    ///
    /// - Complexity: O(n p²) flops in BLAS level 3.
    static func weightedCrossProduct(_ a: Matrix, weights w: [Double]) -> Matrix {
        precondition(w.count == a.rows)
        let n = a.rows, p = a.columns
        var scaled = a.values
        var sqrtW = [Double](repeating: 0, count: n)
        for i in 0..<n { sqrtW[i] = w[i] > 0 ? w[i].squareRoot() : 0 }
        var anyNegative = false
        for i in 0..<n where w[i] < 0 { anyNegative = true; break }
        if anyNegative {
            // dsyrk needs a square root: fall back to dgemm of A' (diag(w) A).
            var wa = a.values
            for j in 0..<p { for i in 0..<n { wa[i + j * n] *= w[i] } }
            return product(Matrix(rows: n, columns: p, columnMajor: a.values), transposeA: true,
                           Matrix(rows: n, columns: p, columnMajor: wa), transposeB: false)
        }
        for j in 0..<p {
            let base = j * n
            for i in 0..<n { scaled[base + i] *= sqrtW[i] }
        }
        return crossProduct(Matrix(rows: n, columns: p, columnMajor: scaled))
    }

    /// Cross product `A' diag(w) A` (p x p, both triangles filled) of a tall n x p column-major `a`, accumulated
    /// over blocks of `blockRows` rows: `Σ_b A_b' diag(w_b) A_b`, each block by BLAS `dsyrk` (`β = 1`) on
    /// `diag(sqrt w_b) A_b`, or by `dgemm` of `A_b' (diag(w_b) A_b)` when a weight of the block is negative.
    ///
    /// The same matrix as ``weightedCrossProduct(_:weights:)`` without its n x p scaled copy: the scratch is
    /// `blockRows x p`, so it serves the numeric auxiliaries of every record (`Σ_i w_i v_i v_i'`).
    ///
    /// - Complexity: O(n p²) flops in BLAS level 3, O(blockRows p) extra memory.
    static func weightedCrossProductInBlocks(_ a: Matrix, weights w: [Double], blockRows: Int = 4096) -> Matrix {
        precondition(w.count == a.rows && blockRows > 0)
        let n = a.rows, p = a.columns
        var c = Matrix(rows: p, columns: p)
        guard n > 0, p > 0 else { return c }
        var scratch = [Double](repeating: 0, count: min(n, blockRows) * p)
        var start = 0
        while start < n {
            let m = min(blockRows, n - start)
            var negative = false
            for i in start..<(start + m) where w[i] < 0 { negative = true; break }
            for j in 0..<p {
                let source = j * n + start, target = j * m
                for i in 0..<m {
                    let wi = w[start + i]
                    scratch[target + i] = a.values[source + i] * (negative ? wi : (wi > 0 ? wi.squareRoot() : 0))
                }
            }
            if negative {
                // dsyrk needs a square root: C += A_b' (diag(w_b) A_b) by dgemm, upper triangle kept.
                var block = Matrix(rows: m, columns: p)
                for j in 0..<p {
                    block.values.replaceSubrange((j * m)..<((j + 1) * m), with: a.values[(j * n + start)..<(j * n + start + m)])
                }
                let part = product(block, transposeA: true, Matrix(rows: m, columns: p, columnMajor: Array(scratch[0..<(m * p)])),
                                   transposeB: false)
                for j in 0..<p { for i in 0...j { c[i, j] += part[i, j] } }
            } else {
                var nn = Int32(p), k = Int32(m), lda = Int32(m), ldc = Int32(p)
                var alpha = 1.0, beta = 1.0
                var uplo = CChar(UInt8(ascii: "U")), trans = CChar(UInt8(ascii: "T"))
                scratch.withUnsafeBufferPointer { ap in
                    c.values.withUnsafeMutableBufferPointer { cp in
                        dsyrk_(&uplo, &trans, &nn, &k, &alpha, ap.baseAddress, &lda, &beta, cp.baseAddress, &ldc, 1, 1)
                    }
                }
            }
            start += m
        }
        for j in 0..<p { for i in (j + 1)..<p { c[i, j] = c[j, i] } }
        return c
    }

    /// Cross product `A' A` (p x p, both triangles filled) with BLAS `dsyrk`.
    static func crossProduct(_ a: Matrix) -> Matrix {
        var c = Matrix(rows: a.columns, columns: a.columns)
        guard a.rows > 0, a.columns > 0 else { return c }
        var n = Int32(a.columns), k = Int32(a.rows), lda = Int32(a.rows), ldc = Int32(a.columns)
        var alpha = 1.0, beta = 0.0
        var uplo = CChar(UInt8(ascii: "U")), trans = CChar(UInt8(ascii: "T"))
        a.values.withUnsafeBufferPointer { ap in
            c.values.withUnsafeMutableBufferPointer { cp in
                dsyrk_(&uplo, &trans, &n, &k, &alpha, ap.baseAddress, &lda, &beta, cp.baseAddress, &ldc, 1, 1)
            }
        }
        let p = a.columns
        for j in 0..<p { for i in (j + 1)..<p { c[i, j] = c[j, i] } }
        return c
    }

    /// General product `op(A) op(B)` with BLAS `dgemm`, or `C + op(A) op(B)` when `adding` gives `C`
    /// (`β = 1`: each term is added to `C` in BLAS order).
    static func product(_ a: Matrix, transposeA: Bool, _ b: Matrix, transposeB: Bool, adding start: Matrix? = nil) -> Matrix {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let n = transposeB ? b.rows : b.columns
        precondition(k == (transposeB ? b.columns : b.rows), "inner dimensions differ")
        precondition(start.map { $0.rows == m && $0.columns == n } ?? true, "the added matrix has another shape")
        var c = start ?? Matrix(rows: m, columns: n)
        guard m > 0, n > 0, k > 0 else { return c }
        var mm = Int32(m), nn = Int32(n), kk = Int32(k)
        var lda = Int32(max(1, a.rows)), ldb = Int32(max(1, b.rows)), ldc = Int32(max(1, m))
        var alpha = 1.0, beta = start == nil ? 0.0 : 1.0
        var ta = CChar(UInt8(ascii: transposeA ? "T" : "N")), tb = CChar(UInt8(ascii: transposeB ? "T" : "N"))
        a.values.withUnsafeBufferPointer { ap in
            b.values.withUnsafeBufferPointer { bp in
                c.values.withUnsafeMutableBufferPointer { cp in
                    dgemm_(&ta, &tb, &mm, &nn, &kk, &alpha, ap.baseAddress, &lda, bp.baseAddress, &ldb,
                           &beta, cp.baseAddress, &ldc, 1, 1)
                }
            }
        }
        return c
    }

    /// `op(A) x` with BLAS `dgemv`.
    static func product(_ a: Matrix, transpose: Bool, _ x: [Double]) -> [Double] {
        let outCount = transpose ? a.columns : a.rows
        precondition(x.count == (transpose ? a.rows : a.columns))
        var y = [Double](repeating: 0, count: outCount)
        guard a.rows > 0, a.columns > 0 else { return y }
        var m = Int32(a.rows), n = Int32(a.columns), lda = Int32(a.rows), inc: Int32 = 1, incy: Int32 = 1
        var alpha = 1.0, beta = 0.0
        var t = CChar(UInt8(ascii: transpose ? "T" : "N"))
        a.values.withUnsafeBufferPointer { ap in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    dgemv_(&t, &m, &n, &alpha, ap.baseAddress, &lda, xp.baseAddress, &inc, &beta,
                           yp.baseAddress, &incy, 1)
                }
            }
        }
        return y
    }

    /// Solves the symmetric positive definite system `A x = b` by Cholesky (`dposv`).
    static func solvePositiveDefinite(_ a: Matrix, _ b: [Double]) throws -> [Double] {
        precondition(a.rows == a.columns && b.count == a.rows)
        var n = Int32(a.rows), nrhs: Int32 = 1, lda = Int32(max(1, a.rows)), ldb = Int32(max(1, a.rows))
        var info: Int32 = 0
        var storage = a.values
        var x = b
        var uplo = CChar(UInt8(ascii: "U"))
        guard a.rows > 0 else { return [] }
        dposv_(&uplo, &n, &nrhs, &storage, &lda, &x, &ldb, &info, 1)
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(order: Int(info)) }
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dposv", position: Int(-info)) }
        return x
    }

    /// Solves `A X = B` for several right-hand sides (the columns of `b`) by Cholesky (`dposv`).
    static func solvePositiveDefinite(_ a: Matrix, columns b: Matrix) throws -> Matrix {
        precondition(a.rows == a.columns && b.rows == a.rows)
        guard a.rows > 0, b.columns > 0 else { return b }
        var n = Int32(a.rows), nrhs = Int32(b.columns), lda = Int32(a.rows), ldb = Int32(a.rows)
        var info: Int32 = 0
        var storage = a.values
        var x = b
        var uplo = CChar(UInt8(ascii: "U"))
        dposv_(&uplo, &n, &nrhs, &storage, &lda, &x.values, &ldb, &info, 1)
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(order: Int(info)) }
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dposv", position: Int(-info)) }
        return x
    }

    /// Inverse of a symmetric positive definite matrix (`dpotrf` + `dpotri`), both triangles filled.
    static func inversePositiveDefinite(_ a: Matrix) throws -> Matrix {
        precondition(a.rows == a.columns)
        var n = Int32(a.rows), lda = Int32(max(1, a.rows)), info: Int32 = 0
        var out = a
        guard a.rows > 0 else { return out }
        var uplo = CChar(UInt8(ascii: "U"))
        dpotrf_(&uplo, &n, &out.values, &lda, &info, 1)
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(order: Int(info)) }
        dpotri_(&uplo, &n, &out.values, &lda, &info, 1)
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(order: Int(info)) }
        let p = a.rows
        for j in 0..<p { for i in (j + 1)..<p { out[i, j] = out[j, i] } }
        return out
    }

    /// Refuses NaN and infinite entries before `dgelsd`, whose scaling routine (`DLASCL`) rejects them through
    /// LAPACK's error handler, which ends the process with status 0 (``LinearAlgebraError/nonFinite(routine:)``).
    /// The Cholesky routines only propagate NaN, which the callers report as undefined values.
    static func requireFinite(_ a: [Double], _ b: [Double], routine: String) throws {
        for v in a where !v.isFinite { throw LinearAlgebraError.nonFinite(routine: routine) }
        for v in b where !v.isFinite { throw LinearAlgebraError.nonFinite(routine: routine) }
    }

    /// Minimum-norm least-squares solution of `A x = b` by SVD (`dgelsd`), as a generalized inverse would give.
    ///
    /// Singular values below `rcond * s_max` are treated as zero. Returns the solution and the effective rank.
    static func leastSquares(_ a: Matrix, _ b: [Double], rcond: Double = 1e-12) throws -> (x: [Double], rank: Int) {
        try requireFinite(a.values, b, routine: "dgelsd")
        precondition(b.count == a.rows)
        let m = a.rows, n = a.columns
        guard m > 0, n > 0 else { return ([Double](repeating: 0, count: n), 0) }
        var mm = Int32(m), nn = Int32(n), nrhs: Int32 = 1, lda = Int32(m), ldb = Int32(max(m, n))
        var storage = a.values
        var rhs = b + [Double](repeating: 0, count: max(0, n - m))
        var s = [Double](repeating: 0, count: min(m, n))
        var rc = rcond, rank: Int32 = 0, info: Int32 = 0
        var lwork: Int32 = -1
        var workQuery = [Double](repeating: 0, count: 1)
        var iworkQuery = [Int32](repeating: 0, count: 1)
        dgelsd_(&mm, &nn, &nrhs, &storage, &lda, &rhs, &ldb, &s, &rc, &rank, &workQuery, &lwork, &iworkQuery, &info)
        lwork = Int32(workQuery[0])
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: max(1, Int(iworkQuery[0])))
        dgelsd_(&mm, &nn, &nrhs, &storage, &lda, &rhs, &ldb, &s, &rc, &rank, &work, &lwork, &iwork, &info)
        if info > 0 { throw LinearAlgebraError.svdDidNotConverge }
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dgelsd", position: Int(-info)) }
        return (Array(rhs.prefix(n)), Int(rank))
    }

    /// Rank-revealing pivoted Cholesky (`dpstrf`) of a positive semidefinite matrix.
    ///
    /// Returns the numerical rank and the pivot order (0-based): the first `rank` pivots index a maximal set of
    /// linearly independent columns; the others are (numerically) linear combinations of them.
    static func pivotedCholeskyRank(_ a: Matrix, tolerance: Double) -> (rank: Int, pivots: [Int]) {
        precondition(a.rows == a.columns)
        let p = a.rows
        guard p > 0 else { return (0, []) }
        var n = Int32(p), lda = Int32(p), rank: Int32 = 0, info: Int32 = 0
        var storage = a.values
        var piv = [Int32](repeating: 0, count: p)
        var tol = tolerance
        var work = [Double](repeating: 0, count: 2 * p)
        var uplo = CChar(UInt8(ascii: "U"))
        dpstrf_(&uplo, &n, &storage, &lda, &piv, &rank, &tol, &work, &info, 1)
        return (Int(rank), piv.map { Int($0) - 1 })
    }
}
