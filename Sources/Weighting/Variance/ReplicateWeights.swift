/// A set of replicate weights with the constants of its variance formula.
///
/// For an estimator θ with full-sample value θ̂ and replicate values θ̂_r,
/// `V = scale Σ_r rscale_r (θ̂_r − c)²` with `c = θ̂` when `mse` is true, else the mean of the θ̂_r
/// (R survey's `svrVar`; Wolter 2007). The methods differ only by their constants:
/// JK1 `scale = (R−1)/R`; JKn `rscale_h = (n_h−1)/n_h`; bootstrap `scale = 1/(R−1)`; BRR `1/R`, with Fay's
/// factor ρ `1/(R(1−ρ)²)`.
public struct ReplicateWeights: Sendable {
    /// Name of the scheme (`JK1`, `JKn`, `bootstrap`, `BRR`, `Fay`).
    public var method: String
    /// Replicate weight vectors, one per replicate, each of the sample's length.
    ///
    /// Replicates made on demand (``isOnDemand``: a bootstrap whose R × n weights would not fit in memory) are
    /// all built when this property is read; ``replicate(_:)`` and ``replicateEstimates(count:_:)`` build one
    /// replicate at a time. Setting it stores the vectors given.
    public var weights: [[Double]] {
        get {
            switch storage {
            case .stored(let w): return w
            case .onDemand(let g): return (0..<g.count).map(g.make)
            }
        }
        set { storage = .stored(newValue) }
    }
    /// How the vectors are held: stored, or rebuilt from per-PSU and per-cell factors when used.
    var storage: ReplicateStorage
    /// Overall scale.
    public var scale: Double
    /// Per-replicate scales.
    public var rscales: [Double]
    /// Centre on the full-sample estimate (`true`) or on the replicates' mean (`false`, R's default).
    public var mse: Bool
    /// Degrees of freedom for the Wald intervals: the numerical rank of the n x R matrix of replicate weights
    /// minus one, R survey's rule for replicate designs (`degf.svyrep.design`: `qr(weights)$rank - 1`, computed
    /// when the replicates are made and again after they are re-calibrated). Before calibration this is the
    /// design's PSUs minus strata for the jackknives, the number of strata for BRR and at most PSUs − 1 for the
    /// bootstrap; after calibration the weights vary within PSUs and the rank can grow (the 50-replicate
    /// bootstrap of 15 clusters of `apiclus1` has 14 before and 44 after calibration) or shrink (the JKn of
    /// `apistrat` has 197 before and 195 after calibration on 5 totals). R's `calibrate()` refreshes its stored
    /// value only for unbounded linear calibration and keeps the pre-calibration one after raking or logit;
    /// here the rule is applied to the weights after any calibration, when the rank is affordable: beyond
    /// n R² = ``rankBudget`` (e.g. a jackknife of more than 1,260 records) the value before calibration is
    /// kept, which is R's own value after raking or logit: the rank would cost far more than the calibrations
    /// (a jackknife of 2,774 records: 45 s against 14 s).
    public var degreesOfFreedom: Int

    /// Creates replicate weights.
    ///
    /// - Throws: ``DesignError/lengthMismatch(what:expected:found:)`` when there is not one `rscales` entry per
    ///   replicate, or the replicates do not all have the same number of records.
    public init(method: String, weights: [[Double]], scale: Double, rscales: [Double], mse: Bool = false,
                degreesOfFreedom: Int? = nil) throws {
        guard rscales.count == weights.count else {
            throw DesignError.lengthMismatch(what: "replicate scales (rscales)", expected: weights.count, found: rscales.count)
        }
        if let n = weights.first?.count, let bad = weights.first(where: { $0.count != n }) {
            throw DesignError.lengthMismatch(what: "records of a replicate", expected: n, found: bad.count)
        }
        self.init(checkedMethod: method, weights: weights, scale: scale, rscales: rscales, mse: mse,
                  degreesOfFreedom: degreesOfFreedom)
    }

    /// Replicate weights whose shape the caller has checked (one `rscales` entry per replicate, every replicate
    /// of the same length).
    package init(checkedMethod method: String, weights: [[Double]], scale: Double, rscales: [Double], mse: Bool = false,
                 degreesOfFreedom: Int? = nil) {
        self.method = method
        self.storage = .stored(weights)
        self.scale = scale
        self.rscales = rscales
        self.mse = mse
        self.degreesOfFreedom = degreesOfFreedom ?? max(1, weights.count - 1)
    }

    /// Replicate weights made on demand by `generator` (not stored).
    package init(method: String, generator: ReplicateGenerator, scale: Double, rscales: [Double], mse: Bool = false,
                 degreesOfFreedom: Int) {
        self.method = method
        self.storage = .onDemand(generator)
        self.scale = scale
        self.rscales = rscales
        self.mse = mse
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// Number of replicates R.
    public var count: Int {
        switch storage {
        case .stored(let w): return w.count
        case .onDemand(let g): return g.count
        }
    }

    /// Number of records of each replicate.
    var recordCount: Int {
        switch storage {
        case .stored(let w): return w.first?.count ?? 0
        case .onDemand(let g): return g.records
        }
    }

    /// Whether the replicates are rebuilt each time they are used instead of stored: memory O(n + R × cells)
    /// instead of O(n R) (Rao–Wu multipliers regenerated from the saved state of the random stream, calibration
    /// factors kept per cell).
    public var isOnDemand: Bool {
        if case .onDemand = storage { return true }
        return false
    }

    /// The weights of replicate `r` (`0..<count`).
    public func replicate(_ r: Int) -> [Double] {
        switch storage {
        case .stored(let w): return w[r]
        case .onDemand(let g): return g.make(r)
        }
    }

    /// Replicate values of `count` estimates: `thetas[k][r] = value(w_r, k)` for the weights `w_r` of each
    /// replicate. Replicates made on demand are built once each, on all cores, and dropped after use, so memory
    /// is a few vectors of the sample's length whatever R.
    public func replicateEstimates(count k: Int, _ value: (_ weights: [Double], _ estimate: Int) -> Double) -> [[Double]] {
        let replicates = self.count
        var thetas = [[Double]](repeating: [Double](repeating: 0, count: replicates), count: k)
        switch storage {
        case .stored(let w):
            for j in 0..<k { for r in 0..<replicates { thetas[j][r] = value(w[r], j) } }
        case .onDemand(let g):
            let byReplicate = ParallelWork.map(replicates, threads: ParallelWork.processors) { r in
                let w = g.make(r)
                return (0..<k).map { value(w, $0) }
            }
            for j in 0..<k { for r in 0..<replicates { thetas[j][r] = byReplicate[r][j] } }
        }
        return thetas
    }

    /// Variance from the replicate estimates.
    public func variance(replicateEstimates thetas: [Double], fullSample theta: Double) -> Double {
        let centre = mse ? theta : thetas.reduce(0, +) / Double(thetas.count)
        var v = 0.0
        for (r, t) in thetas.enumerated() { v += rscales[r] * (t - centre) * (t - centre) }
        return scale * v
    }
}

import Dispatch

extension ReplicateWeights {
    /// The replicates re-calibrated to the margins of `result` with the same method (R survey's
    /// `calibrate` on a replicate design), on all cores. The degrees of freedom are recomputed from the
    /// re-calibrated weights: their rank minus one (see ``degreesOfFreedom``), when n R² ≤ `rankBudget`;
    /// otherwise the value before calibration is kept.
    ///
    /// - Complexity: the calibrations, then O(n R²) for the rank (BLAS `dsyrk` and LAPACK `dpstrf`).
    /// - Throws: the first replicate's calibration error, naming the replicate.
    public func recalibrated(using calibrator: Calibrator, result: CalibrationResult) throws -> ReplicateWeights {
        try recalibrated(using: calibrator, result: result, rankBudget: Self.rankBudget)
    }

    func recalibrated(using calibrator: Calibrator, result: CalibrationResult, rankBudget: Double) throws -> ReplicateWeights {
        if case .onDemand(let base) = storage, !result.design.perRecord {
            return try recalibratedOnDemand(base, using: calibrator, result: result)
        }
        let count = self.count
        let box = ResultBox(count: count)
        let reps = self
        DispatchQueue.concurrentPerform(iterations: count) { r in
            do { box.set(r, .success(try calibrator.recalibrate(result, baseWeights: reps.replicate(r)))) } catch {
                box.set(r, .failure(error))
            }
        }
        var calibrated: [[Double]] = []
        calibrated.reserveCapacity(count)
        for r in 0..<count {
            switch box.get(r) {
            case .success(let w): calibrated.append(w)
            case .failure(let e):
                throw ReplicateCalibrationFailure(replicate: r + 1, count: count, underlying: e)
            }
        }
        var out = self
        out.storage = .stored(calibrated)
        out.degreesOfFreedom = Self.rankDegreesOfFreedom(calibrated, otherwise: degreesOfFreedom, budget: rankBudget)
        return out
    }

    /// Re-calibration of replicates made on demand, with categorical margins only (the factor `g` is one per
    /// cell): every replicate is calibrated once, on all cores, and only its R × cells factors are kept; its
    /// weights `w_ri = d_ri g_r,c(i)` are rebuilt when used, the same products as ``Calibrator/recalibrate(_:baseWeights:)``
    /// (so the values are identical to stored replicates). The degrees of freedom stay those before calibration:
    /// replicates are made on demand only beyond the rank budget.
    private func recalibratedOnDemand(_ base: ReplicateGenerator, using calibrator: Calibrator,
                                      result: CalibrationResult) throws -> ReplicateWeights {
        let count = base.count, units = result.design.unitCount
        let solved = ParallelWork.map(count, threads: ParallelWork.processors) { r in
            Result { try calibrator.recalibrationFactors(result, baseWeights: base.make(r)) }
        }
        var factors: [Double] = []
        factors.reserveCapacity(count * units)
        for (r, s) in solved.enumerated() {
            switch s {
            case .success(let g): factors += g
            case .failure(let e): throw ReplicateCalibrationFailure(replicate: r + 1, count: count, underlying: e)
            }
        }
        let cell = result.design.recordCell, factorsOf = factors
        let generator = ReplicateGenerator(count: count, records: base.records) { r in
            var w = base.make(r)
            factorsOf.withUnsafeBufferPointer { f in
                cell.withUnsafeBufferPointer { cell in
                    w.withUnsafeMutableBufferPointer { w in
                        let g = f.baseAddress! + r * units
                        for i in 0..<w.count { w[i] = w[i] * g[Int(cell[i])] }
                    }
                }
            }
            return w
        }
        var out = self
        out.storage = .onDemand(generator)
        out.degreesOfFreedom = max(1, degreesOfFreedom)
        return out
    }

    /// The replicates with `transform` applied to each one's weights when it is built (on demand) or now (stored).
    package func mapped(_ transform: @escaping @Sendable (Int, [Double]) -> [Double]) -> ReplicateWeights {
        var out = self
        switch storage {
        case .stored(let w): out.storage = .stored(w.enumerated().map { transform($0.offset, $0.element) })
        case .onDemand(let g):
            out.storage = .onDemand(ReplicateGenerator(count: g.count, records: g.records) { r in transform(r, g.make(r)) })
        }
        return out
    }
}

/// How replicate weights are held.
enum ReplicateStorage: Sendable {
    /// One vector per replicate.
    case stored([[Double]])
    /// Rebuilt by a generator each time a replicate is used.
    case onDemand(ReplicateGenerator)
}

/// Replicate weights built one replicate at a time: `make(r)` returns replicate `r`'s weights (the same values
/// every call).
package struct ReplicateGenerator: Sendable {
    /// Number of replicates.
    var count: Int
    /// Number of records of each replicate.
    var records: Int
    /// Builds replicate `r` (`0..<count`).
    var make: @Sendable (Int) -> [Double]
}


/// Thread-safe slots for results computed in parallel.
final class ResultBox: @unchecked Sendable {
    private var slots: [Result<[Double], Error>]
    private let lock = NSLockLike()
    init(count: Int) { slots = Array(repeating: .success([]), count: count) }
    func set(_ i: Int, _ value: Result<[Double], Error>) { lock.locked { slots[i] = value } }
    func get(_ i: Int) -> Result<[Double], Error> { lock.locked { slots[i] } }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal mutex over pthreads.
final class NSLockLike: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}

extension ReplicateWeights {
    /// Replicate weights read back from columns of a table, with the constants of their scheme.
    ///
    /// - Parameters:
    ///   - table: the data holding the replicate weight columns.
    ///   - columns: the replicate weight columns, in replicate order.
    ///   - method: `JK1` (scale (R−1)/R), `bootstrap` (1/(R−1)), `BRR` (1/R) or `Fay` (1/(R(1−ρ)²)).
    ///   - fay: Fay's ρ for `Fay`.
    ///
    /// The degrees of freedom are the rank of the replicate weights minus one, as R's `degf`.
    public static func read(from table: Table, columns: [String], method: String, fay: Double = 0) throws -> ReplicateWeights {
        guard columns.count >= 2 else { throw DesignError.invalidReplicates("need at least 2 replicate weight columns, found \(columns.count)") }
        var weights: [[Double]] = []
        for c in columns {
            let v = try table.numeric(c).values
            if let i = v.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw DesignError.invalidReplicates("\(table.location(row: i, column: try table.index(of: c))): replicate weight must be a finite number >= 0")
            }
            weights.append(v)
        }
        let r = Double(columns.count)
        let scale: Double
        switch method.lowercased() {
        case "jk1": scale = (r - 1) / r
        case "bootstrap": scale = 1 / (r - 1)
        case "brr": scale = 1 / r
        case "fay": scale = 1 / (r * (1 - fay) * (1 - fay))
        default: throw DesignError.invalidReplicates("unknown replicate type \(Echo.quoted(method)) (jk1, bootstrap, brr, fay)")
        }
        return ReplicateWeights(checkedMethod: method, weights: weights, scale: scale,
                                rscales: [Double](repeating: 1, count: columns.count),
                                degreesOfFreedom: rankDegreesOfFreedom(weights, otherwise: columns.count - 1))
    }

    /// The largest n R² (n records, R replicates) for which the rank of the replicate weights is computed:
    /// about 2·10⁹ floating-point operations, a few seconds with reference BLAS.
    public static let rankBudget = 2e9

    /// R survey's degrees of freedom for replicate weights: their numerical rank minus one (at least 1); or
    /// `fallback` when n R² exceeds `budget`.
    static func rankDegreesOfFreedom(_ weights: [[Double]], otherwise fallback: Int, budget: Double = rankBudget) -> Int {
        let n = Double(weights.first?.count ?? 0), r = Double(weights.count)
        guard n * r * r <= budget else { return max(1, fallback) }
        return max(1, rank(weights) - 1)
    }

    /// Numerical rank of the replicate weights (n x R, one array per replicate), by pivoted Cholesky
    /// (`dpstrf`) of their Gram matrix scaled to unit diagonal.
    ///
    /// A replicate counts when the part of it not explained by the replicates before it has a norm above 1e-5
    /// times its own (squared: 1e-10 on the scaled Gram matrix), the tolerance of R's `qr(, tol = 1e-5)` that
    /// `degf` uses (LINPACK `dqrdc2`, which compares each column's residual norm with its original norm).
    /// Columns that are zero are not counted.
    static func rank(_ weights: [[Double]]) -> Int {
        guard let n = weights.first?.count else { return 0 }
        let m = Matrix(rows: n, columns: weights.count, columnMajor: weights.flatMap { $0 })
        let gram = LAPACK.crossProduct(m)
        var scaled = gram
        let p = gram.rows
        for j in 0..<p { for i in 0..<p {
            let d = (gram[i, i] * gram[j, j]).squareRoot()
            scaled[i, j] = d > 0 ? gram[i, j] / d : 0
        } }
        return LAPACK.pivotedCholeskyRank(scaled, tolerance: 1e-10).rank
    }
}
