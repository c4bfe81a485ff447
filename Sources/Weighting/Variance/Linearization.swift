/// Taylor-linearization variance of estimators given their influence values (estimating functions).
///
/// For an estimator linearized as `θ̂ − θ ≈ Σ_i z_i`, the variance is that of a total of `z`:
/// with PSU totals `z_hj = Σ_{i∈(h,j)} z_i` in stratum `h` with `n_h` PSUs and sampling fraction `f_h`,
/// `V = Σ_h (1 − f_h) n_h/(n_h − 1) Σ_j (z_hj − z̄_h)²` (Lumley 2010, §2.2; R survey's `svyrecvar`).
///
/// After calibration, `z` is first replaced by the calibration residuals
/// `z_i ← w_i (u_i − x_i'B)`, `u_i = z_i / w_i`, `B = (Σ d x x')⁻¹ Σ d x u`, with `d` the weights before
/// calibration and `x` the calibration auxiliaries (Deville & Särndal 1992, §3; R's `calibrate`, `postStratify`).
/// After several calibrations (``SurveyDesign/adjustments``), the residuals are taken on each in turn, first
/// applied first, each with its own weights before and after (R survey's `svyrecvar` on `postStrata`).
/// This is the exact projection for every calibration method; R's `rake()` instead approximates it with ten
/// backfitting sweeps, which is why it can differ slightly from `calibrate(calfun = "raking")`.
public struct LinearizationVariance: Sendable {
    /// The design.
    public let design: SurveyDesign

    /// Creates the variance estimator for a design.
    public init(design: SurveyDesign) { self.design = design }

    /// Variances of several estimators at once; `z[k]` are the influence values of estimator `k`.
    ///
    /// - Complexity: O(n k + cells p k + p³) for calibration residuals, O(n k) for the PSU sums.
    public func variances(_ z: [[Double]]) throws -> [Double] {
        guard !z.isEmpty else { return [] }
        var zz = z
        zz = try design.calibrationResiduals(zz)
        return try zz.map { try stratifiedVariance($0) }
    }

    /// Variance of one estimator.
    public func variance(_ z: [Double]) throws -> Double { try variances([z])[0] }

    /// Variances of estimators whose influence values are zero outside a few records (domain estimates).
    ///
    /// Without calibration, a record outside the domain adds nothing to its PSU's total, and a PSU without
    /// domain records has total 0, which adds nothing to the stratum sums: the same formula runs over the domain's
    /// records only, O(domain size) time and memory. After calibration the residuals are non-zero everywhere; they
    /// are formed for at most `denseBatch` (32) estimators at a time, so memory stays O(records x batch) however
    /// many domains there are (time is O(records) per estimator).
    ///
    /// - Complexity: O(Σ domain sizes) without calibration.
    public func variances(sparse z: [SparseInfluence]) throws -> [Double] {
        guard let cal = design.calibration else { return try z.map { try stratifiedVariance($0) } }
        let residuals = CalibrationResiduals(result: cal, weights: design.weights)
        if design.adjustments.count == 1 && !design.isClustered && !cal.design.perRecord && residuals.columns.count > 0 {
            return try residuals.cellVariances(z, design: design, combine: combine(sum:sumSq:))
        }
        let n = design.count
        var out: [Double] = []
        out.reserveCapacity(z.count)
        var start = 0
        while start < z.count {
            let end = min(z.count, start + Self.denseBatch)
            let dense = z[start..<end].map { s -> [Double] in
                var v = [Double](repeating: 0, count: n)
                for (i, x) in zip(s.rows, s.values) { v[i] = x }
                return v
            }
            out += try design.calibrationResiduals(dense).map { try stratifiedVariance($0) }
            start = end
        }
        return out
    }

    /// Estimators whose dense residuals are formed at once after calibration.
    static let denseBatch = 32

    /// `Σ_h (1 − f_h) n_h/(n_h − 1) Σ_j (z_hj − z̄_h)²` for influence values that are 0 off `z.rows`.
    func stratifiedVariance(_ z: SparseInfluence) throws -> Double {
        let n = design.count
        let strataCount = design.psuCount.count
        if !design.isClustered && strataCount == 1 {
            // One stratum, one record per PSU: the zeros off the domain count in the mean and the sum of squares.
            let m = Double(n)
            var mean = 0.0
            for v in z.values { mean += v }
            mean /= m
            var ss = 0.0
            for v in z.values { ss += (v - mean) * (v - mean) }
            ss += Double(n - z.rows.count) * mean * mean
            guard n > 1 else { return try lonely(0, sumSquares: z.values.first.map { $0 * $0 } ?? 0, strataCount: 1) }
            return (1 - design.samplingFraction[0]) * m / (m - 1) * ss
        }
        var sum = [Double](repeating: 0, count: strataCount)
        var sumSq = [Double](repeating: 0, count: strataCount)
        if design.isClustered {
            var psuTotal: [Int32: Double] = [:]
            var psuStratum: [Int32: Int32] = [:]
            for (i, v) in zip(z.rows, z.values) {
                psuTotal[design.clusters[i], default: 0] += v
                psuStratum[design.clusters[i]] = design.strata[i]
            }
            // In PSU order: a dictionary's order changes from run to run, and so would the last bits of the sums.
            for psu in psuTotal.keys.sorted() {
                let t = psuTotal[psu]!
                let h = Int(psuStratum[psu]!)
                sum[h] += t
                sumSq[h] += t * t
            }
        } else {
            for (i, v) in zip(z.rows, z.values) {
                let h = Int(design.strata[i])
                sum[h] += v
                sumSq[h] += v * v
            }
        }
        return try combine(sum: sum, sumSq: sumSq)
    }

    /// `Σ_h (1 − f_h) n_h/(n_h − 1) Σ_j (z_hj − z̄_h)²` with the lonely-PSU policy.
    func stratifiedVariance(_ z: [Double]) throws -> Double {
        let n = z.count
        let strataCount = design.psuCount.count
        if !design.isClustered && strataCount == 1 {
            // Fast path: one stratum, one record per PSU.
            let m = Double(n)
            var mean = 0.0
            for v in z { mean += v }
            mean /= m
            var ss = 0.0
            for v in z { ss += (v - mean) * (v - mean) }
            guard n > 1 else { return try lonely(0, sumSquares: z[0] * z[0], strataCount: 1) }
            return (1 - design.samplingFraction[0]) * m / (m - 1) * ss
        }
        // PSU totals.
        var psuTotal: [Int32: Double] = [:]
        var psuStratum: [Int32: Int32] = [:]
        if design.isClustered {
            for i in 0..<n {
                psuTotal[design.clusters[i], default: 0] += z[i]
                psuStratum[design.clusters[i]] = design.strata[i]
            }
        }
        var sum = [Double](repeating: 0, count: strataCount)
        var sumSq = [Double](repeating: 0, count: strataCount)
        if design.isClustered {
            // In PSU order: a dictionary's order changes from run to run, and so would the last bits of the sums.
            for psu in psuTotal.keys.sorted() {
                let t = psuTotal[psu]!
                let h = Int(psuStratum[psu]!)
                sum[h] += t
                sumSq[h] += t * t
            }
        } else {
            for i in 0..<n {
                let h = Int(design.strata[i])
                sum[h] += z[i]
                sumSq[h] += z[i] * z[i]
            }
        }
        return try combine(sum: sum, sumSq: sumSq)
    }

    /// The stratified sum of squares from each stratum's sum and sum of squares of PSU totals, with the
    /// lonely-PSU policy.
    func combine(sum: [Double], sumSq: [Double]) throws -> Double {
        let strataCount = design.psuCount.count
        var total = 0.0
        var okStrata = 0
        var averageNeeded = false
        for h in 0..<strataCount {
            let nh = Double(design.psuCount[h])
            if design.psuCount[h] == 0 { continue }
            if design.psuCount[h] == 1 {
                switch design.lonelyPSU {
                case .fail: throw DesignError.lonelyPSU(stratum: design.strataLabels[h])
                case .remove, .certainty: okStrata += 1
                case .adjust: total += (1 - design.samplingFraction[h]) * sumSq[h]; okStrata += 1
                case .average: averageNeeded = true
                }
                continue
            }
            let centred = sumSq[h] - sum[h] * sum[h] / nh
            total += (1 - design.samplingFraction[h]) * nh / (nh - 1) * max(0, centred)
            okStrata += 1
        }
        if averageNeeded && okStrata > 0 {
            let present = design.psuCount.filter { $0 > 0 }.count
            total *= Double(present) / Double(okStrata)
        }
        return total
    }

    func lonely(_ h: Int, sumSquares: Double, strataCount: Int) throws -> Double {
        switch design.lonelyPSU {
        case .fail: throw DesignError.lonelyPSU(stratum: design.strataLabels[h])
        case .adjust: return (1 - design.samplingFraction[h]) * sumSquares
        default: return 0
        }
    }
}

/// Influence values that are zero except at `rows` (a domain's records): `values[k]` belongs to record `rows[k]`.
public struct SparseInfluence: Sendable {
    /// The records with a (possibly) non-zero influence value, in increasing order.
    public var rows: [Int]
    /// Their influence values.
    public var values: [Double]

    /// Creates sparse influence values.
    public init(rows: [Int], values: [Double]) {
        precondition(rows.count == values.count)
        self.rows = rows
        self.values = values
    }
}

/// Residuals of influence values on the calibration auxiliaries (the g-weighted projection of R's calibrate).
struct CalibrationResiduals {
    let result: CalibrationResult
    let weights: [Double]
    /// Independent constraint columns and the auxiliaries restricted to them.
    let columns: [Int]
    let xk: SplitAuxiliaries
    /// `X'DX` eliminated by blocks (a margin with many levels), or dense.
    let system: MarginBlockSystem?
    let xdx: Matrix?

    /// Prepares the projection once (independent columns, `X'DX`), for any number of estimators.
    init(result: CalibrationResult, weights: [Double]) {
        self.result = result
        self.weights = weights
        let design = result.design
        if let ridge = result.penalty {
            // Penalized calibration: B = (X'DX + Λ)⁻¹ X'D u on the constraints the solve kept.
            columns = PenalizedCalibration.keptColumns(design, ridge: ridge)
            xk = design.auxiliaries.selecting(columns: columns)
            var t = xk.crossProduct(weights: design.unitWeight)
            for (k, j) in columns.enumerated() { t[k, k] += ridge[j] }
            system = nil
            xdx = t
            return
        }
        columns = design.independentColumns()
        xk = design.auxiliaries.selecting(columns: columns)
        if let slot = MarginBlockSystem.eliminatedSlot(xk, minimumLevels: MarginBlockSystem.defaultThreshold) {
            // A margin with many levels: eliminate its diagonal block instead of forming X'DX densely.
            system = MarginBlockSystem(xk, weights: design.unitWeight, slot: slot)
            xdx = nil
        } else {
            system = nil
            xdx = xk.crossProduct(weights: design.unitWeight)
        }
    }

    /// The coefficients `B = (X'DX)⁻¹ X'D u` of each column of `xdu = X'D u` (p x k): through the block
    /// elimination when a margin has many levels, else by Cholesky on the dense `X'DX`.
    func coefficients(_ xdu: Matrix) throws -> Matrix {
        guard let system else { return try LAPACK.solvePositiveDefinite(xdx!, columns: xdu) }
        let p = xdu.rows, k = xdu.columns
        var b = Matrix(rows: p, columns: k)
        for j in 0..<k {
            let col = try system.solve(Array(xdu.values[(j * p)..<((j + 1) * p)]))
            b.values.replaceSubrange((j * p)..<((j + 1) * p), with: col)
        }
        return b
    }

    /// Variances of the residuals of sparse influence values when the calibration units are cells and each
    /// record is its own PSU, without forming the residuals over all records.
    ///
    /// With `e_i = z_i − w_i f_{c(i)}`, `f = X B` per cell, the stratum sums the variance needs are
    /// `Σ_{i∈h} e_i = Σ_{i∈h, z_i≠0} z_i − Σ_c f_c W_hc` and
    /// `Σ_{i∈h} e_i² = Σ_{i∈h, z_i≠0} (z_i² − 2 z_i w_i f_{c(i)}) + Σ_c f_c² Q_hc`, where `W_hc = Σ_{i∈h∩c} w_i`
    /// and `Q_hc = Σ_{i∈h∩c} w_i²` are computed once: O(domain size + strata x cells) per estimator instead of
    /// O(records). `B` is solved for batches of estimators at once.
    ///
    /// - Parameter quadraticForm: use the `p x p` forms (`nil`: when `p² ≤ cells x margins`), for tests.
    func cellVariances(_ z: [SparseInfluence], design survey: SurveyDesign, quadraticForm: Bool? = nil,
                       combine: ([Double], [Double]) throws -> Double) throws -> [Double] {
        let design = result.design
        let d = result.baseWeights, w = weights
        let cells = design.cellCount, strata = survey.psuCount.count
        let p = columns.count, slots = xk.slots
        var wc = [Double](repeating: 0, count: strata * cells), qc = wc
        for i in 0..<w.count {
            let k = Int(survey.strata[i]) * cells + Int(design.recordCell[i])
            wc[k] += w[i]
            qc[k] += w[i] * w[i]
        }
        // Σ_c f_c W_hc = B'(X'W_h) and Σ_c f_c² Q_hc = B'(X' diag(Q_h) X)B when p² is below the cells' size.
        let quadratic = quadraticForm ?? (p * p <= cells * max(1, slots))
        var colW: [[Double]] = [], gram: [Matrix] = []
        if quadratic {
            for h in 0..<strata {
                let wh = Array(wc[(h * cells)..<((h + 1) * cells)]), qh = Array(qc[(h * cells)..<((h + 1) * cells)])
                colW.append(xk.totals(weights: wh))
                gram.append(xk.crossProduct(weights: qh))
            }
        }
        func cellFit(_ b: ArraySlice<Double>, _ c: Int) -> Double {
            var sum = 0.0
            for k in 0..<slots {
                let col = Int(xk.cellColumns[c * slots + k])
                if col >= 0 { sum += b[b.startIndex + col] }
            }
            return sum
        }
        let batch = 256
        var out: [Double] = []
        out.reserveCapacity(z.count)
        var start = 0
        while start < z.count {
            let end = min(z.count, start + batch), k = end - start
            // X'D(z/w) for the batch, from each estimator's records only: O(records x margins).
            var xdu = Matrix(rows: p, columns: k)
            for j in 0..<k {
                let zj = z[start + j]
                for (i, v) in zip(zj.rows, zj.values) {
                    let c = Int(design.recordCell[i])
                    for s in 0..<slots {
                        let col = Int(xk.cellColumns[c * slots + s])
                        if col >= 0 { xdu.values[j * p + col] += d[i] * v / w[i] }
                    }
                }
            }
            let b = try coefficients(xdu)
            for j in 0..<k {
                let zj = z[start + j]
                let bj = b.values[(j * p)..<((j + 1) * p)]
                var sum = [Double](repeating: 0, count: strata), sumSq = sum
                for (i, v) in zip(zj.rows, zj.values) {
                    let h = Int(survey.strata[i])
                    sum[h] += v
                    sumSq[h] += v * v - 2 * v * w[i] * cellFit(bj, Int(design.recordCell[i]))
                }
                if quadratic {
                    let bv = Array(bj)
                    for h in 0..<strata {
                        var a = 0.0
                        for col in 0..<p { a += bv[col] * colW[h][col] }
                        let gb = LAPACK.product(gram[h], transpose: false, bv)
                        var q = 0.0
                        for col in 0..<p { q += bv[col] * gb[col] }
                        sum[h] -= a
                        sumSq[h] += q
                    }
                } else {
                    var f = [Double](repeating: 0, count: cells)
                    for c in 0..<cells { f[c] = cellFit(bj, c) }
                    for h in 0..<strata {
                        var a = 0.0, q = 0.0
                        for c in 0..<cells {
                            a += f[c] * wc[h * cells + c]
                            q += f[c] * f[c] * qc[h * cells + c]
                        }
                        sum[h] -= a
                        sumSq[h] += q
                    }
                }
                out.append(try combine(sum, sumSq))
            }
            start = end
        }
        return out
    }

    /// `z_i ← w_i (z_i/w_i − x_i'B)`, `B = (X'DX)⁻¹ X'D (z/w)`, for every column of `z` at once.
    ///
    /// `X'DX`, `X'D(z/w)` and `x_i'B` come from the split auxiliaries (sums per categorical cell plus the
    /// numeric columns), over the units of the calibration (cells, or records with numeric totals or trimming).
    func residualize(_ z: [[Double]]) throws -> [[Double]] {
        try residualizeWithCoefficients(z).residuals
    }

    /// ``residualize(_:)`` and the coefficients `B` of each estimator by constraint (`coefficients[j][k]` for
    /// estimator `j` and constraint `k` of ``CalibrationResult/constraints``; 0 for a constraint left out as
    /// redundant): the linearization of a calibrated total is `Σ d (u − x'B) + T'B`, so when targets `T` are
    /// themselves estimated, `T'B` is what carries their variance.
    func residualizeWithCoefficients(_ z: [[Double]]) throws -> (residuals: [[Double]], coefficients: [[Double]]) {
        let design = result.design
        let d = result.baseWeights
        let n = d.count, k = z.count
        let units = design.unitCount
        let p = columns.count
        let constraintCount = result.constraints.count
        guard p > 0 else { return (z, z.map { _ in [Double](repeating: 0, count: constraintCount) }) }
        // Unit sums of d u for each estimator (units x k), u = z / w.
        var unitDU = Matrix(rows: units, columns: k)
        for (j, zj) in z.enumerated() {
            let base = j * units
            for i in 0..<n where zj[i] != 0 {
                unitDU.values[base + design.unit(ofRecord: i)] += d[i] * zj[i] / weights[i]
            }
        }
        let xdu = xk.totals(unitDU)                                    // p x k
        let b = try coefficients(xdu)                                 // p x k
        let fitted = xk.linearPredictor(b)                             // units x k
        var out = z
        for j in 0..<k {
            let base = j * units
            for i in 0..<n {
                out[j][i] = weights[i] * (z[j][i] / weights[i] - fitted.values[base + design.unit(ofRecord: i)])
            }
        }
        let byConstraint = (0..<k).map { j -> [Double] in
            var c = [Double](repeating: 0, count: constraintCount)
            for (q, col) in columns.enumerated() { c[col] = b.values[j * p + q] }
            return c
        }
        return (out, byConstraint)
    }
}
